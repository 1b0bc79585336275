import { createHash } from 'node:crypto';
import { unknownFields } from './checks.ts';
import { COMMAND_PATHS } from './commands.ts';

/** Every request as it arrived, for tests and the control endpoint; never the UserSig itself. */

interface ReceivedRequest {
  command: string;
  path: string;
  query: Record<string, string>;
  /** The first 16 hex digits of the UserSig's SHA-256, never the UserSig itself. */
  userSigDigest: string | undefined;
  contentType: string | undefined;
  body: unknown;
  /** Paths of the body's keys Tencent does not document (Tencent ignores them). */
  unknownFields: string[];
  receivedAt: number;
  outcome?: string;
}

const userSigDigest = (userSig: string): string =>
  createHash('sha256').update(userSig).digest('hex').slice(0, 16);

/** The record of one request: its query without the UserSig, and a short digest in its place. */
const receivedRequest = (
  path: string,
  query: URLSearchParams,
  contentType: string | undefined,
  body: unknown,
  receivedAt: number,
): ReceivedRequest => {
  const command = COMMAND_PATHS[path] ?? path;
  const userSig = query.get('usersig');
  return {
    command,
    path,
    query: Object.fromEntries([...query.entries()].filter(([key]) => key !== 'usersig')),
    userSigDigest: userSig === null ? undefined : userSigDigest(userSig),
    contentType,
    body,
    unknownFields: unknownFields(command, body),
    receivedAt,
  };
};

export type { ReceivedRequest };
export { receivedRequest };

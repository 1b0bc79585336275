import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from './commands/command.ts';
import { ConnectionFailure, postOverKeptConnection, RequestTimeout } from './connections.ts';
import { beforeDeadline } from './deadline.ts';
import { isSendError, SendError } from './errors.ts';
import { freshRandom } from './idempotency.ts';
import { isCredentialRejection, LIVE_ROOM_RETRYABLE_CODES } from './tencent-codes.ts';
import { failureOfReply, parseReply, type TencentReply } from './tencent-reply.ts';
import type { SignedIdentity } from './usersig.ts';

interface RetryPolicy {
  attemptTimeoutMs: number;
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** What the client needs of a command: where it goes and whether Tencent de-duplicates it. */
type CommandTarget = Pick<Command, 'name' | 'service' | 'deduplicatedByRandom'>;

interface SendRequest extends RetryPolicy {
  baseUrl: string;
  command: CommandTarget;
  body: object;
  /** Time left for the whole send, retries included. */
  budgetMs: number;
  /** The signed admin identity; `refresh` fetches the secret again and signs anew. */
  identity: (options: { refresh: boolean }) => Promise<SignedIdentity>;
}

/** Counted while the send runs, so that a failed send can be logged with its attempts too. */
interface SendProgress {
  attempts: number;
  /** Time spent calling Tencent, retries and backoff included. */
  upstreamMs?: number;
  /**
   * Set when an attempt failed after Tencent may have received it (a timeout, a reset after
   * sending, a gateway timeout): if the send fails, nobody knows whether Tencent took the message.
   */
  outcomeUnknown?: boolean;
}

/** A rate limit is never retried sooner than this (contract section 6). */
const RATE_LIMIT_MIN_DELAY_MS = 1_000;

// The query carries the UserSig: it is built here and never put into a message or a log. Its
// signed part is built once per identity.
const signedQueries = new WeakMap<SignedIdentity, string>();
const signedQuery = (identity: SignedIdentity): string => {
  let query = signedQueries.get(identity);
  if (query === undefined) {
    query = `sdkappid=${identity.sdkAppId}&identifier=${encodeURIComponent(identity.identifier)}&usersig=${encodeURIComponent(identity.userSig)}`;
    signedQueries.set(identity, query);
  }
  return query;
};
const commandPath = (command: CommandTarget, identity: SignedIdentity): string =>
  `/v4/${command.service}/${command.name}?${signedQuery(identity)}&random=${freshRandom()}&contenttype=json`;

/** HTTP statuses a group send retries (Random makes a repeat harmless); live rooms retry none. */
const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

const statusFailure = (status: number): SendError => {
  if (status === 429)
    return new SendError('RATE_LIMITED', 'Tencent answered HTTP 429 (too many requests)');
  const code = status >= 500 || status === 408 ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_ERROR';
  return new SendError(code, `Tencent answered HTTP ${status}`);
};

/** Retry-After in seconds or as a date, in milliseconds; undefined when absent or malformed. */
const retryAfterMs = (header: string | undefined): number | undefined => {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
};

/** One attempt's outcome: the reply, or a failure and whether it may be retried, and when. */
type Attempt =
  | { reply: TencentReply }
  | { failure: SendError; retryable: boolean; floorMs?: number; afterMs?: number };

/**
 * Sends one command and returns Tencent's reply, or throws a SendError. The attempts, timeouts,
 * backoff with full jitter and the retries decided from the reply's body are a small loop rather
 * than ky: ky's hooks cost a clone of every request and response (a tee of each body stream),
 * about 0.3 ms of CPU a send, and the policy is this module's either way (contract sections 5
 * and 6): `attempt` says what failed and whether it may be retried, the loop when.
 */
const sendToTencent = async (
  request: SendRequest,
  progress: SendProgress = { attempts: 0 },
): Promise<TencentReply> => {
  const { command, baseUrl, budgetMs } = request;
  if (budgetMs <= 0) {
    throw new SendError('UPSTREAM_TIMEOUT', 'No time was left to call Tencent');
  }
  const deadline = Date.now() + budgetMs;
  const bodyText = JSON.stringify(request.body);
  const backoff = (retry: number): number =>
    Math.min(request.backoffMaxMs, request.backoffBaseMs * 2 ** (retry - 1));
  const fitsBudget = (delayMs: number): boolean =>
    Date.now() + delayMs + Math.min(request.attemptTimeoutMs, 100) < deadline;
  const signedIdentity = (refresh: boolean) =>
    beforeDeadline(
      request.identity({ refresh }),
      deadline,
      () =>
        new SendError('UPSTREAM_TIMEOUT', 'Secrets Manager did not answer within the time budget'),
    );

  const attempt = async (identity: SignedIdentity): Promise<Attempt> => {
    const group = command.deduplicatedByRandom;
    try {
      const response = await postOverKeptConnection(
        baseUrl,
        commandPath(command, identity),
        bodyText,
        Math.min(request.attemptTimeoutMs, Math.max(1, deadline - Date.now())),
      );
      const { status } = response;
      if (status < 200 || status > 299) {
        if (status === 504) progress.outcomeUnknown = true;
        return {
          failure: statusFailure(status),
          retryable: group && RETRIED_STATUSES.has(status),
          floorMs: status === 429 ? RATE_LIMIT_MIN_DELAY_MS : 0,
          afterMs:
            status === 429 || status === 503
              ? retryAfterMs(response.header('retry-after'))
              : undefined,
        };
      }
      const reply = parseReply(response.text);
      const failure = failureOfReply(reply);
      if (!failure) return { reply };
      const code = failure.tencentCode ?? 0;
      return {
        failure,
        retryable: group ? failure.retryable : LIVE_ROOM_RETRYABLE_CODES.has(code),
        floorMs: failure.code === 'RATE_LIMITED' ? RATE_LIMIT_MIN_DELAY_MS : 0,
      };
    } catch (error) {
      if (isSendError(error)) return { failure: error, retryable: false };
      if (error instanceof RequestTimeout) {
        progress.outcomeUnknown = true;
        const failure = new SendError(
          'UPSTREAM_TIMEOUT',
          'Tencent did not answer within the time budget',
        );
        // A live-room send that timed out may have reached Tencent: never sent twice.
        return { failure, retryable: group };
      }
      if (error instanceof ConnectionFailure) {
        const failure = new SendError(
          'UPSTREAM_UNAVAILABLE',
          `Could not reach Tencent (${error.reason})`,
        );
        if (error.mayHaveReachedServer) progress.outcomeUnknown = true;
        // A live-room send is retried only when the request cannot have reached Tencent.
        return { failure, retryable: group || !error.mayHaveReachedServer };
      }
      throw error;
    }
  };

  let identity = await signedIdentity(false);
  let refreshed = false;
  const upstreamStartedAt = Date.now();
  try {
    for (let retries = 0; ; ) {
      progress.attempts += 1;
      const outcome = await attempt(identity);
      if ('reply' in outcome) return outcome.reply;
      const { failure } = outcome;
      // A signature refresh is retried once at once, and uses up none of the failure retries.
      if (isCredentialRejection(failure.tencentCode ?? 0)) {
        if (refreshed || !fitsBudget(0)) throw failure;
        refreshed = true;
        identity = await signedIdentity(true);
        continue;
      }
      retries += 1;
      const delay =
        (outcome.floorMs ?? 0) +
        (outcome.afterMs !== undefined
          ? Math.min(request.backoffMaxMs, outcome.afterMs)
          : Math.random() * backoff(retries));
      if (!outcome.retryable || retries > request.maxRetries || !fitsBudget(delay)) throw failure;
      await sleep(delay);
    }
  } finally {
    progress.upstreamMs = Date.now() - upstreamStartedAt;
  }
};

export type { CommandTarget, RetryPolicy, SendProgress, SendRequest };
export { sendToTencent };

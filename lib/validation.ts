import type { Command, StoredMessage } from './commands/command.ts';
import { InvalidRequestError, PayloadTooLargeError } from './errors.ts';
import { byteLength } from './schemas/fields.ts';
import { toFieldProblems } from './schemas/issues.ts';

/**
 * Tencent's limit is "12 KB" (12,000 bytes on the broadcast page) and its counting rule is not
 * published. We count the UTF-8 bytes of the JSON of MsgBody plus those of CloudCustomData, as
 * Tencent stores the message, and hold that to 12,000.
 */
const MESSAGE_BYTES_LIMIT = 12_000;

const storedMessageBytes = ({ MsgBody, CloudCustomData }: StoredMessage): number =>
  byteLength(JSON.stringify(MsgBody)) + byteLength(CloudCustomData ?? '');

/** Checks a request against its command's schema and the size limit; a bad one never leaves. */
const validateRequest = <Request extends object>(
  command: Command<Request>,
  input: unknown,
): Request => {
  const parsed = command.schema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    throw new InvalidRequestError(toFieldProblems(parsed.error.issues));
  }
  const bytes = storedMessageBytes(command.storedMessage(parsed.data));
  if (bytes > MESSAGE_BYTES_LIMIT) {
    throw new PayloadTooLargeError(bytes, MESSAGE_BYTES_LIMIT);
  }
  return parsed.data;
};

export { MESSAGE_BYTES_LIMIT, storedMessageBytes, validateRequest };

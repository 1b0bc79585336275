import type { core } from 'zod/mini';
import type { Command, StoredMessage } from './commands/command.ts';
import type { UnknownFieldsMode } from './config.ts';
import { type FieldProblem, InvalidRequestError, PayloadTooLargeError } from './errors.ts';
import { byteLength } from './schemas/fields.ts';
import { formatPath, toFieldProblems, type UnknownKeyReason } from './schemas/issues.ts';
import { suggestField } from './schemas/suggestions.ts';

/**
 * Tencent's limit is "12 KB" (12,000 bytes on the broadcast page) and its counting rule is not
 * published. We count the UTF-8 bytes of the JSON of MsgBody plus those of CloudCustomData, as
 * Tencent stores the message, and hold that to 12,000.
 */
const MESSAGE_BYTES_LIMIT = 12_000;

/** A checked request: the caller's own object (never zod's copy), and the unknown fields forwarded. */
interface CheckedRequest<Request> {
  request: Request;
  warnings: FieldProblem[];
}

const storedMessageBytes = ({ MsgBody, CloudCustomData }: StoredMessage): number =>
  byteLength(JSON.stringify(MsgBody)) + byteLength(CloudCustomData ?? '');

const unknownKeyReason =
  (command: Command, input: unknown): UnknownKeyReason =>
  (path, key) => {
    const keys = path as readonly (string | number)[];
    const place = keys.length === 0 ? command.name : formatPath(keys);
    const meant = suggestField(command.schema, input, keys, key);
    if (meant === undefined) return `is not a field of ${place}`;
    const topLevel = keys.length > 0 && /^\w+$/.test(meant);
    return `is not a field of ${place}; did you mean ${meant}${topLevel ? ` (a field of ${command.name})` : ''}?`;
  };

const isUnknownKeys = (issue: core.$ZodIssue): issue is core.$ZodIssueUnrecognizedKeys =>
  issue.code === 'unrecognized_keys';

/** A copy of `input` without the keys zod did not know, to check the rest of it. */
const withoutUnknownKeys = (input: unknown, issues: core.$ZodIssueUnrecognizedKeys[]): unknown => {
  const copy = structuredClone(input);
  for (const issue of issues) {
    const holder = issue.path.reduce<unknown>(
      (value, key) => (value as Record<PropertyKey, unknown>)[key],
      copy,
    ) as Record<string, unknown>;
    for (const key of issue.keys) delete holder[key];
  }
  return copy;
};

/**
 * Checks a request against its command's schema and the size limit; a bad one never leaves.
 * Unknown fields are refused, each named with the documented field it probably meant; in forward
 * mode they are kept in the request and listed as warnings, and the rest is checked as usual.
 */
const checkRequest = <Request extends object>(
  command: Command<Request>,
  input: unknown,
  mode: UnknownFieldsMode = 'reject',
): CheckedRequest<Request> => {
  let warnings: FieldProblem[] = [];
  const parsed = command.schema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const { issues } = parsed.error;
    const reason = unknownKeyReason(command, input);
    const unknown = issues.filter(isUnknownKeys);
    if (mode === 'reject' || unknown.length === 0) {
      throw new InvalidRequestError(toFieldProblems(issues, reason));
    }
    const rest = command.schema.safeParse(withoutUnknownKeys(input, unknown));
    if (!rest.success) throw new InvalidRequestError(toFieldProblems(rest.error.issues, reason));
    warnings = toFieldProblems(unknown, reason).map(({ path, message }) => ({
      path,
      message: `${message} (sent to Tencent as given)`,
    }));
  }
  const request = input as Request;
  const bytes = storedMessageBytes(command.storedMessage(request));
  if (bytes > MESSAGE_BYTES_LIMIT) {
    throw new PayloadTooLargeError(bytes, MESSAGE_BYTES_LIMIT);
  }
  return { request, warnings };
};

/** Checks a request, refusing unknown fields; returns the caller's own object. */
const validateRequest = <Request extends object>(
  command: Command<Request>,
  input: unknown,
): Request => checkRequest(command, input).request;

export { checkRequest, MESSAGE_BYTES_LIMIT, storedMessageBytes, validateRequest };

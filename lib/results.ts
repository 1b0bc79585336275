import type { CommandName } from './commands/command.ts';
import { type ErrorCode, type FieldProblem, HTTP_STATUS, type SendError } from './errors.ts';
import type { EventKind } from './events.ts';
import type { TencentReply } from './tencent-reply.ts';

/** The normalized result of every send (contract section 4). */
interface SuccessResult {
  ok: true;
  command: CommandName;
  msgSeq: number | undefined;
  msgTime?: number;
  random?: number;
  requestId?: string;
  /** Taken from the idempotency table: this send sent nothing (contract section 5). */
  replayed?: true;
  /** Unknown fields sent to Tencent as given (TENCENT_CHAT_UNKNOWN_FIELDS=forward). */
  warnings?: FieldProblem[];
}

interface FailureResult {
  ok: false;
  command: CommandName;
  /** The Random the send used: a caller who retries with it cannot deliver a second copy. */
  random?: number;
  /** Taken from the idempotency table: this send sent nothing (contract section 5). */
  replayed?: true;
  warnings?: FieldProblem[];
  error: {
    code: ErrorCode;
    message: string;
    retryable: boolean;
    tencentCode?: number;
    tencentInfo?: string;
    requestId?: string;
    details: FieldProblem[];
  };
}

type SendResult = SuccessResult | FailureResult;

/** Seconds a caller should wait after a 429, a 503 or an IN_PROGRESS 409. */
const RETRY_AFTER_SECONDS = 1;

/** The retryable failures that tell an HTTP caller when to come back. */
const RETRY_AFTER_CODES: ReadonlySet<ErrorCode> = new Set([
  'RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  'IN_PROGRESS',
]);

const successResult = (
  command: CommandName,
  reply: TencentReply,
  random: number | undefined,
  warnings: FieldProblem[] = [],
): SuccessResult => ({
  ok: true,
  command,
  msgSeq: reply.msgSeq,
  ...(reply.msgTime !== undefined && { msgTime: reply.msgTime }),
  ...(random !== undefined && { random }),
  ...(reply.requestId !== undefined && { requestId: reply.requestId }),
  ...(warnings.length > 0 && { warnings }),
});

const failureResult = (
  command: CommandName,
  error: SendError,
  random: number | undefined,
  warnings: FieldProblem[] = [],
): FailureResult => ({
  ok: false,
  command,
  ...(random !== undefined && { random }),
  ...(warnings.length > 0 && { warnings }),
  error: {
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    ...(error.tencentCode !== undefined && { tencentCode: error.tencentCode }),
    ...(error.tencentInfo !== undefined && { tencentInfo: error.tencentInfo }),
    ...(error.requestId !== undefined && { requestId: error.requestId }),
    details: error.details,
  },
});

/** What Lambda's retries, destinations and Step Functions see of a failure: name = error code. */
class InvocationFailedError extends Error {
  readonly result: FailureResult;

  constructor(result: FailureResult) {
    super(JSON.stringify(result));
    this.name = result.error.code;
    this.result = result;
  }
}

interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** `okStatus` for a success: 200 for a send, 202 for a fan-out that queued its sends. */
const httpResponse = (result: { ok: true } | FailureResult, okStatus = 200): HttpResponse => {
  const statusCode = result.ok ? okStatus : HTTP_STATUS[result.error.code];
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!result.ok && RETRY_AFTER_CODES.has(result.error.code))
    headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  return { statusCode, headers, body: JSON.stringify(result) };
};

/** Answers as the event kind expects: an HTTP response, or the result itself / a thrown error. */
const answer = <Success extends { ok: true }>(
  kind: EventKind,
  result: Success | FailureResult,
  okStatus = 200,
): HttpResponse | Success => {
  if (kind === 'http') return httpResponse(result, okStatus);
  if (result.ok) return result;
  throw new InvocationFailedError(result);
};

export type { FailureResult, HttpResponse, SendResult, SuccessResult };
export { answer, failureResult, httpResponse, InvocationFailedError, successResult };

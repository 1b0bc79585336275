/** The normalized error codes of the contract (section 4), with their HTTP status. */
const HTTP_STATUS = {
  INVALID_REQUEST: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  IDEMPOTENCY_CONFLICT: 409,
  IN_PROGRESS: 409,
  FANOUT_FINISHED: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  CONFIGURATION_ERROR: 500,
  INTERNAL_ERROR: 500,
  UPSTREAM_ERROR: 502,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_TIMEOUT: 504,
} as const;

type ErrorCode = keyof typeof HTTP_STATUS;

const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set([
  'IN_PROGRESS',
  'RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
]);

/** One problem found in a request: where (a field path such as `MsgBody[0].MsgType`) and why. */
interface FieldProblem {
  path: string;
  message: string;
}

interface TencentFailure {
  tencentCode?: number;
  tencentInfo?: string;
  requestId?: string;
}

interface SendErrorOptions extends ErrorOptions, TencentFailure {
  details?: FieldProblem[];
}

/**
 * Every failure the product reports. Its message is safe to show to a caller: it never carries a
 * URL, a secret key or a UserSig.
 */
class SendError extends Error {
  readonly code: ErrorCode;
  readonly details: FieldProblem[];
  readonly tencentCode: number | undefined;
  readonly tencentInfo: string | undefined;
  readonly requestId: string | undefined;

  constructor(code: ErrorCode, message: string, options: SendErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SendError';
    this.code = code;
    this.details = options.details ?? [];
    this.tencentCode = options.tencentCode;
    this.tencentInfo = options.tencentInfo;
    this.requestId = options.requestId;
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  get retryable(): boolean {
    return RETRYABLE_CODES.has(this.code);
  }
}

class InvalidRequestError extends SendError {
  constructor(details: FieldProblem[]) {
    const first = details[0];
    const summary = first ? `${first.path || 'request'}: ${first.message}` : 'invalid request';
    const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
    super('INVALID_REQUEST', `Invalid request: ${summary}${more}`, { details });
    this.name = 'InvalidRequestError';
  }
}

class ConfigurationError extends SendError {
  constructor(message: string, options: SendErrorOptions = {}) {
    super('CONFIGURATION_ERROR', message, options);
    this.name = 'ConfigurationError';
  }
}

class PayloadTooLargeError extends SendError {
  constructor(bytes: number, limit: number) {
    super('PAYLOAD_TOO_LARGE', `The message is ${bytes} bytes; Tencent accepts at most ${limit}`, {
      details: [{ path: 'MsgBody', message: `${bytes} bytes, over the limit of ${limit}` }],
    });
    this.name = 'PayloadTooLargeError';
  }
}

const isSendError = (error: unknown): error is SendError => error instanceof SendError;

export type { ErrorCode, FieldProblem, TencentFailure };
export {
  ConfigurationError,
  HTTP_STATUS,
  InvalidRequestError,
  isSendError,
  PayloadTooLargeError,
  SendError,
};

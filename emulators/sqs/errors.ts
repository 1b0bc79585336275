/**
 * The errors the stand-in answers, named as SQS names them on its JSON protocol: the body's
 * `__type` carries the Smithy shape (`com.amazonaws.sqs#QueueDoesNotExist`) and the
 * `x-amzn-query-error` header the older query code (`AWS.SimpleQueueService.NonExistentQueue;Sender`),
 * which is how `@aws-sdk/client-sqs` (awsQueryCompatible) maps them to its exception classes.
 */

interface ErrorKind {
  /** The query-protocol code, as `error.Code` shows it in the SDK. */
  code: string;
  status: number;
}

/** Shape name → query code and HTTP status (from the SQS API reference and the SDK's schema). */
const ERRORS = {
  QueueDoesNotExist: { code: 'AWS.SimpleQueueService.NonExistentQueue', status: 400 },
  QueueNameExists: { code: 'QueueAlreadyExists', status: 400 },
  ReceiptHandleIsInvalid: { code: 'ReceiptHandleIsInvalid', status: 400 },
  MessageNotInflight: { code: 'AWS.SimpleQueueService.MessageNotInflight', status: 400 },
  TooManyEntriesInBatchRequest: {
    code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    status: 400,
  },
  EmptyBatchRequest: { code: 'AWS.SimpleQueueService.EmptyBatchRequest', status: 400 },
  BatchEntryIdsNotDistinct: {
    code: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
    status: 400,
  },
  BatchRequestTooLong: { code: 'AWS.SimpleQueueService.BatchRequestTooLong', status: 400 },
  InvalidBatchEntryId: { code: 'AWS.SimpleQueueService.InvalidBatchEntryId', status: 400 },
  InvalidAttributeName: { code: 'InvalidAttributeName', status: 400 },
  InvalidAttributeValue: { code: 'InvalidAttributeValue', status: 400 },
  InvalidMessageContents: { code: 'InvalidMessageContents', status: 400 },
  InvalidParameterValue: { code: 'InvalidParameterValue', status: 400 },
  ResourceNotFoundException: { code: 'ResourceNotFoundException', status: 400 },
  MissingParameter: { code: 'MissingParameter', status: 400 },
  UnsupportedOperation: { code: 'AWS.SimpleQueueService.UnsupportedOperation', status: 400 },
  InternalError: { code: 'InternalError', status: 500 },
  ServiceUnavailable: { code: 'ServiceUnavailable', status: 503 },
  RequestThrottled: { code: 'RequestThrottled', status: 403 },
} satisfies Record<string, ErrorKind>;

type SqsErrorName = keyof typeof ERRORS;

/** An error the stand-in answers to the caller, as SQS would. */
class SqsError extends Error {
  readonly type: SqsErrorName;

  constructor(type: SqsErrorName, message: string) {
    super(message);
    this.name = 'SqsError';
    this.type = type;
  }

  get code(): string {
    return ERRORS[this.type].code;
  }

  get status(): number {
    return ERRORS[this.type].status;
  }

  /** A batch entry that failed for this reason, in a `Failed` list. */
  toBatchEntry(id: string): { Id: string; SenderFault: boolean; Code: string; Message: string } {
    return { Id: id, SenderFault: this.status < 500, Code: this.type, Message: this.message };
  }
}

const isSqsErrorName = (name: unknown): name is SqsErrorName =>
  typeof name === 'string' && Object.hasOwn(ERRORS, name);

const invalidParameter = (name: string, value: unknown, reason: string): SqsError =>
  new SqsError(
    'InvalidParameterValue',
    `Value ${JSON.stringify(value)} for parameter ${name} is invalid. Reason: ${reason}`,
  );

export type { SqsErrorName };
export { invalidParameter, isSqsErrorName, SqsError };

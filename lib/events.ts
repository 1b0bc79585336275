import { InvalidRequestError } from './errors.ts';

/** How the function was invoked (contract section 3). An SQS event is a batch of these. */
type EventKind = 'http' | 'eventbridge' | 'direct';

interface Invocation {
  kind: EventKind | 'sqs';
  request: unknown;
  idempotencyKey: string | undefined;
}

/** What queue mode needs of one SQS record (the fields Lambda's event source mapping sets). */
interface SqsRecordLike {
  messageId: string;
  body: string;
  eventSourceARN?: string;
  receiptHandle?: string;
  attributes?: { ApproximateReceiveCount?: string };
  messageAttributes?: Record<string, { stringValue?: string | undefined } | undefined>;
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isHttpEvent = (event: unknown): event is Json =>
  isRecord(event) &&
  isRecord(event.requestContext) &&
  (isRecord(event.requestContext.http) || typeof event.httpMethod === 'string');

const isEventBridgeEvent = (event: unknown): event is Json =>
  isRecord(event) && typeof event['detail-type'] === 'string' && 'detail' in event;

const isEnvelope = (event: unknown): event is Json =>
  isRecord(event) &&
  isRecord(event.request) &&
  Object.keys(event).every((key) => key === 'request' || key === 'idempotencyKey');

/** A header by name, whatever its case; undefined when absent or blank. */
const headerValue = (headers: unknown, name: string): string | undefined => {
  if (!isRecord(headers)) return undefined;
  const wanted = name.toLowerCase();
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === wanted);
  return typeof entry?.[1] === 'string' && entry[1].trim() !== '' ? entry[1].trim() : undefined;
};

const invalid = (path: string, message: string): InvalidRequestError =>
  new InvalidRequestError([{ path, message }]);

const parseHttpBody = (event: Json): unknown => {
  if (typeof event.body !== 'string' || event.body === '') {
    throw invalid('body', 'is required: send the request as a JSON body');
  }
  const text =
    event.isBase64Encoded === true
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('body', 'is not valid JSON');
  }
};

const optionalKey = (value: unknown, path: string): string | undefined => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(path, 'must be a non-empty string');
  }
  return value;
};

const isSqsEvent = (event: unknown): event is { Records: SqsRecordLike[] } =>
  isRecord(event) &&
  Array.isArray(event.Records) &&
  event.Records.length > 0 &&
  event.Records.every((record) => isRecord(record) && record.eventSource === 'aws:sqs');

/**
 * One SQS record's request: its body is a request or the envelope `{ request, idempotencyKey }`;
 * the key is the envelope's, else the record's messageId, so a re-delivery reuses its Random.
 */
const readSqsRecord = (record: SqsRecordLike): Invocation => {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw invalid('body', 'is not valid JSON (SQS message body)');
  }
  if (isEnvelope(body)) {
    return {
      kind: 'sqs',
      request: body.request,
      idempotencyKey: optionalKey(body.idempotencyKey, 'idempotencyKey') ?? record.messageId,
    };
  }
  return { kind: 'sqs', request: body, idempotencyKey: record.messageId };
};

/** Only the event's kind, for answering when the event itself could not be read. */
const eventKindOf = (event: unknown): EventKind => {
  if (isHttpEvent(event)) return 'http';
  if (isEventBridgeEvent(event)) return 'eventbridge';
  return 'direct';
};

/** Recognises the event and takes the request and idempotency key out of it. */
const readInvocation = (event: unknown): Invocation => {
  if (isHttpEvent(event)) {
    return {
      kind: 'http',
      request: parseHttpBody(event),
      idempotencyKey: headerValue(event.headers, 'Idempotency-Key'),
    };
  }
  if (isEventBridgeEvent(event)) {
    return {
      kind: 'eventbridge',
      request: event.detail,
      idempotencyKey: typeof event.id === 'string' && event.id !== '' ? event.id : undefined,
    };
  }
  if (isEnvelope(event)) {
    return {
      kind: 'direct',
      request: event.request,
      idempotencyKey: optionalKey(event.idempotencyKey, 'idempotencyKey'),
    };
  }
  return { kind: 'direct', request: event, idempotencyKey: undefined };
};

export type { EventKind, Invocation, SqsRecordLike };
export {
  eventKindOf,
  headerValue,
  isEnvelope,
  isRecord,
  isSqsEvent,
  readInvocation,
  readSqsRecord,
};

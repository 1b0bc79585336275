import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../lib/errors.ts';
import { isSqsEvent, readSqsRecord } from '../../../lib/events.ts';
import { queueUrlOf, requeuedBody } from '../../../lib/queue/give-back.ts';
import { httpApiEvent } from '../../support/events.ts';
import { sqsEvent, sqsRecord } from '../../support/sqs-events.ts';

const request = { GroupId: 'g', MsgBody: [] };

describe('Function: isSqsEvent', () => {
  it('recognises records whose eventSource is aws:sqs, and nothing else', () => {
    // Prepare
    const kinesis = { Records: [{ ...sqsRecord(request), eventSource: 'aws:kinesis' }] };

    // Act & Assess
    expect(isSqsEvent(sqsEvent(sqsRecord(request), sqsRecord(request)))).toBe(true);
    expect(isSqsEvent(kinesis)).toBe(false);
    expect(isSqsEvent({ Records: [] })).toBe(false);
    expect(isSqsEvent(httpApiEvent(request))).toBe(false);
    expect(isSqsEvent(request)).toBe(false);
  });
});

describe('Function: readSqsRecord', () => {
  it('reads a plain request with the record’s messageId as idempotency key', () => {
    // Prepare
    const record = sqsRecord(request, { messageId: 'm-1' });

    // Act
    const invocation = readSqsRecord(record);

    // Assess
    expect(invocation).toStrictEqual({ kind: 'sqs', request, idempotencyKey: 'm-1' });
  });

  it('reads the envelope, whose idempotency key wins over the messageId', () => {
    // Prepare
    const record = sqsRecord({ request, idempotencyKey: 'fan-1:g' }, { messageId: 'm-2' });

    // Act
    const invocation = readSqsRecord(record);

    // Assess
    expect(invocation).toStrictEqual({ kind: 'sqs', request, idempotencyKey: 'fan-1:g' });
  });

  it('falls back to the messageId when the envelope has no key', () => {
    expect(readSqsRecord(sqsRecord({ request }, { messageId: 'm-3' })).idempotencyKey).toBe('m-3');
  });

  it.each([
    ['{"GroupId":', 'body', 'is not valid JSON (SQS message body)'],
    [{ request, idempotencyKey: '' }, 'idempotencyKey', 'must be a non-empty string'],
  ])('rejects an unreadable body, naming the field (%#)', (body, path, message) => {
    // Act
    const read = () => readSqsRecord(sqsRecord(body));

    // Assess
    expect(read).toThrow(InvalidRequestError);
    expect(read).toThrow(expect.objectContaining({ details: [{ path, message }] }));
  });
});

describe('Function: queueUrlOf', () => {
  it('derives the regional queue URL from the queue ARN', () => {
    expect(queueUrlOf('arn:aws:sqs:eu-west-1:123456789012:q-dlq', {})).toBe(
      'https://sqs.eu-west-1.amazonaws.com/123456789012/q-dlq',
    );
  });

  it('uses AWS_ENDPOINT_URL_SQS when it is set', () => {
    expect(
      queueUrlOf('arn:aws:sqs:us-east-1:000000000000:q', {
        AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:4566/',
      }),
    ).toBe('http://127.0.0.1:4566/000000000000/q');
  });

  it('refuses what is not an SQS ARN', () => {
    expect(queueUrlOf('arn:aws:sns:us-east-1:000000000000:t', {})).toBeUndefined();
  });
});

describe('Function: requeuedBody', () => {
  it('wraps a plain request in the envelope with the messageId as key', () => {
    expect(JSON.parse(requeuedBody(sqsRecord(request, { messageId: 'm-4' })) ?? '')).toStrictEqual({
      request,
      idempotencyKey: 'm-4',
    });
  });

  it('keeps an envelope that already has its key', () => {
    // Prepare
    const record = sqsRecord({ request, idempotencyKey: 'k' });

    // Act & Assess
    expect(requeuedBody(record)).toBe(record.body);
  });

  it('gives nothing for a body that is not a JSON object', () => {
    expect(requeuedBody(sqsRecord('not json'))).toBeUndefined();
    expect(requeuedBody(sqsRecord('[1]'))).toBeUndefined();
  });
});

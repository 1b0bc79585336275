import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../lib/errors.ts';
import { eventKindOf, readInvocation } from '../../lib/events.ts';
import { envelope, eventBridgeEvent, httpApiEvent, restApiEvent } from '../support/events.ts';

const request = { GroupId: 'g', MsgBody: [] };

describe('Function: readInvocation', () => {
  it('reads an HTTP API (2.0) event: the JSON body, and the Idempotency-Key header in any case', () => {
    expect(readInvocation(httpApiEvent(request, { 'idempotency-key': 'order-42' }))).toStrictEqual({
      kind: 'http',
      request,
      idempotencyKey: 'order-42',
    });
  });

  it('reads a REST API (1.0) event with a base64 body', () => {
    expect(readInvocation(restApiEvent(request, { 'Idempotency-Key': 'k' }, true))).toStrictEqual({
      kind: 'http',
      request,
      idempotencyKey: 'k',
    });
  });

  it('reads an HTTP event without an idempotency key', () => {
    expect(readInvocation(httpApiEvent(request)).idempotencyKey).toBeUndefined();
  });

  it.each([
    [
      { ...httpApiEvent(request), body: undefined },
      'body',
      'is required: send the request as a JSON body',
    ],
    [httpApiEvent('{"GroupId":'), 'body', 'is not valid JSON'],
  ])('rejects an HTTP event without a JSON body (%#)', (event, path, message) => {
    expect(() => readInvocation(event)).toThrow(InvalidRequestError);
    try {
      readInvocation(event);
    } catch (error) {
      expect((error as InvalidRequestError).details).toStrictEqual([{ path, message }]);
    }
  });

  it('reads an EventBridge event: detail is the request, the event id the key', () => {
    expect(readInvocation(eventBridgeEvent(request, 'evt-1'))).toStrictEqual({
      kind: 'eventbridge',
      request,
      idempotencyKey: 'evt-1',
    });
  });

  it('reads a direct invoke: the event itself, or the envelope with its key', () => {
    expect(readInvocation(request)).toStrictEqual({
      kind: 'direct',
      request,
      idempotencyKey: undefined,
    });
    expect(readInvocation(envelope(request, 'sched-2026-11-21T00:00:00Z'))).toStrictEqual({
      kind: 'direct',
      request,
      idempotencyKey: 'sched-2026-11-21T00:00:00Z',
    });
  });

  it('rejects an envelope whose idempotencyKey is not a non-empty string', () => {
    expect(() => readInvocation({ request, idempotencyKey: 12 })).toThrow(InvalidRequestError);
  });

  it('treats an object with request plus other fields as a plain request, for the schema to reject', () => {
    expect(readInvocation({ request, other: 1 })).toStrictEqual({
      kind: 'direct',
      request: { request, other: 1 },
      idempotencyKey: undefined,
    });
  });
});

describe('Function: eventKindOf', () => {
  it('tells the three kinds apart, and calls anything else a direct invoke', () => {
    expect(eventKindOf(httpApiEvent(request))).toBe('http');
    expect(eventKindOf(restApiEvent(request))).toBe('http');
    expect(eventKindOf(eventBridgeEvent(request))).toBe('eventbridge');
    expect(eventKindOf(null)).toBe('direct');
    expect(eventKindOf('text')).toBe('direct');
  });
});

import { describe, expect, it } from 'vitest';
import { HTTP_STATUS, SendError } from '../../lib/errors.ts';
import { answer, failureResult, InvocationFailedError, successResult } from '../../lib/results.ts';
import { errorCodeForTencent } from '../../lib/tencent-codes.ts';
import { failureOfReply, parseReply } from '../../lib/tencent-reply.ts';

describe('Function: parseReply', () => {
  it('reads the group shape (fields at the top level)', () => {
    expect(
      parseReply(
        '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"MsgTime":1497249503,"MsgSeq":1}',
      ),
    ).toStrictEqual({
      errorCode: 0,
      errorInfo: '',
      requestId: undefined,
      msgSeq: 1,
      msgTime: 1497249503,
      msgDropReason: undefined,
    });
  });

  it('reads the live-room shape (fields under Response) to the same result', () => {
    const reply = parseReply(
      '{"ErrorCode":0,"ErrorInfo":"","ActionStatus":"OK","RequestId":"Id-1","Response":{"MsgTime":1750074420,"MsgSeq":25}}',
    );
    expect(reply).toMatchObject({
      errorCode: 0,
      requestId: 'Id-1',
      msgSeq: 25,
      msgTime: 1750074420,
    });
    expect(successResult('send_text_msg', reply, undefined)).toStrictEqual({
      ok: true,
      command: 'send_text_msg',
      msgSeq: 25,
      msgTime: 1750074420,
      requestId: 'Id-1',
    });
  });

  it.each(['<html>502</html>', '[]', '{"ActionStatus":"OK"}'])(
    'calls %s an UPSTREAM_ERROR',
    (text) => {
      expect(() => parseReply(text)).toThrow(expect.objectContaining({ code: 'UPSTREAM_ERROR' }));
    },
  );
});

describe('Function: failureOfReply', () => {
  it('treats ErrorCode 0 with a MsgDropReason as RATE_LIMITED: the message was dropped', () => {
    const failure = failureOfReply(
      parseReply('{"ErrorCode":0,"ErrorInfo":"","MsgSeq":0,"MsgDropReason":"MsgFreqCtrl"}'),
    );
    expect(failure).toMatchObject({ code: 'RATE_LIMITED', tencentCode: 0, retryable: true });
  });

  it('returns nothing for a message Tencent took', () => {
    expect(failureOfReply(parseReply('{"ErrorCode":0,"MsgSeq":3}'))).toBeUndefined();
  });

  it.each([
    [10004, 'INVALID_REQUEST'],
    [100002, 'INVALID_REQUEST'],
    [10007, 'FORBIDDEN'],
    [10016, 'FORBIDDEN'],
    [10017, 'FORBIDDEN'],
    [100006, 'FORBIDDEN'],
    [100601, 'FORBIDDEN'],
    [10010, 'NOT_FOUND'],
    [10015, 'NOT_FOUND'],
    [100004, 'NOT_FOUND'],
    [80002, 'PAYLOAD_TOO_LARGE'],
    [100603, 'PAYLOAD_TOO_LARGE'],
    [10023, 'RATE_LIMITED'],
    [100602, 'RATE_LIMITED'],
    [60007, 'RATE_LIMITED'],
    [60011, 'RATE_LIMITED'],
    [60018, 'RATE_LIMITED'],
    [60019, 'RATE_LIMITED'],
    [60004, 'CONFIGURATION_ERROR'],
    [60006, 'CONFIGURATION_ERROR'],
    [60010, 'CONFIGURATION_ERROR'],
    [70001, 'CONFIGURATION_ERROR'],
    [70009, 'CONFIGURATION_ERROR'],
    [70020, 'CONFIGURATION_ERROR'],
    [10002, 'UPSTREAM_UNAVAILABLE'],
    [100001, 'UPSTREAM_UNAVAILABLE'],
    [60008, 'UPSTREAM_UNAVAILABLE'],
    [70169, 'UPSTREAM_UNAVAILABLE'],
    [70202, 'UPSTREAM_UNAVAILABLE'],
    [70500, 'UPSTREAM_UNAVAILABLE'],
    [80001, 'UPSTREAM_ERROR'],
    [12345, 'UPSTREAM_ERROR'],
  ])('maps Tencent %i to %s', (tencentCode, code) => {
    expect(errorCodeForTencent(tencentCode)).toBe(code);
    const failure = failureOfReply(
      parseReply(JSON.stringify({ ErrorCode: tencentCode, ErrorInfo: 'why', RequestId: 'Id-9' })),
    );
    expect(failure).toMatchObject({ code, tencentCode, tencentInfo: 'why', requestId: 'Id-9' });
  });
});

describe('Function: answer', () => {
  const failure = failureResult(
    'send_group_msg',
    new SendError('RATE_LIMITED', 'slow down', { tencentCode: 10023, tencentInfo: 'freq' }),
    7,
  );

  it('answers an HTTP event with the status of the code, JSON, and Retry-After on 429 and 503', () => {
    expect(answer('http', failure)).toStrictEqual({
      statusCode: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '1' },
      body: JSON.stringify(failure),
    });
    const unavailable = failureResult(
      'send_text_msg',
      new SendError('UPSTREAM_UNAVAILABLE', 'x'),
      undefined,
    );
    expect(answer('http', unavailable)).toMatchObject({
      statusCode: 503,
      headers: { 'retry-after': '1' },
    });
    const notFound = failureResult('send_text_msg', new SendError('NOT_FOUND', 'x'), undefined);
    expect(answer('http', notFound)).toStrictEqual({
      statusCode: 404,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(notFound),
    });
  });

  it('answers 409 to both idempotency failures, with Retry-After only when retrying helps', () => {
    // Prepare
    const busy = failureResult('send_text_msg', new SendError('IN_PROGRESS', 'x'), undefined);
    const conflict = failureResult(
      'send_text_msg',
      new SendError('IDEMPOTENCY_CONFLICT', 'x'),
      undefined,
    );

    // Act
    const busyAnswer = answer('http', busy);
    const conflictAnswer = answer('http', conflict);

    // Assess
    expect(busy.error.retryable).toBe(true);
    expect(conflict.error.retryable).toBe(false);
    expect(busyAnswer).toMatchObject({ statusCode: 409, headers: { 'retry-after': '1' } });
    expect(conflictAnswer).toStrictEqual({
      statusCode: 409,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(conflict),
    });
  });

  it('returns a success as it is to EventBridge and direct invokes', () => {
    const success = successResult(
      'send_group_msg',
      parseReply('{"ErrorCode":0,"MsgSeq":1,"MsgTime":2}'),
      9,
    );
    expect(answer('eventbridge', success)).toStrictEqual({
      ok: true,
      command: 'send_group_msg',
      msgSeq: 1,
      msgTime: 2,
      random: 9,
    });
    expect(answer('direct', success)).toBe(success);
  });

  it('throws a failure to EventBridge and direct invokes, named by its code, carrying it as JSON', () => {
    expect(() => answer('direct', failure)).toThrow(InvocationFailedError);
    try {
      answer('eventbridge', failure);
    } catch (error) {
      expect((error as Error).name).toBe('RATE_LIMITED');
      expect(JSON.parse((error as Error).message)).toStrictEqual(failure);
    }
  });

  it('gives each error code the contract status', () => {
    expect(HTTP_STATUS).toStrictEqual({
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
    });
  });
});

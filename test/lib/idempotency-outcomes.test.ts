import { describe, expect, it } from 'vitest';
import { SendError } from '../../lib/errors.ts';
import { decideKey, unknownOutcomeResult } from '../../lib/idempotency-outcomes.ts';
import { failureResult, type SendResult } from '../../lib/results.ts';

const success: SendResult = { ok: true, command: 'send_text_msg', msgSeq: 3 };
const failure = (code: ConstructorParameters<typeof SendError>[0], message = 'it failed') =>
  failureResult('send_text_msg', new SendError(code, message), undefined);

describe('Function: decideKey', () => {
  it('keeps the key of a send Tencent took', () => {
    expect(decideKey(success, false)).toBe('keep');
  });

  it.each([
    'INVALID_REQUEST',
    'FORBIDDEN',
    'NOT_FOUND',
    'RATE_LIMITED',
    'CONFIGURATION_ERROR',
    'UPSTREAM_UNAVAILABLE',
    'UPSTREAM_ERROR',
  ] as const)('frees the key of a %s failure that no attempt may have delivered', (code) => {
    expect(decideKey(failure(code), false)).toBe('free');
  });

  it.each(['UPSTREAM_TIMEOUT', 'UPSTREAM_UNAVAILABLE', 'RATE_LIMITED'] as const)(
    'keeps the key as unknown when an attempt may have reached Tencent, whatever the last failure (%s)',
    (code) => {
      expect(decideKey(failure(code), true)).toBe('keep-unknown');
    },
  );
});

describe('Function: unknownOutcomeResult', () => {
  it('reports an unknown outcome as a timeout that the key will not retry', () => {
    // Prepare
    const first = failure('UPSTREAM_UNAVAILABLE', 'Could not reach Tencent (ECONNRESET)');

    // Act
    const stored = unknownOutcomeResult(first);

    // Assess
    expect(stored).toStrictEqual({
      ok: false,
      command: 'send_text_msg',
      error: {
        code: 'UPSTREAM_TIMEOUT',
        retryable: false,
        message:
          'Could not reach Tencent (ECONNRESET). The outcome is unknown: Tencent may have taken ' +
          'the message. This idempotency key will not send it again; check the group or room ' +
          'before sending under a new key',
        details: [],
      },
    });
  });
});

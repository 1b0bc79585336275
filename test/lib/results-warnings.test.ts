import { describe, expect, it } from 'vitest';
import { SendError } from '../../lib/errors.ts';
import { failureResult, successResult } from '../../lib/results.ts';

const reply = {
  errorCode: 0,
  errorInfo: '',
  requestId: undefined,
  msgSeq: 7,
  msgTime: 1_750_000_000,
  msgDropReason: undefined,
};
const warnings = [{ path: 'Zebra', message: 'is not a field of send_group_msg' }];

describe('Function: successResult and failureResult, warnings', () => {
  it('lists forwarded unknown fields as warnings of a success', () => {
    expect(successResult('send_group_msg', reply, 5, warnings)).toStrictEqual({
      ok: true,
      command: 'send_group_msg',
      msgSeq: 7,
      msgTime: 1_750_000_000,
      random: 5,
      warnings,
    });
  });

  it('lists them on a failure too, so the caller sees what was sent', () => {
    const result = failureResult('send_group_msg', new SendError('NOT_FOUND', 'x'), 5, warnings);
    expect(result.warnings).toStrictEqual(warnings);
  });

  it('leaves warnings out when there are none', () => {
    expect(successResult('send_group_msg', reply, 5, [])).not.toHaveProperty('warnings');
    expect(failureResult('send_group_msg', new SendError('NOT_FOUND', 'x'), 5)).not.toHaveProperty(
      'warnings',
    );
  });
});

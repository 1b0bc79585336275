import { describe, expect, it } from 'vitest';
import { sendBroadcastMsg } from '../../../lib/commands/send-broadcast-msg.ts';
import type { Invocation } from '../../../lib/events.ts';
import { planMerges } from '../../../lib/queue/merge-broadcasts.ts';

const text = (Text: string) => ({ MsgType: 'TIMTextElem', MsgContent: { Text } });
const custom = (Data: string) => ({ MsgType: 'TIMCustomElem', MsgContent: { Data } });

const candidate = (messageId: string, request: unknown) => ({
  messageId,
  read: (): Invocation => ({ kind: 'sqs', request, idempotencyKey: messageId }),
});

describe('Function: planMerges', () => {
  it('merges broadcasts with the same sender and custom data, in arrival order', () => {
    // Act
    const [merged, ...rest] = planMerges(sendBroadcastMsg, [
      candidate('a', { MsgBody: [text('one')] }),
      candidate('b', { MsgBody: [text('two')], From_Account: 'host' }),
      candidate('c', { MsgBody: [text('three')] }),
    ]);

    // Assess: b stands alone and is not a merge
    expect(rest).toStrictEqual([]);
    expect(merged?.messageIds).toStrictEqual(['a', 'c']);
    expect(merged?.invocation.request).toStrictEqual({ MsgBody: [text('one'), text('three')] });
    expect(merged?.invocation.idempotencyKey).toMatch(/^merged:[0-9a-f]{64}$/);
  });

  it('derives the same key from the same records, and another from others', () => {
    // Prepare
    const plan = (ids: string[]) =>
      planMerges(
        sendBroadcastMsg,
        ids.map((id) => candidate(id, { MsgBody: [text(id)] })),
      )[0]?.invocation.idempotencyKey;

    // Act & Assess
    expect(plan(['a', 'b'])).toBe(plan(['a', 'b']));
    expect(plan(['a', 'b'])).not.toBe(plan(['a', 'c']));
  });

  it('keeps at most one TIMCustomElem per merged broadcast', () => {
    // Act
    const plans = planMerges(sendBroadcastMsg, [
      candidate('a', { MsgBody: [custom('1')] }),
      candidate('b', { MsgBody: [custom('2')] }),
      candidate('c', { MsgBody: [text('t')] }),
    ]);

    // Assess: b cannot join a, so b starts the next merge, which c joins
    expect(plans.map((plan) => plan.messageIds)).toStrictEqual([['b', 'c']]);
    expect(plans[0]?.invocation.request).toStrictEqual({ MsgBody: [custom('2'), text('t')] });
  });

  it('stays within 12,000 bytes', () => {
    // Prepare
    const big = (id: string) => candidate(id, { MsgBody: [text('x'.repeat(5_000))] });

    // Act
    const plans = planMerges(sendBroadcastMsg, [big('a'), big('b'), big('c'), big('d')]);

    // Assess
    expect(plans.map((plan) => plan.messageIds)).toStrictEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('never merges a broadcast with its own Random, or one that is invalid', () => {
    // Act
    const plans = planMerges(sendBroadcastMsg, [
      candidate('a', { MsgBody: [text('a')], Random: 7 }),
      candidate('b', { MsgBody: [] }),
      candidate('c', { MsgBody: [text('c')] }),
    ]);

    // Assess
    expect(plans).toStrictEqual([]);
  });
});

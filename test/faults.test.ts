import { describe, expect, it } from 'vitest';
import { FANOUT_SCENARIOS } from '../faults/fanout-scenarios.ts';
import { IDEMPOTENCY_SCENARIOS } from '../faults/idempotency-scenarios.ts';
import { QUEUE_SCENARIOS } from '../faults/queue-scenarios.ts';
import { runFaultSuite } from '../faults/run.ts';
import { FUNCTION_NAMES, SCENARIOS } from '../faults/scenarios.ts';

/** The short fault-injection run: every scenario once for every function (`npm run faults`: 12). */

describe('Fault injection (one run of every scenario)', () => {
  it('loses nothing, duplicates no group message, and ends every invocation before its deadline', async () => {
    // Act
    const result = await runFaultSuite(1);

    // Assess
    expect(result.rows).toHaveLength(
      (SCENARIOS.length + IDEMPOTENCY_SCENARIOS.length) * FUNCTION_NAMES.length +
        QUEUE_SCENARIOS.length +
        FANOUT_SCENARIOS.length,
    );
    // The freeze drill: two keep-alive variants, every function, each message sent exactly once.
    expect(result.freezeRows).toHaveLength(2 * FUNCTION_NAMES.length);
    for (const row of result.freezeRows) {
      expect(row).toMatchObject({ runs: 1, delivered: 1, reportedFailed: 0, duplicates: 0 });
    }
    expect(result.violations).toStrictEqual([]);
    expect(result.leaks).toStrictEqual([]);
    const row = (functionName: string, fault: string) =>
      result.rows.find((r) => r.functionName === functionName && r.fault === fault);
    // Fan-out reports: 27 groups sent once, 3 counted failed, one finished event, every run.
    for (const { name } of FANOUT_SCENARIOS) {
      expect(row('send-group-msg', name)).toMatchObject({
        delivered: 27,
        reportedFailed: 3,
        duplicates: 0,
        lost: 0,
      });
    }
    // Group commands: a reset after receipt is retried with the same Random, delivered once.
    expect(row('send-group-msg', 'connection dropped after Tencent received it')).toMatchObject({
      delivered: 1,
      reportedFailed: 0,
      duplicates: 0,
    });
    // Live rooms: the same fault is reported, not retried; the message did arrive.
    expect(row('send-text-msg', 'connection dropped after Tencent received it')).toMatchObject({
      delivered: 1,
      reportedFailed: 1,
      duplicates: 0,
    });
    expect(row('send-custom-msg', 'Tencent 100001 (internal error), once')).toMatchObject({
      delivered: 1,
      reportedFailed: 0,
    });
    expect(
      row('send-broadcast-msg', 'key rotated at Tencent and in the secret (70009)'),
    ).toMatchObject({ delivered: 1, reportedFailed: 0 });
    // With the idempotency table on, a live-room re-delivery after receipt sends no second copy.
    expect(
      row('send-text-msg', 'table on: Lambda re-delivers the event after a reset after receipt'),
    ).toMatchObject({ delivered: 1, reportedFailed: 1, duplicates: 0 });
    expect(row('send-custom-msg', 'table on: table throttled on every attempt')).toMatchObject({
      delivered: 0,
      reportedFailed: 1,
      lost: 0,
    });
    // Queue mode: a poison record ends in the dead-letter queue; everything else is sent once.
    expect(row('send-group-msg', 'queue: a poison record among good ones')).toMatchObject({
      delivered: 5,
      reportedFailed: 1,
      lost: 0,
    });
    for (const scenario of QUEUE_SCENARIOS.filter((s) => !s.poison)) {
      expect(row('send-group-msg', scenario.name)).toMatchObject({
        delivered: scenario.messages,
        reportedFailed: 0,
        duplicates: 0,
        lost: 0,
      });
    }
    expect(row('send-group-msg', 'Secrets Manager: endpoint down')).toMatchObject({
      delivered: 0,
      reportedFailed: 1,
      lost: 0,
    });
  }, 120_000);
});

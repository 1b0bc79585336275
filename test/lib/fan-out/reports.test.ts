import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RunningDynamoDb, startDynamoDb } from '../../../emulators/dynamodb/server.ts';
import {
  type RunningEventBridge,
  startEventBridge,
} from '../../../emulators/eventbridge/server.ts';
import { reportFailure } from '../../../lib/fan-out/batch-reports.ts';
import { cancelFanOut } from '../../../lib/fan-out/cancel.ts';
import { clearFanOutStates, fanOutState } from '../../../lib/fan-out/cancellation.ts';
import {
  CLAIM_LEASE_MS,
  clearEventClient,
  finishIfDone,
} from '../../../lib/fan-out/finished-event.ts';
import { readReport, recordOutcome } from '../../../lib/fan-out/record-outcome.ts';
import { createReport } from '../../../lib/fan-out/report-create.ts';
import { clearReportClient } from '../../../lib/fan-out/report-items.ts';
import { readReportPage } from '../../../lib/fan-out/report-read.ts';

/**
 * The report's rules against the DynamoDB stand-in (dynalite) and the EventBridge stand-in: each
 * group counted once whatever is repeated or interrupted, failures paged, cancel, the event.
 */

const TABLE = 'tencent-chat-sender-test-fanouts';
const LIFETIME = 86_400;

let dynamo: RunningDynamoDb;
let events: RunningEventBridge;
let number = 0;
let fanoutId: string;

const target = (groupId: string) => ({
  table: TABLE,
  lifetimeSeconds: LIFETIME,
  fanoutId,
  groupId,
});

const finish = async (groupId: string, outcome: Parameters<typeof recordOutcome>[1]) => {
  const recorded = await recordOutcome(target(groupId), outcome);
  if (recorded.status !== 'no-report') await finishIfDone(TABLE, 'default', recorded.report);
  return recorded;
};

/** A one-group fan-out whose group is counted, with EventBridge refusing the next put. */
const countedWithPutRefused = async () => {
  await createReport(fanoutId, 1);
  const recorded = await recordOutcome(target('g1'), { outcome: 'sent' });
  if (recorded.status === 'no-report') throw new Error('the report is missing');
  events.addFault({ count: 1, mode: 'entry' });
  return recorded.report;
};

describe('Fan-out reports', () => {
  beforeAll(async () => {
    dynamo = await startDynamoDb({ tables: [TABLE] });
    events = await startEventBridge();
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: events.url,
      TENCENT_CHAT_FANOUT_TABLE: TABLE,
    });
    clearReportClient();
    clearEventClient();
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
    delete process.env.TENCENT_CHAT_FANOUT_TABLE;
    await Promise.all([dynamo.close(), events.close()]);
  });
  beforeEach(() => {
    number += 1;
    fanoutId = `fan-out #${number}/test`;
    dynamo.clearFaults();
    events.clearFaults();
    events.events.length = 0;
    clearFanOutStates();
  });

  it('counts each outcome once, keeps the first, and puts one finished event', async () => {
    // Prepare
    await createReport(fanoutId, 3);

    // Act
    await finish('g1', { outcome: 'sent' });
    await finish('g1', { outcome: 'failed', code: 'NOT_FOUND', tencentCode: 10010 });
    await finish('g2', { outcome: 'failed', code: 'NOT_FOUND', tencentCode: 10010 });
    await finish('g2', { outcome: 'sent' });
    const last = await finish('g3', { outcome: 'sent' });
    await finish('g3', { outcome: 'sent' });

    // Assess
    expect(last.status).toBe('counted');
    const page = await readReportPage(TABLE, fanoutId, undefined);
    expect(page).toMatchObject({
      fanoutId,
      state: 'done',
      total: 3,
      sent: 2,
      failed: 1,
      cancelled: 0,
      pending: 0,
      failures: [{ GroupId: 'g2', code: 'NOT_FOUND', tencentCode: 10010 }],
    });
    expect(page.finishedAt).toEqual(expect.any(String));
    expect(page.nextCursor).toBeUndefined();
    expect(events.events).toHaveLength(1);
    expect(events.events[0]).toMatchObject({
      source: 'tencent-chat-sender',
      'detail-type': 'Group fan-out finished',
      detail: { fanoutId, state: 'done', total: 3, sent: 2, failed: 1, cancelled: 0, pending: 0 },
    });
  });

  it('keeps the report a repeated fan-out finds under the same key', async () => {
    // Prepare
    await createReport(fanoutId, 2);
    await finish('g1', { outcome: 'sent' });

    // Act
    await createReport(fanoutId, 2);

    // Assess
    expect(await readReport(TABLE, fanoutId)).toMatchObject({ sent: 1, pending: 1 });
  });

  it('finishes counting after a failure at any step, never twice', async () => {
    // Prepare: each run fails one of the five steps (three throttled answers outlast the SDK's tries)
    await createReport(fanoutId, 5);

    // Act
    for (let step = 0; step < 5; step++) {
      dynamo.addFault({ after: step, throttle: 3 });
      await expect(
        recordOutcome(target(`g${step}`), { outcome: 'failed', code: 'NOT_FOUND' }),
      ).rejects.toThrow();
      dynamo.clearFaults();
      // The redelivery, and a duplicate of it
      await recordOutcome(target(`g${step}`), { outcome: 'sent' });
      await recordOutcome(target(`g${step}`), { outcome: 'sent' });
    }

    // Assess: g0 failed before anything was written, so its redelivery counts "sent"
    const page = await readReportPage(TABLE, fanoutId, undefined);
    expect(page).toMatchObject({ total: 5, sent: 1, failed: 4, cancelled: 0, pending: 0 });
    expect(page.failures.map((failure) => failure.GroupId).sort()).toStrictEqual([
      'g1',
      'g2',
      'g3',
      'g4',
    ]);
    const report = (await readReport(TABLE, fanoutId)) as unknown as Record<string, unknown>;
    expect(Object.keys(report).filter((key) => key.startsWith('c#'))).toStrictEqual([]);
  }, 60_000);

  it('counts duplicates delivered at the same moment once', async () => {
    // Prepare
    await createReport(fanoutId, 20);

    // Act
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        Promise.all([
          finish(`g${i}`, { outcome: 'sent' }),
          finish(`g${i}`, { outcome: 'sent' }),
          finish(`g${i}`, { outcome: 'failed', code: 'UPSTREAM_ERROR' }),
        ]),
      ),
    );

    // Assess
    const report = await readReport(TABLE, fanoutId);
    expect(report).toMatchObject({ total: 20, pending: 0 });
    expect((report?.sent ?? 0) + (report?.failed ?? 0)).toBe(20);
    expect(events.events).toHaveLength(1);
  });

  it('pages failures 1,000 at a time', async () => {
    // Prepare
    await createReport(fanoutId, 2_100);
    for (let start = 0; start < 2_100; start += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          recordOutcome(target(`g${start + i}`), { outcome: 'failed', code: 'NOT_FOUND' }),
        ),
      );
    }

    // Act
    const first = await readReportPage(TABLE, fanoutId, undefined);
    const second = await readReportPage(TABLE, fanoutId, first.nextCursor);
    const third = await readReportPage(TABLE, fanoutId, second.nextCursor);

    // Assess
    expect([first, second, third].map((page) => page.failures.length)).toStrictEqual([
      1_000, 1_000, 100,
    ]);
    expect(third.nextCursor).toBeUndefined();
    const all = new Set([first, second, third].flatMap((p) => p.failures.map((f) => f.GroupId)));
    expect(all.size).toBe(2_100);
    await expect(readReportPage(TABLE, fanoutId, 'not-a-cursor')).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      details: [{ path: 'cursor' }],
    });
  }, 60_000);

  it('cancels while something is pending, then refuses: 409 FANOUT_FINISHED; unknown is 404', async () => {
    // Prepare
    await createReport(fanoutId, 2);
    await finish('g1', { outcome: 'sent' });

    // Act
    const cancelled = await cancelFanOut(TABLE, fanoutId);
    const state = await fanOutState(TABLE, fanoutId, { fresh: true });
    await finish('g2', { outcome: 'cancelled' });

    // Assess
    expect(cancelled).toMatchObject({ state: 'cancelled', sent: 1, pending: 1 });
    expect(state).toStrictEqual({ exists: true, cancelled: true });
    await expect(cancelFanOut(TABLE, fanoutId)).rejects.toMatchObject({ code: 'FANOUT_FINISHED' });
    await expect(cancelFanOut(TABLE, 'nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readReportPage(TABLE, 'nobody', undefined)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(events.events.map((event) => event.detail)).toMatchObject([
      { state: 'cancelled', sent: 1, cancelled: 1, pending: 0 },
    ]);
  });

  it('retries a failed event put until it goes, and puts it once', async () => {
    // Prepare
    await createReport(fanoutId, 1);
    events.addFault({ count: 2, mode: 'entry' });

    // Act: the first put is refused, so the record comes back; its redelivery puts the event
    await expect(finish('g1', { outcome: 'sent' })).rejects.toThrow(/refused/);
    await expect(finish('g1', { outcome: 'sent' })).rejects.toThrow(/refused/);
    await finish('g1', { outcome: 'sent' });
    await finish('g1', { outcome: 'sent' });

    // Assess
    expect(events.events).toHaveLength(1);
    expect(await readReport(TABLE, fanoutId)).toMatchObject({ finishedEventPut: true });
  });

  it('keeps the event to the record whose put failed when its claim cannot be released', async () => {
    // Prepare: the put is refused, then the table refuses the claim's release (3 attempts)
    const report = await countedWithPutRefused();
    dynamo.addFault({ after: 1, throttle: 3 });

    // Act
    const failure: unknown = await finishIfDone(TABLE, 'default', report).catch(
      (error: unknown) => error,
    );
    // Within the lease a delivery finds the claim held, and leaves it to its holder
    await finishIfDone(TABLE, 'default', report);
    const heldMeanwhile = events.events.length;
    // The holder's record comes back after retryAfterSeconds, past the lease, and takes it over
    const retryAfterSeconds = (failure as { retryAfterSeconds: number }).retryAfterSeconds;
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    try {
      vi.setSystemTime(Date.now() + retryAfterSeconds * 1_000);
      await finishIfDone(TABLE, 'default', report);
    } finally {
      vi.useRealTimers();
    }

    // Assess
    expect(failure).toMatchObject({ name: 'FinishedEventError', message: /refused/ });
    expect(retryAfterSeconds * 1_000).toBeGreaterThan(CLAIM_LEASE_MS);
    expect(heldMeanwhile).toBe(0);
    expect(events.events).toHaveLength(1);
    expect(await readReport(TABLE, fanoutId)).toMatchObject({ finishedEventPut: true });
  });

  it("lets a failed put come back at the queue's own pace when its claim was released", async () => {
    // Prepare
    const report = await countedWithPutRefused();

    // Act
    const failure: unknown = await finishIfDone(TABLE, 'default', report).catch(
      (error: unknown) => error,
    );

    // Assess
    expect(failure).toMatchObject({ name: 'FinishedEventError' });
    expect((failure as { retryAfterSeconds?: number }).retryAfterSeconds).toBeUndefined();
    expect(reportFailure(failure, fanoutId)).toStrictEqual({
      kind: 'failed',
      code: 'UPSTREAM_UNAVAILABLE',
    });
    expect(
      reportFailure(Object.assign(new Error('held'), { retryAfterSeconds: 31 }), fanoutId),
    ).toStrictEqual({
      kind: 'failed',
      code: 'UPSTREAM_UNAVAILABLE',
      notBeforeSeconds: 31,
    });
  });
});

import { describe, expect, it } from 'vitest';
import { createPacer, createTokenBucket } from '../../../lib/queue/pacer.ts';
import { visibilityDelaySeconds } from '../../../lib/queue/visibility.ts';

const startTimes = async (count: number, take: () => Promise<boolean>): Promise<number[]> => {
  const startedAt = Date.now();
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: count }, async () => {
      if (await take()) times.push(Date.now() - startedAt);
    }),
  );
  return times.sort((a, b) => a - b);
};

describe('Function: createTokenBucket', () => {
  it('spreads the first slot of a new container over one interval', async () => {
    // Prepare
    const firstSlots = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const startedAt = Date.now();
        await createTokenBucket({ ratePerSecond: 5, spreadStart: true }).take();
        return Date.now() - startedAt;
      }),
    );

    // Assess: within the 200 ms interval (plus room for late timers), and not all at once
    expect(Math.max(...firstSlots)).toBeLessThan(400);
    expect(new Set(firstSlots.map((ms) => Math.floor(ms / 50))).size).toBeGreaterThan(1);
  });

  it('spaces concurrent takers at the rate', async () => {
    // Prepare
    const bucket = createTokenBucket({ ratePerSecond: 50 });

    // Act
    const times = await startTimes(6, () => bucket.take());

    // Assess: one every 20 ms, never faster
    expect(times).toHaveLength(6);
    expect((times[5] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(95);
  });

  it('never starts more than the rate in one second, even when its timers fire late together', async () => {
    // Prepare
    const bucket = createTokenBucket({ ratePerSecond: 10 });
    const startedAt = Date.now();
    const times: number[] = [];
    const takers = Array.from({ length: 15 }, async () => {
      await bucket.take();
      times.push(Date.now() - startedAt);
    });
    // The event loop stalls for 450 ms: the timers due meanwhile all fire at its end.
    await new Promise((resolve) => setTimeout(resolve, 120));
    const stalledUntil = Date.now() + 450;
    while (Date.now() < stalledUntil);

    // Act
    await Promise.all(takers);

    // Assess: any one-second window holds at most 10 starts. The test reads the clock a moment
    // after the bucket does, so on a loaded machine a start can look a few milliseconds later than
    // it was: windows are judged 20 ms short of a second. Without the bucket's count of the last
    // second, the four starts released together at the stall's end make 13 in such a window.
    const sorted = times.sort((a, b) => a - b);
    expect(sorted).toHaveLength(15);
    for (const start of sorted) {
      expect(sorted.filter((t) => t >= start && t < start + 980).length).toBeLessThanOrEqual(10);
    }
  });

  it('answers false for a slot after the latest time, without reserving it', async () => {
    // Prepare
    const bucket = createTokenBucket({ ratePerSecond: 1 });
    await bucket.take();

    // Act
    const late = await bucket.take(Date.now() + 100);

    // Assess
    expect(late).toBe(false);
    expect(bucket.idle()).toBe(false);
  });

  it('holds every slot back after a pause', async () => {
    // Prepare
    const bucket = createTokenBucket({ ratePerSecond: 1_000 });
    bucket.pause(80);

    // Act
    const times = await startTimes(1, () => bucket.take());

    // Assess
    expect(times[0]).toBeGreaterThanOrEqual(75);
  });
});

describe('Function: createPacer', () => {
  it('paces one group slower than the command', async () => {
    // Prepare
    const pacer = createPacer({ sendsPerSecond: 1_000, groupSendsPerSecond: 20 });
    const latest = Date.now() + 5_000;

    // Act
    const same = await startTimes(3, () => pacer.take('g1', latest));
    const others = await startTimes(3, () => pacer.take(crypto.randomUUID(), latest));

    // Assess: 50 ms apart in one group, much sooner across groups
    expect(same[2]).toBeGreaterThanOrEqual(95);
    expect(others[2]).toBeLessThan((same[2] ?? 0) / 2);
  });

  it('stops every taker after slowDown', async () => {
    // Prepare
    const pacer = createPacer({ sendsPerSecond: 1_000, groupSendsPerSecond: 40 });
    pacer.slowDown(60_000);

    // Act
    const started = await pacer.take(undefined, Date.now() + 1_000);

    // Assess
    expect(started).toBe(false);
  });
});

describe('Function: visibilityDelaySeconds', () => {
  it('shows a bad request again at once, so it reaches the dead-letter queue quickly', () => {
    expect(visibilityDelaySeconds({ code: 'INVALID_REQUEST' }, 3)).toBe(0);
    expect(visibilityDelaySeconds({ code: 'PAYLOAD_TOO_LARGE' }, 1)).toBe(0);
    expect(visibilityDelaySeconds({ code: 'IDEMPOTENCY_CONFLICT' }, 2)).toBe(0);
  });

  it('shows a failure the idempotency table answered again at once: its key never sends again', () => {
    expect(visibilityDelaySeconds({ code: 'UPSTREAM_TIMEOUT', replayed: true }, 2)).toBe(0);
    expect(visibilityDelaySeconds({ code: 'UPSTREAM_TIMEOUT' }, 2)).toBe(10);
  });

  it('backs off other failures with the receive count, up to 15 minutes', () => {
    expect(
      [1, 2, 3, 4].map((count) => visibilityDelaySeconds({ code: 'UPSTREAM_UNAVAILABLE' }, count)),
    ).toStrictEqual([5, 10, 20, 40]);
    expect(visibilityDelaySeconds({ code: 'UPSTREAM_UNAVAILABLE' }, 30)).toBe(900);
  });

  it('keeps a record hidden at least as long as its failure asks, and backs off longer if due', () => {
    const failure = { code: 'UPSTREAM_UNAVAILABLE', notBeforeSeconds: 31 };
    expect([1, 2, 3, 4].map((count) => visibilityDelaySeconds(failure, count))).toStrictEqual([
      31, 31, 31, 40,
    ]);
  });
});

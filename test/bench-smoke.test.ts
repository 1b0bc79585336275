import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/** A short run of `npm run bench`, so that the benchmark keeps working; its figures are not judged. */

const run = promisify(execFile);

describe('npm run bench (smoke)', () => {
  it("measures each part's share of a cold start with throwaway builds", async () => {
    const { stdout } = await run(process.execPath, ['bench/stack-shares.ts'], {
      env: { ...process.env, BENCH_COLD_SAMPLES: '1' },
    });
    for (const variant of [
      'hand-written',
      'full',
      'no-ky-no-undici',
      'no-ky-with-undici',
      'no-middy',
      'no-powertools',
    ]) {
      // Every variant sent (a failed first invocation throws): start-up KB and four timings.
      expect(stdout).toMatch(
        new RegExp(`^${variant}\\t\\d+(\\.\\d+)?\\t(\\d+(\\.\\d+)?\\t){3}`, 'm'),
      );
    }
    for (const part of ['undici', 'ky', 'middy', 'Powertools']) {
      expect(stdout).toMatch(new RegExp(`^${part} share\\t-?\\d+(\\.\\d+)? ms$`, 'm'));
    }
  }, 120_000);

  it('measures every figure and writes them as JSON', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
    const output = join(dir, 'results.json');

    // Act
    const { stdout } = await run(process.execPath, ['bench/run.ts'], {
      env: {
        ...process.env,
        BENCH_ITERATIONS: '5',
        BENCH_COLD_SAMPLES: '1',
        BENCH_THROUGHPUT_INVOCATIONS: '64',
        BENCH_SKIP_PACKAGE: '1',
        BENCH_RTTS_MS: '0,20',
        BENCH_GAPS_S: '0.2',
        BENCH_WARM_SENDS: '3',
        BENCH_FIRST_SENDS: '1',
        BENCH_OUTPUT: output,
        // Queue mode at a tenth of Tencent's limits: 200 messages over 20 groups.
        BENCH_BURST: JSON.stringify({
          messages: 200,
          groups: 20,
          limitPerSecond: 50,
          groupLimitPerSecond: 10,
          broadcastPerSecond: 2,
          fanOutGroups: 100,
          broadcasts: 6,
        }),
      },
    });

    // Assess
    const results = JSON.parse(await readFile(output, 'utf8'));
    await rm(dir, { recursive: true, force: true });
    expect(stdout).toContain('Warm latency, emulator reply delay 0ms');
    expect(stdout).toContain('send-text-msg over HTTPS, round trip 20ms');
    expect(stdout).toMatch(/the whole benchmark took \d+ s/);
    for (const sender of ['ours', 'hand-written', 'bare']) {
      const figures = results.network.byRtt['20ms'][sender];
      expect(figures.first).toMatchObject({ connections: 1, tlsHandshakes: 1 });
      // TCP, TLS and the request's own round trip; ours sets its connection up during init.
      expect(figures.first.ms).toBeGreaterThanOrEqual((sender === 'ours' ? 1 : 3) * 20);
      expect(figures.warm.connections).toBe(0);
      expect(figures.gaps['0.2s'].connections).toBe(0);
    }
    expect(stdout).toContain('Burst under Tencent');
    // Queue mode: every message once, no rate-limit failure left to anyone.
    expect(results.burst.queued).toMatchObject({
      sent: 200,
      duplicates: 0,
      lost: 0,
      rateLimitFailuresLeft: 0,
    });
    expect(results.burst.fanOut).toMatchObject({
      queued: 100,
      received: 100,
      duplicates: 0,
      lost: 0,
    });
    // Its report: a bounded number of writes per group, and one finished event.
    expect(results.burst.fanOut.report).toMatchObject({ finishedEvents: 1 });
    expect(results.burst.fanOut.report.writesPerGroup).toBeGreaterThanOrEqual(4);
    expect(results.burst.fanOut.report.writesPerGroup).toBeLessThanOrEqual(5);
    expect(results.burst.broadcasts.mergingOn).toMatchObject({ sent: 6, duplicates: 0, lost: 0 });
    expect(results.burst.broadcasts.mergingOn.sends).toBeLessThan(6);
    expect(results.burst.direct.sent + results.burst.direct.rateLimitFailuresLeft).toBe(200);
    for (const name of [
      'send-group-msg',
      'send-broadcast-msg',
      'send-text-msg',
      'send-custom-msg',
    ]) {
      expect(results.sizes[name].minifiedBytes).toBeGreaterThan(100_000);
      expect(results.coldStart.importMs[name].p50).toBeGreaterThan(0);
      expect(results.warm['0ms'][name].handler.n).toBe(5);
      expect(results.coldEndToEnd.byFunction[name].ours.endToEndMs.n).toBe(1);
      expect(results.coldEndToEnd.byFunction[name].handWritten.endToEndMs.n).toBe(1);
      expect(results.warmCpuOverheadMs[name].vsBareHttp.p50).toEqual(expect.any(Number));
      expect(results.warmCpuOverheadMs[name].vsBare.p50).toEqual(expect.any(Number));
      expect(results.throughput[name].perSecond).toBeGreaterThan(0);
      expect(results.workPerThousand[name]).toMatchObject({
        getSecretValueCalls: 1,
        userSigsUsed: 1,
      });
      // The idempotency table: no DynamoDB code at start-up when off, two writes per send when on.
      expect(results.idempotency.off[name]).toMatchObject({ dynamoDbAtStartup: false });
      expect(results.idempotency.off[name].importMs.n).toBe(1);
      expect(results.idempotency.on[name].operationsPerFirstSend).toStrictEqual({
        PutItem: 1,
        UpdateItem: 1,
      });
    }
  }, 240_000);
});

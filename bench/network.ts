import { fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NO_RATE_LIMITS } from '../emulators/tencent-chat/emulator.ts';
import { TEST_CA_FILE } from '../emulators/tencent-chat/network.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';
import { type SenderName, senderEnvironment } from './senders.ts';
import { environmentFor, requestFor, summary } from './workload.ts';

/**
 * Sends over a real-like network: HTTPS through the emulator's network model, at several
 * round-trip times, for our bundle, the hand-written sender and the bare requests (fetch and
 * node:https). Each runs in a container (process) of its own with an emulator of its own, all side
 * by side so that the idle gaps of every round-trip time pass together. The server keeps
 * connections for 60 s and says so. Every time is also given as its excess over the round trip; a
 * bare request's warm excess is the model's own floor (`modelFloorMs`), which no sender goes below.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const FUNCTION = 'send-text-msg';
const KEEP_ALIVE_MS = 60_000;

interface Counts {
  connections: number;
  tlsHandshakes: number;
}

const runContainer = async (
  file: string,
  rttMs: number,
  options: {
    secretsUrl: string;
    gapsSeconds: number[];
    warmSends: number;
    offset: number;
    /** Called when the warm sends are done, with what starts the idle gaps. */
    onWarm: (startGaps: () => void) => void;
  },
) => {
  const tencent = await startTencentChatEmulator({
    network: { tls: true, rttMs, keepAliveMs: KEEP_ALIVE_MS, announceKeepAlive: true },
    limits: NO_RATE_LIMITS,
  });
  const sends = 1 + options.warmSends + options.gapsSeconds.length;
  const requests = Array.from({ length: sends }, (_, i) =>
    requestFor(FUNCTION, options.offset + i),
  );
  try {
    const child = fork(
      join(root, 'bench/network-sender.mjs'),
      [
        file,
        JSON.stringify(requests),
        JSON.stringify(options.gapsSeconds),
        String(options.warmSends),
      ],
      {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        env: {
          ...process.env,
          ...environmentFor({ tencentUrl: tencent.url, secretsUrl: options.secretsUrl }),
          ...senderEnvironment(tencent.url, FUNCTION),
          NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
        },
      },
    );
    let last: Counts = { connections: 0, tlsHandshakes: 0 };
    const done = new Promise<Record<string, unknown>>((resolve, reject) => {
      child.on('message', (message: { step?: string; done?: Record<string, unknown> }) => {
        if (message.done) return resolve(message.done);
        if (message.step === 'warm') options.onWarm(() => child.send({ go: true }));
        const { connections, tlsHandshakes } = tencent.network.stats;
        child.send({
          connections: connections - last.connections,
          tlsHandshakes: tlsHandshakes - last.tlsHandshakes,
        });
        last = { connections, tlsHandshakes };
      });
      child.once('exit', (code) => reject(new Error(`a network container exited with ${code}`)));
    });
    return await done;
  } finally {
    await tencent.close();
  }
};

const roundTrips = (ms: number, rttMs: number): number | null => (rttMs > 0 ? ms / rttMs : null);

/** The senders whose warm excess over the round trip is the model's floor. */
const BARE_SENDERS = ['bare', 'bare-https'];

const networkSection = async ({
  files,
  secretsUrl,
  rttsMs = [0, 50, 200],
  gapsSeconds = [5, 30, 120],
  warmSends = 20,
  firstSendSamples = 6,
}: {
  files: Record<'ours' | SenderName, string>;
  secretsUrl: string;
  rttsMs?: number[];
  gapsSeconds?: number[];
  warmSends?: number;
  /** Cold containers per round-trip time and sender for the first send, besides the long-lived one. */
  firstSendSamples?: number;
}) => {
  // Containers start one after another (a cold start measured alone), then all idle together.
  const containers = rttsMs.flatMap((rttMs) =>
    Object.entries(files).map(([sender, file]) => ({ rttMs, sender, file })),
  );
  const gapStarters: (() => void)[] = [];
  let started = Promise.resolve();
  const runs = containers.map(({ rttMs, sender, file }, index) => {
    let warmDone: () => void = () => {};
    const previous = started;
    started = new Promise<void>((resolve) => {
      warmDone = resolve;
    });
    return previous.then(async () => {
      const raw = (await runContainer(file, rttMs, {
        secretsUrl,
        gapsSeconds,
        warmSends,
        offset: 600_000_000 + index * 1_000,
        onWarm: (startGaps) => {
          gapStarters.push(startGaps);
          if (gapStarters.length === containers.length) {
            for (const [k, start] of gapStarters.entries()) setTimeout(start, k * 300);
          }
          warmDone();
        },
      })) as {
        importMs: number;
        first: { ms: number } & Counts;
        warm: { samples: number[] } & Counts;
        gaps: Record<string, { ms: number } & Counts>;
      };
      const warm = summary(raw.warm.samples);
      return [
        rttMs,
        sender,
        {
          importMs: raw.importMs,
          first: { ...raw.first, roundTrips: roundTrips(raw.first.ms, rttMs) },
          warm: {
            ...warm,
            roundTrips: roundTrips(warm.p50, rttMs),
            excessMs: warm.p50 - rttMs,
            connections: raw.warm.connections,
            tlsHandshakes: raw.warm.tlsHandshakes,
          },
          gaps: Object.fromEntries(
            Object.entries(raw.gaps).map(([gap, step]) => [
              gap,
              { ...step, roundTrips: roundTrips(step.ms, rttMs), excessMs: step.ms - rttMs },
            ]),
          ),
        },
      ] as const;
    });
  });
  const longLived = await Promise.all(runs);
  // More cold containers, one at a time, only for their first send: one sample is noise.
  const firstSends = new Map<string, number[]>();
  for (const { rttMs, sender, file } of containers) {
    for (let k = 0; k < firstSendSamples; k += 1) {
      const raw = (await runContainer(file, rttMs, {
        secretsUrl,
        gapsSeconds: [],
        warmSends: 0,
        offset: 700_000_000 + firstSends.size * 100_000 + k * 10,
        onWarm: (startGaps) => startGaps(),
      })) as { first: { ms: number } };
      firstSends.set(`${rttMs}/${sender}`, [
        ...(firstSends.get(`${rttMs}/${sender}`) ?? []),
        raw.first.ms,
      ]);
    }
  }
  const results: Record<string, Record<string, unknown>> = {};
  const modelFloorMs: Record<string, Record<string, number>> = {};
  for (const [rttMs, sender, figures] of longLived) {
    if (BARE_SENDERS.includes(sender)) {
      modelFloorMs[`${rttMs}ms`] ??= {};
      (modelFloorMs[`${rttMs}ms`] as Record<string, number>)[sender] = figures.warm.excessMs;
    }
    const samples = [figures.first.ms, ...(firstSends.get(`${rttMs}/${sender}`) ?? [])];
    const first = summary(samples);
    results[`${rttMs}ms`] ??= {};
    (results[`${rttMs}ms`] as Record<string, unknown>)[sender] = {
      ...figures,
      first: {
        ...figures.first,
        ms: first.p50,
        p90: first.p90,
        samples: samples.length,
        roundTrips: roundTrips(first.p50, rttMs),
      },
    };
  }
  return {
    function: FUNCTION,
    keepAliveMs: KEEP_ALIVE_MS,
    warmSends,
    gapsSeconds,
    firstSendSamples: firstSendSamples + 1,
    byRtt: results,
    /** Per round trip, each bare request's warm p50 minus the round trip (ms): the model's floor. */
    modelFloorMs,
  };
};

export { networkSection };

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { runBurst } from './burst.ts';
import { table } from './report.ts';

/** Runs bench/burst.ts in a process of its own and prints its section of the benchmark. */

type BurstResults = Awaited<ReturnType<typeof runBurst>>;
type DeliveryFigures = BurstResults['queued'];

const root = fileURLToPath(new URL('..', import.meta.url));

/** `overrides`: JSON settings for a scaled-down run (the smoke test's BENCH_BURST). */
const runBurstProcess = async (work: string, overrides = '{}'): Promise<BurstResults> => {
  const file = join(work, 'burst.json');
  const child = spawn(process.execPath, [join(root, 'bench/burst.ts'), overrides, file], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the burst benchmark exited with ${code}`);
  return JSON.parse(await readFile(file, 'utf8'));
};

const deliveryRow = (name: string, figures: DeliveryFigures) => [
  name,
  figures.messages,
  figures.sends,
  figures.sent,
  figures.duplicates,
  figures.lost,
  figures.rateLimitAnswers,
  figures.rateLimitFailuresLeft,
  figures.seconds,
  figures.floorSeconds,
  `${figures.timesFloor}x`,
];

const printBurstTables = (burst: BurstResults): void => {
  const { settings } = burst;
  table(
    `Burst under Tencent's limits (${settings.limitPerSecond}/s per command, ${settings.groupLimitPerSecond}/s per group, ${settings.broadcastPerSecond} broadcast/s): ${settings.messages} group messages over ${settings.groups} groups`,
    [
      'path',
      'messages',
      'Tencent sends',
      'sent',
      'duplicates',
      'lost',
      'rate-limit answers',
      'rate-limit failures left',
      'seconds',
      'floor s',
      'vs floor',
    ],
    [
      deliveryRow(`queue (${settings.concurrency} containers)`, burst.queued),
      deliveryRow(`direct (${settings.directCallers} callers)`, burst.direct),
      deliveryRow('broadcasts, merging off', burst.broadcasts.mergingOff),
      deliveryRow('broadcasts, merging on', burst.broadcasts.mergingOn),
    ],
  );
  const { fanOut } = burst;
  table(
    `Fan-out of ${fanOut.groups} groups`,
    [
      '202 after ms',
      'queued',
      'groups received',
      'duplicates',
      'lost',
      'rate-limit answers',
      'all delivered s',
      'floor s',
      'vs floor',
    ],
    [
      [
        fanOut.acceptedMs,
        fanOut.queued,
        fanOut.received,
        fanOut.duplicates,
        fanOut.lost,
        fanOut.rateLimitAnswers,
        fanOut.seconds,
        fanOut.floorSeconds,
        `${fanOut.timesFloor}x`,
      ],
    ],
  );
  const { report } = fanOut;
  table(
    `Fan-out report of ${fanOut.groups} groups (docs/fan-out-reports.md)`,
    [
      'table writes',
      'writes per group',
      'table reads',
      'reads per group',
      'finished events',
      'last send to event ms',
    ],
    [
      [
        report.writes,
        report.writesPerGroup,
        report.reads,
        report.readsPerGroup,
        report.finishedEvents,
        report.lastSendToEventMs ?? 'no event',
      ],
    ],
  );
};

export type { BurstResults };
export { printBurstTables, runBurstProcess };

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coldEndToEnd } from './cold-end-to-end.ts';
import { startupFiles } from './idempotency.ts';
import { round } from './report.ts';
import { buildSenders } from './senders.ts';
import { FUNCTION_NAMES } from './workload.ts';

/**
 * The three figures the stack is held to, without the rest of `npm run bench`: start-up code per
 * function, cold start end to end against the hand-written sender, and the warm overhead over a
 * bare node:http POST. BENCH_COLD_SAMPLES and BENCH_ITERATIONS size it (defaults 10 and 1,000).
 * Run after `npm run build`: `node bench/stack-figures.ts`.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const coldSamples = Number(process.env.BENCH_COLD_SAMPLES ?? 10);
const iterations = Number(process.env.BENCH_ITERATIONS ?? 1_000);
const bundleFile = (name: string) => join(root, `dist/${name}/index.mjs`);
const work = await mkdtemp(join(tmpdir(), 'stack-figures-'));

const startServers = async () => {
  const child = spawn(process.execPath, [join(root, 'bench/servers.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`benchmark servers exited with ${code}`)));
  });
  return {
    urls: JSON.parse(line) as { tencentUrl: string; secretsUrl: string },
    stop: () => child.kill('SIGTERM'),
  };
};

const warm = async (urls: { tencentUrl: string; secretsUrl: string }) => {
  const file = join(work, 'warm.json');
  const settings = { iterations, throughputInvocations: 200, concurrency: 8, delaysMs: [0] };
  const child = spawn(
    process.execPath,
    [join(root, 'bench/measure-warm.ts'), JSON.stringify({ ...urls, ...settings }), file],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the warm measurement exited with ${code}`);
  return JSON.parse(await readFile(file, 'utf8')) as {
    warm: Record<string, Record<string, { overheadMs: { vsBareHttp: { p50: number } } }>>;
  };
};

const servers = await startServers();
try {
  const rows: string[][] = [];
  const senders = await buildSenders(work);
  const bundles = Object.fromEntries(FUNCTION_NAMES.map((name) => [name, bundleFile(name)]));
  const cold = await coldEndToEnd({
    bundles: bundles as Record<(typeof FUNCTION_NAMES)[number], string>,
    senders,
    secretsUrl: servers.urls.secretsUrl,
    samples: coldSamples,
  });
  const warmResults = await warm(servers.urls);
  for (const name of FUNCTION_NAMES) {
    const files = await startupFiles(bundleFile(name));
    const bytes = (await Promise.all(files.map((file) => readFile(file)))).reduce(
      (sum, buffer) => sum + buffer.length,
      0,
    );
    const byFunction = cold.byFunction[name];
    rows.push([
      name,
      String(round(bytes / 1024, 1)),
      String(round(byFunction?.ours.endToEndMs.p50 ?? Number.NaN)),
      String(round(byFunction?.handWritten.endToEndMs.p50 ?? Number.NaN)),
      `${round(byFunction?.endToEndRatio ?? Number.NaN)}x`,
      String(round(warmResults.warm['0ms']?.[name]?.overheadMs.vsBareHttp.p50 ?? Number.NaN, 3)),
    ]);
  }
  console.log(
    [
      'function',
      'start-up KB',
      'cold e2e p50',
      'hand-written p50',
      'ratio',
      'warm overhead p50',
    ].join('\t'),
  );
  for (const row of rows) console.log(row.join('\t'));
} finally {
  servers.stop();
  await rm(work, { recursive: true, force: true });
}

import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { type BurstResults, printBurstTables, runBurstProcess } from './burst-report.ts';
import { coldEndToEnd } from './cold-end-to-end.ts';
import {
  type IdempotencyResults,
  measureIdempotency,
  printIdempotency,
  startupFiles,
} from './idempotency.ts';
import { networkSection } from './network.ts';
import { printNetworkTables } from './print-network.ts';
import { round, table } from './report.ts';
import { buildSenders } from './senders.ts';
import { coldSample, environmentFor, FUNCTION_NAMES, requestFor, summary } from './workload.ts';

/**
 * `npm run bench`: size, cold start, cold start end to end against the hand-written sender, sends
 * over a real-like network (HTTPS, round-trip times, idle gaps), warm latency and CPU against a
 * bare POST and a naive sender, throughput, and work per 1,000 invocations, all in one run on this
 * machine. Prints tables and writes bench/results.json (or BENCH_OUTPUT). BENCH_ITERATIONS,
 * BENCH_COLD_SAMPLES, BENCH_THROUGHPUT_INVOCATIONS, BENCH_RTTS_MS, BENCH_GAPS_S and
 * BENCH_WARM_SENDS and BENCH_FIRST_SENDS shrink it for a smoke run.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const settings = {
  iterations: Number(process.env.BENCH_ITERATIONS ?? 2_000),
  coldSamples: Number(process.env.BENCH_COLD_SAMPLES ?? 20),
  throughputInvocations: Number(process.env.BENCH_THROUGHPUT_INVOCATIONS ?? 4_000),
  concurrency: 32,
  // Network delays are measured by the network section, over HTTPS and with connection set-up.
  delaysMs: [0],
  rttsMs: (process.env.BENCH_RTTS_MS ?? '0,50,200').split(',').map(Number),
  gapsSeconds: (process.env.BENCH_GAPS_S ?? '5,30,120').split(',').map(Number),
  warmSends: Number(process.env.BENCH_WARM_SENDS ?? 20),
  firstSendSamples: Number(process.env.BENCH_FIRST_SENDS ?? 6),
  skipPackage: process.env.BENCH_SKIP_PACKAGE === '1',
};
const benchStartedAt = Date.now();
const output = process.env.BENCH_OUTPUT ?? join(root, 'bench/results.json');
const work = await mkdtemp(join(tmpdir(), 'bench-'));

const bundleFile = (name: string) => join(root, `dist/${name}/index.mjs`);

// The same esbuild settings as esbuild.config.mjs, for the two baselines.
const SECRETS_MANAGER_ONLY = [
  "import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';",
  'const client = new SecretsManagerClient({});',
  'export const handler = async (event) => client.send(new GetSecretValueCommand({ SecretId: event.secretId }));',
].join('\n');
const baselineSources = {
  'empty-handler': {
    contents: 'export const handler = async () => ({ ok: true });',
    stockSdk: false,
  },
  // The floor: the Secrets Manager client as our bundles carry it (credentials from the environment).
  'secrets-manager-client': { contents: SECRETS_MANAGER_ONLY, stockSdk: false },
  // The same with Node's fetch loaded (its first Request loads undici, as ky does at import): any
  // sender on fetch pays this, at import or at its first call.
  'secrets-manager-client+fetch': {
    contents: `${SECRETS_MANAGER_ONLY}\nexport const probe = new Request('http://localhost/');`,
    stockSdk: false,
  },
  // For comparison: the client with the SDK's whole default credential chain.
  'secrets-manager-client-stock': { contents: SECRETS_MANAGER_ONLY, stockSdk: true },
};
const buildBaselines = async () => {
  const { buildOptions } = await import('../esbuild.config.mjs');
  const files: Record<string, string> = {};
  for (const [name, { contents, stockSdk }] of Object.entries(baselineSources)) {
    files[name] = join(work, `${name}.mjs`);
    await build({
      ...buildOptions,
      ...(stockSdk && { alias: {} }),
      stdin: { contents, resolveDir: root, loader: 'js' },
      outfile: files[name],
      sourcemap: false,
    });
  }
  return files;
};

const sizes = async () => {
  let zips: Record<string, number> = {};
  if (!settings.skipPackage) {
    const dir = join(work, 'package');
    await run('npx', ['serverless', 'package', '--stage', 'bench', '--package', dir], {
      cwd: root,
    });
    const zipNames = {
      'send-group-msg': 'sendGroupMsg',
      'send-broadcast-msg': 'sendBroadcastMsg',
      'send-text-msg': 'sendTextMsg',
      'send-custom-msg': 'sendCustomMsg',
    };
    zips = Object.fromEntries(
      await Promise.all(
        Object.entries(zipNames).map(async ([name, zip]) => [
          name,
          (await stat(join(dir, `${zip}.zip`))).size,
        ]),
      ),
    );
  }
  return Object.fromEntries(
    await Promise.all(
      FUNCTION_NAMES.map(async (name) => {
        // What the function loads at start-up: its entry and the chunks it imports statically.
        const files = await startupFiles(bundleFile(name));
        const bytes = Buffer.concat(await Promise.all(files.map((file) => readFile(file))));
        return [
          name,
          {
            minifiedBytes: bytes.length,
            gzippedBytes: gzipSync(bytes).length,
            zipBytes: zips[name] ?? null,
          },
        ];
      }),
    ),
  );
};

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

const coldStart = async (
  files: Record<string, string>,
  urls: { tencentUrl: string; secretsUrl: string },
) => {
  const env = { ...process.env, ...environmentFor(urls) };
  const sample = (file: string, invokeWith?: object) => coldSample(file, env, invokeWith);
  const imports = Object.fromEntries(Object.keys(files).map((name) => [name, [] as number[]]));
  const firstInvocations = Object.fromEntries(FUNCTION_NAMES.map((name) => [name, [] as number[]]));
  // Round-robin, so that a slow moment of the machine touches every bundle alike.
  for (let i = 0; i < settings.coldSamples; i += 1) {
    for (const [name, file] of Object.entries(files)) {
      imports[name]?.push((await sample(file)).importMs);
    }
    for (const name of FUNCTION_NAMES) {
      const { firstInvocationMs } = await sample(bundleFile(name), requestFor(name, 800_000 + i));
      firstInvocations[name]?.push(firstInvocationMs ?? Number.NaN);
    }
  }
  return {
    importMs: Object.fromEntries(
      Object.entries(imports).map(([name, samples]) => [name, summary(samples)]),
    ),
    firstInvocationMs: Object.fromEntries(
      Object.entries(firstInvocations).map(([name, samples]) => [name, summary(samples)]),
    ),
  };
};

const warm = async (urls: { tencentUrl: string; secretsUrl: string }) => {
  const file = join(work, 'warm.json');
  const child = spawn(
    process.execPath,
    [join(root, 'bench/measure-warm.ts'), JSON.stringify({ ...urls, ...settings }), file],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the warm measurement exited with ${code}`);
  return JSON.parse(await readFile(file, 'utf8'));
};

const baselines = await buildBaselines();
const senders = await buildSenders(work);
const servers = await startServers();
try {
  const measuredSizes = await sizes();
  const bundles = Object.fromEntries(FUNCTION_NAMES.map((name) => [name, bundleFile(name)]));
  const cold = await coldStart({ ...baselines, ...bundles }, servers.urls);
  const coldEndToEndResults = await coldEndToEnd({
    bundles: bundles as Record<(typeof FUNCTION_NAMES)[number], string>,
    senders,
    secretsUrl: servers.urls.secretsUrl,
    samples: settings.coldSamples,
  });
  const network = await networkSection({
    files: { ours: bundleFile('send-text-msg'), ...senders },
    secretsUrl: servers.urls.secretsUrl,
    rttsMs: settings.rttsMs,
    gapsSeconds: settings.gapsSeconds,
    warmSends: settings.warmSends,
    firstSendSamples: settings.firstSendSamples,
  });
  const warmResults = await warm(servers.urls);
  // Handler minus the bare POSTs (fetch, and node:http over one kept connection), per function.
  const warmCpuOverheadMs = Object.fromEntries(
    Object.entries(
      warmResults.warm['0ms'] as Record<
        string,
        { overheadMs: { vsBare: Percentiles; vsBareHttp: Percentiles } }
      >,
    ).map(([name, { overheadMs }]) => [name, overheadMs]),
  );
  const idempotency = await measureIdempotency(servers.urls, settings, work);
  // Queue mode under Tencent's limits: its own servers and process (bench/burst.ts).
  const burst = await runBurstProcess(work, process.env.BENCH_BURST);
  const results = {
    machine: {
      node: process.version,
      cpus: (await import('node:os')).cpus().length,
      date: new Date().toISOString(),
    },
    settings,
    sizes: measuredSizes,
    baselineSizes: Object.fromEntries(
      await Promise.all(
        Object.entries(baselines).map(async ([name, file]) => [name, (await stat(file)).size]),
      ),
    ),
    coldStart: cold,
    coldEndToEnd: coldEndToEndResults,
    network,
    ...warmResults,
    idempotency,
    burst,
    warmCpuOverheadMs,
    totalSeconds: (Date.now() - benchStartedAt) / 1000,
  };
  await writeFile(output, `${JSON.stringify(results, null, 2)}\n`);
  printTable(results);
  printNetworkTables(results);
  console.log(`\nwrote ${output}; the whole benchmark took ${round(results.totalSeconds, 0)} s`);
} finally {
  servers.stop();
  await rm(work, { recursive: true, force: true });
}

interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}
interface BenchResults {
  sizes: Record<string, { minifiedBytes: number; gzippedBytes: number; zipBytes: number | null }>;
  baselineSizes: Record<string, number>;
  coldStart: {
    importMs: Record<string, Percentiles>;
    firstInvocationMs: Record<string, Percentiles>;
  };
  warm: Record<
    string,
    Record<
      string,
      { handler: Percentiles; bare: Percentiles; bareHttp: Percentiles; naive: Percentiles }
    >
  >;
  throughput: Record<string, { perSecond: number }>;
  workPerThousand: Record<string, { getSecretValueCalls: number; userSigsUsed: number }>;
  idempotency: IdempotencyResults;
  burst: BurstResults;
}

function printTable(results: BenchResults) {
  const at = <T>(record: Record<string, T>, key: string): T => {
    const value = record[key];
    if (value === undefined) throw new Error(`no figure for ${key}`);
    return value;
  };
  const imports = results.coldStart.importMs;
  const floor = at(imports, 'secrets-manager-client').p50;
  const floorWithFetch = at(imports, 'secrets-manager-client+fetch').p50;
  const coldRow = (
    name: string,
    minified: number,
    gzipped: number | '',
    zip: number | null | '',
  ) => {
    const imported = at(imports, name);
    const first = results.coldStart.firstInvocationMs[name];
    return [
      name,
      round(minified / 1024, 1),
      gzipped === '' ? '' : round(gzipped / 1024, 1),
      zip === '' || zip === null ? '' : round(zip / 1024, 1),
      round(imported.p50),
      round(imported.p90),
      `${round(imported.p50 / floor)}x`,
      `${round(imported.p50 / floorWithFetch)}x`,
      first ? round(first.p50) : '',
    ];
  };
  table(
    `Size and cold start (import in a fresh process, ${settings.coldSamples} samples, ms)`,
    [
      'bundle',
      'minified KB',
      'gzipped KB',
      'zip KB',
      'import p50',
      'import p90',
      'vs SM client',
      'vs SM client+fetch',
      'first invocation p50',
    ],
    [
      ...Object.keys(baselineSources).map((name) =>
        coldRow(name, at(results.baselineSizes, name), '', ''),
      ),
      ...FUNCTION_NAMES.map((name) => {
        const size = at(results.sizes, name);
        return coldRow(name, size.minifiedBytes, size.gzippedBytes, size.zipBytes);
      }),
    ],
  );
  for (const [delay, byFunction] of Object.entries(results.warm)) {
    table(
      `Warm latency, emulator reply delay ${delay} (${settings.iterations} sequential calls of each kind, ms)`,
      [
        'function',
        'handler p50',
        'handler p99',
        'bare POST p50',
        'bare POST p99',
        'bare http p50',
        'bare http p99',
        'p50 ratio',
        'p99 ratio',
        'naive p50',
        'naive p99',
        'naive/handler p50',
      ],
      Object.entries(byFunction).map(([name, { handler, bare, bareHttp, naive }]) => [
        name,
        round(handler.p50),
        round(handler.p99),
        round(bare.p50),
        round(bare.p99),
        round(bareHttp.p50),
        round(bareHttp.p99),
        `${round(handler.p50 / bare.p50)}x`,
        `${round(handler.p99 / bare.p99)}x`,
        round(naive.p50),
        round(naive.p99),
        `${round(naive.p50 / handler.p50)}x`,
      ]),
    );
  }
  table(
    `Throughput (${settings.concurrency} concurrent invocations in one process) and work per 1,000 invocations of a new container`,
    ['function', 'invocations/s', 'GetSecretValue calls', 'UserSigs used'],
    FUNCTION_NAMES.map((name) => [
      name,
      round(at(results.throughput, name).perSecond, 0),
      at(results.workPerThousand, name).getSecretValueCalls,
      at(results.workPerThousand, name).userSigsUsed,
    ]),
  );
  printIdempotency(results.idempotency);
  printBurstTables(results.burst);
}

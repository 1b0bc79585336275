import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { WarmFigures } from './idempotency-warm.ts';
import { round, table } from './report.ts';
import { coldSample, environmentFor, FUNCTION_NAMES, summary } from './workload.ts';

/**
 * What the idempotency table costs (`npm run bench` runs it; README "Idempotency").
 * - Off (the variable unset): the code a function loads at start-up, and its cold import, against
 *   a baseline built in the same run from the same sources with the table layer left out and no
 *   code splitting (the build before the table existed). The table layer and the DynamoDB client
 *   are a chunk loaded only with the variable set: they must not be in the start-up code.
 * - On: warm latency of a first send and of a replay against the same send with the table off,
 *   and the DynamoDB operations per send, with the DynamoDB stand-in in a process of its own.
 * The warm measurement and the DynamoDB stand-in run as children (bench/idempotency-warm.ts).
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const warmScript = fileURLToPath(new URL('./idempotency-warm.ts', import.meta.url));

interface Urls {
  tencentUrl: string;
  secretsUrl: string;
}

/** The files a module loads when imported: itself and, recursively, its static imports. */
const startupFiles = async (entry: string): Promise<string[]> => {
  const seen = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = await readFile(file, 'utf8');
    // esbuild's output: `import{…}from"./chunks/x.mjs"` or `import"./chunks/x.mjs"`; dynamic
    // imports, `import("…")`, are followed only from the entry, which awaits them at init (the
    // others load queue mode or the idempotency table when used).
    const imports =
      file === entry
        ? /import(?:\{[^}]*\}from|\s*|\()"(\.\/[^"]+)"/g
        : /import(?:\{[^}]*\}from|\s*)"(\.\/[^"]+)"/g;
    for (const match of code.matchAll(imports)) {
      await visit(join(dirname(file), match[1] as string));
    }
  };
  await visit(entry);
  return [...seen];
};

const bytesOf = async (files: string[]) =>
  (await Promise.all(files.map(async (file) => (await stat(file)).size))).reduce((a, b) => a + b);

/** Today's sources, without the table layer and without splitting: the build before it. */
const buildBaselines = async (work: string): Promise<Record<string, string>> => {
  const { buildOptions } = await import('../esbuild.config.mjs');
  const files: Record<string, string> = {};
  for (const name of FUNCTION_NAMES) {
    files[name] = join(work, `without-table-${name}.mjs`);
    await build({
      ...buildOptions,
      entryPoints: [join(root, `functions/${name}.ts`)],
      outfile: files[name],
      sourcemap: false,
      plugins: [
        {
          name: 'leave-out-the-table-layer',
          setup: (esbuild) => {
            esbuild.onResolve({ filter: /idempotency-table\.ts$/ }, () => ({
              path: 'idempotency-table',
              namespace: 'left-out',
            }));
            esbuild.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({
              contents: 'export const sendOnce = () => { throw new Error("left out"); };',
              loader: 'js',
            }));
          },
        },
      ],
    });
  }
  return files;
};

const coldImportMs = async (file: string, env: NodeJS.ProcessEnv): Promise<number> =>
  (await coldSample(file, env)).importMs;

const startDynamoDbProcess = async () => {
  const child = spawn(process.execPath, [warmScript, 'dynamodb'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the DynamoDB stand-in exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
};

const measureWarm = async (urls: Urls, iterations: number, work: string) => {
  const dynamodb = await startDynamoDbProcess();
  try {
    const output = join(work, 'idempotency-warm.json');
    const child = spawn(
      process.execPath,
      [
        warmScript,
        'warm',
        JSON.stringify({ ...urls, dynamodbUrl: dynamodb.url, iterations, output }),
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the idempotency warm measurement exited with ${code}`);
    return JSON.parse(await readFile(output, 'utf8')) as Record<string, WarmFigures>;
  } finally {
    dynamodb.stop();
  }
};

/** Size and cold start with the table off, warm cost with it on. */
const measureIdempotency = async (
  urls: Urls,
  settings: { coldSamples: number; iterations: number },
  work: string,
) => {
  const baselines = await buildBaselines(work);
  const env = { ...process.env, ...environmentFor(urls) };
  delete env.TENCENT_CHAT_IDEMPOTENCY_TABLE;
  const offFigures = async (name: string) => {
    const entry = join(root, `dist/${name}/index.mjs`);
    const startup = await startupFiles(entry);
    const startupCode = (await Promise.all(startup.map((file) => readFile(file, 'utf8')))).join('');
    const before: number[] = [];
    const after: number[] = [];
    // Alternating, so that a slow moment of the machine touches both alike.
    for (let i = 0; i < settings.coldSamples; i += 1) {
      before.push(await coldImportMs(baselines[name] as string, env));
      after.push(await coldImportMs(entry, env));
    }
    const beforeBytes = (await stat(baselines[name] as string)).size;
    const afterBytes = await bytesOf(startup);
    return {
      startupFiles: startup.length,
      startupBytes: afterBytes,
      baselineBytes: beforeBytes,
      sizeRatio: round(afterBytes / beforeBytes, 4),
      dynamoDbAtStartup: /DynamoDB_20120810|DynamoDBClient/.test(startupCode),
      importMs: summary(after),
      baselineImportMs: summary(before),
      importRatio: round(summary(after).p50 / summary(before).p50, 3),
    };
  };
  const off: Record<string, Awaited<ReturnType<typeof offFigures>>> = {};
  for (const name of FUNCTION_NAMES) off[name] = await offFigures(name);
  return { off, on: await measureWarm(urls, settings.iterations, work) };
};

type IdempotencyResults = Awaited<ReturnType<typeof measureIdempotency>>;

const printIdempotency = (results: IdempotencyResults) => {
  table(
    'Idempotency table off: start-up code and cold import against the build without the table layer (ms)',
    [
      'function',
      'start-up KB',
      'baseline KB',
      'size ratio',
      'files',
      'DynamoDB at start-up',
      'import p50',
      'baseline p50',
      'import ratio',
    ],
    Object.entries(results.off).map(([name, f]) => [
      name,
      round(f.startupBytes / 1024, 1),
      round(f.baselineBytes / 1024, 1),
      f.sizeRatio,
      f.startupFiles,
      f.dynamoDbAtStartup ? 'yes' : 'no',
      round(f.importMs.p50),
      round(f.baselineImportMs.p50),
      f.importRatio,
    ]),
  );
  table(
    'Idempotency table on: warm latency against the table off, and DynamoDB operations per send (ms)',
    [
      'function',
      'off p50',
      'first send p50',
      'first p99',
      'replay p50',
      'per first send',
      'per replay',
    ],
    Object.entries(results.on).map(([name, f]) => [
      name,
      round(f.off.p50),
      round(f.first.p50),
      round(f.first.p99),
      round(f.replay.p50),
      Object.entries(f.operationsPerFirstSend)
        .map(([operation, count]) => `${count} ${operation}`)
        .join(', '),
      Object.entries(f.operationsPerReplay)
        .map(([operation, count]) => `${count} ${operation}`)
        .join(', '),
    ]),
  );
};

export type { IdempotencyResults };
export { measureIdempotency, printIdempotency, startupFiles };

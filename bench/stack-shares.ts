import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { NO_RATE_LIMITS } from '../emulators/tencent-chat/emulator.ts';
import { TEST_CA_FILE } from '../emulators/tencent-chat/network.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';
import { buildOptions } from '../esbuild.config.mjs';
import { startupFiles } from './idempotency.ts';
import { round } from './report.ts';
import { buildSenders, senderEnvironment } from './senders.ts';
import { coldSample, environmentFor, requestFor, summary } from './workload.ts';

/**
 * What each part of the stack costs `send-text-msg` at a cold start, measured by removing each in
 * a throwaway build (esbuild with the real build options, into a temporary directory; never
 * shipped, nothing written into dist/): ky (one attempt straight over lib/connections.ts instead),
 * undici (ky loads it; `no-ky-with-undici` still does), middy (a plain async handler instead), and
 * Powertools Logger and Metrics with their middlewares (JSON lines written by hand, middy kept;
 * Powertools Parameters stays, it fetches the secret). Every variant really sends: fresh processes
 * (bench/cold-start.mjs) against the HTTPS Tencent emulator, beside the hand-written sender, in an
 * order that rotates each round. "share" is what removing the part saves of the full build's
 * p50 end to end. BENCH_COLD_SAMPLES sizes it (default 20). No `npm run build` needed:
 * `npx node bench/stack-shares.ts`.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const lib = join(root, 'lib');
const coldSamples = Number(process.env.BENCH_COLD_SAMPLES ?? 20);
const from = (file: string) => JSON.stringify(join(lib, file));

/**
 * lib/tencent-client.ts's send in one attempt, without ky. Undici (the global Request's getter)
 * loads where the product imports ky: at the first call, from lib/warm-up.ts during init.
 */
const withoutKy = (loadUndici: boolean) => `
import { postOverKeptConnection } from ${from('connections.ts')};
import { freshRandom } from ${from('idempotency.ts')};
import { failureOfReply, parseReply } from ${from('tencent-reply.ts')};
const sendToTencent = async (request, progress = { attempts: 0 }) => {
  progress.attempts += 1;
  const identity = await request.identity({ refresh: false });
  const { service, name } = request.command;
  const path = '/v4/' + service + '/' + name + '?sdkappid=' + identity.sdkAppId +
    '&identifier=' + encodeURIComponent(identity.identifier) +
    '&usersig=' + encodeURIComponent(identity.userSig) +
    '&random=' + freshRandom() + '&contenttype=json';
  const startedAt = Date.now();
  try {
    const signal = AbortSignal.timeout(request.attemptTimeoutMs);
    const body = JSON.stringify(request.body);
    const reply = parseReply((await postOverKeptConnection(request.baseUrl, path, body, { signal })).text);
    const failure = failureOfReply(reply);
    if (failure) throw failure;
    return reply;
  } finally { progress.upstreamMs = Date.now() - startedAt; }
};
export const loadTencentClient = async () => {
  ${loadUndici ? 'void globalThis.Request;' : ''} return { sendToTencent };
};
`;

const withoutMiddy = `
import { logger } from ${from('logger.ts')};
import { metrics } from ${from('metrics.ts')};
export const observed = (handle) => {
  const handler = async (event, context) => {
    logger.addContext(context);
    try { return await handle(event, context); } finally { metrics.publishStoredMetrics(); }
  };
  return Object.assign(handler, { use: () => handler }); // its callers' .use(…): a no-op
};
`;

/** A JSON-lines logger; redact() is lib/logger.ts's own code, cut out of the file. */
const plainLogger = (original: string) => `
import { serviceName } from ${from('powertools-env.ts')};
const createLogger = () => {
  const service = serviceName();
  const write = (level) => (message, attributes = {}) => {
    const line = { level, message, timestamp: new Date().toISOString(), service, ...attributes };
    process.stdout.write(JSON.stringify(line) + '\\n');
  };
  return { info: write('INFO'), warn: write('WARN'), error: write('ERROR'), addContext: () => {} };
};
const logger = createLogger();
${original.slice(original.indexOf('const USERSIG_IN_TEXT'), original.indexOf('export {'))}
export { createLogger, logger, redact };
`;

/** The Metrics methods lib/ calls, kept in memory and written as one JSON line per blob. */
const plainMetrics = `
import { metricsNamespace, serviceName } from ${from('powertools-env.ts')};
export const MetricUnit = { Count: 'Count', Milliseconds: 'Milliseconds' };
export const createMetrics = (single = false, defaults = { service: serviceName() }) => {
  let [dimensions, metadata, values] = [{}, {}, {}];
  const metrics = {
    addDimension: (name, value) => { dimensions[name] = value; },
    addMetadata: (name, value) => { metadata[name] = value; },
    addMetric: (name, unit, value) => {
      (values[name] ??= { unit, values: [] }).values.push(value);
      if (single) metrics.publishStoredMetrics();
    },
    clearDefaultDimensions: () => { defaults = {}; },
    setDefaultDimensions: (more) => { defaults = { ...defaults, ...more }; },
    hasStoredMetrics: () => Object.keys(values).length > 0,
    publishStoredMetrics: () => {
      if (!metrics.hasStoredMetrics()) return;
      const blob = { namespace: metricsNamespace(), timestamp: Date.now(), ...defaults, ...dimensions };
      process.stdout.write(JSON.stringify({ ...blob, ...metadata, metrics: values }) + '\\n');
      [dimensions, metadata, values] = [{}, {}, {}];
    },
    singleMetric: () => createMetrics(true, defaults),
  };
  return metrics;
};
export const metrics = createMetrics();
`;

const middyOnly = `
import middy from '@middy/core';
import { metrics } from ${from('metrics.ts')};
const publish = () => { metrics.publishStoredMetrics(); };
export const observed = (handle) =>
  middy({ timeoutEarlyInMillis: 0 }).use({ after: publish, onError: publish }).handler(handle);
`;

type Replacements = Record<string, (original: string) => string>;

const VARIANTS: Record<string, Replacements> = {
  full: {},
  'no-ky-no-undici': { 'load-tencent-client.ts': () => withoutKy(false) },
  'no-ky-with-undici': { 'load-tencent-client.ts': () => withoutKy(true) },
  'no-middy': { 'observed.ts': () => withoutMiddy },
  'no-powertools': {
    'logger.ts': plainLogger,
    'metrics.ts': () => plainMetrics,
    'observed.ts': () => middyOnly,
    // It takes MetricUnit from Powertools itself; the stand-in exports one.
    'send-metrics.ts': (original) =>
      original.replace("'@aws-lambda-powertools/metrics'", "'./metrics.ts'"),
  },
};

/** Replaces the contents of the named files of lib/ (paths relative to lib/). */
const replacing = (replacements: Replacements): Plugin => ({
  name: 'remove-a-part',
  setup: (esbuild) => {
    esbuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const replace = replacements[relative(lib, path)];
      if (!replace) return undefined;
      return { contents: replace(await readFile(path, 'utf8')), loader: 'ts', resolveDir: lib };
    });
  },
});

const buildVariant = async (work: string, name: string, replacements: Replacements) => {
  await build({
    ...buildOptions,
    absWorkingDir: root,
    plugins: [...(buildOptions.plugins ?? []), replacing(replacements)],
    entryPoints: [{ in: 'functions/send-text-msg.ts', out: 'index' }],
    outdir: join(work, name),
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
  });
  return join(work, name, 'index.mjs');
};

/** The Secrets Manager stand-in, as bench/stack-figures.ts starts bench/servers.ts. */
const startSecrets = async () => {
  const child = spawn(process.execPath, [join(root, 'bench/servers.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`benchmark servers exited with ${code}`)));
  });
  return { url: (JSON.parse(line) as { secretsUrl: string }).secretsUrl, stop: () => child.kill() };
};

type ColdSample = Awaited<ReturnType<typeof coldSample>>;

const startupKb = async (entry: string) => {
  const sizes = await Promise.all((await startupFiles(entry)).map((file) => stat(file)));
  return round(sizes.reduce((sum, { size }) => sum + size, 0) / 1024, 1);
};

const tencent = await startTencentChatEmulator({ network: { tls: true }, limits: NO_RATE_LIMITS });
const secrets = await startSecrets();
const work = await mkdtemp(join(tmpdir(), 'stack-shares-'));
try {
  const files = { 'hand-written': (await buildSenders(work))['hand-written'] };
  for (const [name, replacements] of Object.entries(VARIANTS)) {
    Object.assign(files, { [name]: await buildVariant(work, name, replacements) });
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...environmentFor({ tencentUrl: tencent.url, secretsUrl: secrets.url }),
    ...senderEnvironment(tencent.url, 'send-text-msg'),
    NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
  };
  const entries = Object.entries(files);
  const samples = new Map(entries.map(([name]) => [name, [] as ColdSample[]]));
  for (let i = 0; i < coldSamples; i += 1) {
    // Rotated, so that no variant is always the first after another's process.
    for (let k = 0; k < entries.length; k += 1) {
      const [name, file] = entries[(i + k) % entries.length] as [string, string];
      samples.get(name)?.push(await coldSample(file, env, requestFor('send-text-msg', i)));
    }
  }
  const p50 = (name: string, figure: keyof ColdSample = 'endToEndMs') =>
    summary((samples.get(name) ?? []).map((sample) => sample[figure] ?? Number.NaN)).p50;
  const ms = (value: number) => String(round(value, 1));
  console.log(
    'variant\tstart-up KB\timport p50\tfirst invocation p50\te2e p50\tratio to hand-written\tshare',
  );
  for (const [name, file] of entries) {
    const row = [name, String(await startupKb(file)), ms(p50(name, 'importMs'))];
    row.push(ms(p50(name, 'firstInvocationMs')), ms(p50(name)));
    row.push(`${round(p50(name) / p50('hand-written'))}x`, ms(p50('full') - p50(name)));
    console.log(row.join('\t'));
  }
  console.log(`\nshares of p50 end to end (${coldSamples} rounds):`);
  console.log(`undici share\t${ms(p50('no-ky-with-undici') - p50('no-ky-no-undici'))} ms`);
  console.log(`ky share\t${ms(p50('full') - p50('no-ky-with-undici'))} ms`);
  console.log(`middy share\t${ms(p50('full') - p50('no-middy'))} ms`);
  console.log(`Powertools share\t${ms(p50('full') - p50('no-powertools'))} ms`);
} finally {
  await tencent.close();
  secrets.stop();
  await rm(work, { recursive: true, force: true });
}

import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type Handler, newContainer } from '../emulators/lambda-container.ts';
import { getSignedIdentity } from '../lib/usersig.ts';
import {
  COMMANDS,
  DEFAULT_APP,
  environmentFor,
  FUNCTION_NAMES,
  type FunctionName,
  lambdaContext,
  requestFor,
  SECRET_ID,
  summary,
} from './workload.ts';

/**
 * Warm latency, throughput and work per 1,000 invocations, measured in a process of its own whose
 * stdout (the functions' log and metric lines) is discarded as Lambda's log pipe would take it.
 * Writes its figures to the file named by its second argument.
 */

interface Settings {
  tencentUrl: string;
  secretsUrl: string;
  iterations: number;
  throughputInvocations: number;
  concurrency: number;
  delaysMs: number[];
}

const [settingsJson, outputFile] = process.argv.slice(2) as [string, string];
const settings = JSON.parse(settingsJson) as Settings;
Object.assign(process.env, environmentFor(settings));
const { naiveSend } = await import('./naive-sender.ts');

const control = async (path: string, method: string, body?: unknown) => {
  const response = await fetch(`${settings.tencentUrl}${path}`, {
    method,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return response.json() as Promise<unknown>;
};

const secretsCalls = async () =>
  (
    (await (await fetch(`${settings.secretsUrl}/stand-in/calls`)).json()) as {
      GetSecretValue: number;
    }
  ).GetSecretValue;

// The floors: the same body to the same URL, with a valid UserSig made once, by fetch and by node:http.
const identity = getSignedIdentity(
  {
    sdkAppId: DEFAULT_APP.sdkAppId,
    secretKey: DEFAULT_APP.secretKey,
    adminIdentifier: 'administrator',
  },
  86_400,
);
const bareQuery = (name: FunctionName) => {
  const { service, command } = COMMANDS[name];
  const query = new URLSearchParams({
    sdkappid: String(identity.sdkAppId),
    identifier: identity.identifier,
    usersig: identity.userSig,
    random: String(Math.floor(Math.random() * 4294967295)),
    contenttype: 'json',
  });
  return `/v4/${service}/${command}?${query}`;
};
const expectDelivered = (reply: { ErrorCode: number }, what: string) => {
  if (reply.ErrorCode !== 0) throw new Error(`${what} got ${reply.ErrorCode}`);
};
const barePost = async (name: FunctionName, body: object) => {
  const response = await fetch(`${settings.tencentUrl}${bareQuery(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expectDelivered((await response.json()) as { ErrorCode: number }, 'bare POST');
};

// The same with node:http over one kept connection: the floor for a sender on node:http(s).
const target = new URL(settings.tencentUrl);
const keptConnection = new Agent({ keepAlive: true, maxSockets: 1 });
const bareHttpPost = (name: FunctionName, body: object) =>
  new Promise<void>((resolve, reject) => {
    const text = JSON.stringify(body);
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        path: bareQuery(name),
        method: 'POST',
        agent: keptConnection,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            expectDelivered(JSON.parse(Buffer.concat(chunks).toString('utf8')), 'bare http POST');
            resolve();
          } catch (error) {
            reject(error);
          }
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(text);
  });

const timed = async (work: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

const expectSent = (result: unknown) => {
  if ((result as { ok?: boolean }).ok !== true)
    throw new Error(`send failed: ${JSON.stringify(result)}`);
};

const warmLatency = async (name: FunctionName, handler: Handler, offset: number) => {
  for (let i = 0; i < 50; i += 1) {
    expectSent(await handler(requestFor(name, offset + i), lambdaContext()));
    await barePost(name, requestFor(name, offset + 100_000 + i));
    await bareHttpPost(name, requestFor(name, offset + 300_000 + i));
    await naiveSend(
      settings.tencentUrl,
      SECRET_ID,
      COMMANDS[name],
      requestFor(name, offset + 200_000 + i),
    );
  }
  const samples = {
    handler: [] as number[],
    bare: [] as number[],
    bareHttp: [] as number[],
    naive: [] as number[],
  };
  for (let i = 0; i < settings.iterations; i += 1) {
    samples.handler.push(
      await timed(async () =>
        expectSent(await handler(requestFor(name, offset + 1_000 + i), lambdaContext())),
      ),
    );
    samples.bare.push(await timed(() => barePost(name, requestFor(name, offset + 101_000 + i))));
    samples.bareHttp.push(
      await timed(() => bareHttpPost(name, requestFor(name, offset + 301_000 + i))),
    );
    samples.naive.push(
      await timed(() =>
        naiveSend(
          settings.tencentUrl,
          SECRET_ID,
          COMMANDS[name],
          requestFor(name, offset + 201_000 + i),
        ),
      ),
    );
  }
  const ours = summary(samples.handler);
  const bare = summary(samples.bare);
  const bareHttp = summary(samples.bareHttp);
  const over = (floor: typeof bare) => ({
    p50: ours.p50 - floor.p50,
    p99: ours.p99 - floor.p99,
  });
  return {
    handler: ours,
    bare,
    bareHttp,
    naive: summary(samples.naive),
    // The warm CPU overhead of the handler over each floor, in ms: the same body, URL and UserSig
    // sent by fetch (`bare`) and by node:http over one kept connection (`bareHttp`).
    overheadMs: { vsBare: over(bare), vsBareHttp: over(bareHttp) },
  };
};

const throughput = async (name: FunctionName, handler: Handler, offset: number) => {
  let next = 0;
  const worker = async () => {
    while (next < settings.throughputInvocations) {
      const i = next;
      next += 1;
      expectSent(await handler(requestFor(name, offset + i), lambdaContext()));
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    invocations: settings.throughputInvocations,
    concurrency: settings.concurrency,
    perSecond: settings.throughputInvocations / seconds,
  };
};

/** A new container: how many secret reads and distinct UserSigs its first 1,000 invocations cost. */
const workPerThousand = async (name: FunctionName) => {
  await control('/emulator/reset', 'POST');
  // Read before the import: a new container fetches the secret at init.
  const before = await secretsCalls();
  const handler = await newContainer(name);
  for (let i = 0; i < 1_000; i += 1)
    expectSent(await handler(requestFor(name, 901_000 + i), lambdaContext()));
  const requests = (await control('/emulator/requests', 'GET')) as { userSigDigest: string }[];
  return {
    invocations: 1_000,
    getSecretValueCalls: (await secretsCalls()) - before,
    userSigsUsed: new Set(requests.map((request) => request.userSigDigest)).size,
  };
};

const results: Record<string, unknown> = { warm: {}, throughput: {}, workPerThousand: {} };
const handlers = Object.fromEntries(
  await Promise.all(FUNCTION_NAMES.map(async (name) => [name, await newContainer(name)] as const)),
) as Record<FunctionName, Handler>;

for (const delayMs of settings.delaysMs) {
  await control('/emulator/settings', 'PUT', { replyDelayMs: delayMs });
  const byFunction: Record<string, unknown> = {};
  for (const [index, name] of FUNCTION_NAMES.entries()) {
    byFunction[name] = await warmLatency(
      name,
      handlers[name],
      (delayMs + 1) * 10_000_000 + index * 1_000_000,
    );
  }
  (results.warm as Record<string, unknown>)[`${delayMs}ms`] = byFunction;
}
await control('/emulator/settings', 'PUT', { replyDelayMs: 0 });
for (const [index, name] of FUNCTION_NAMES.entries()) {
  (results.throughput as Record<string, unknown>)[name] = await throughput(
    name,
    handlers[name],
    500_000_000 + index * 1_000_000,
  );
  (results.workPerThousand as Record<string, unknown>)[name] = await workPerThousand(name);
}
await writeFile(outputFile, JSON.stringify(results));
process.exit(0);

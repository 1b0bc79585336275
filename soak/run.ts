import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { environmentFor, lambdaContext } from '../bench/workload.ts';
import { newContainer } from '../emulators/lambda-container.ts';
import { startEventSourceMapping } from '../emulators/sqs/event-source-mapping.ts';
import { SETTINGS, type SoakResult, tableOf } from './settings.ts';

/**
 * The long-outage soak (`npm run soak`): SETTINGS.messages group messages across SETTINGS.groups
 * groups, queued at once and drained by the event source mapping over the deployed maximum
 * concurrency of send-group-msg containers at the deployed pace, against the emulator enforcing
 * Tencent's limits (soak/servers.ts, a process of its own). Tencent is down for
 * SETTINGS.outageSeconds once half is delivered, and a container is killed mid-batch twice.
 * Prints the table and writes soak/results.json and soak/results.md.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

const startServers = async () => {
  const child = spawn(
    process.execPath,
    [join(root, 'soak/servers.ts'), String(SETTINGS.groups), String(SETTINGS.limitPerSecond)],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  const urls = await new Promise<{ tencentUrl: string; secretsUrl: string; sqsUrl: string }>(
    (resolve, reject) => {
      child.stdout?.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString())));
      child.once('exit', (code) => reject(new Error(`soak servers exited with ${code}`)));
    },
  );
  let next = 0;
  const pending = new Map<number, (answer: unknown) => void>();
  child.on('message', ({ id, answer }: { id: number; answer: unknown }) =>
    pending.get(id)?.(answer),
  );
  const ask = <T>(question: object): Promise<T> =>
    new Promise((resolve) => {
      next += 1;
      pending.set(next, resolve as (answer: unknown) => void);
      child.send({ ...question, id: next });
    });
  return { urls, ask, stop: () => child.disconnect() };
};

const servers = await startServers();
const client = new SQSClient({ endpoint: servers.urls.sqsUrl, region: 'us-east-1' });
Object.assign(process.env, environmentFor(servers.urls), {
  AWS_ENDPOINT_URL_SQS: servers.urls.sqsUrl,
  POWERTOOLS_LOG_LEVEL: 'CRITICAL',
  POWERTOOLS_METRICS_DISABLED: 'true',
  // As serverless.yml deploys send-group-msg.
  TENCENT_CHAT_QUEUE_SENDS_PER_SECOND: String(SETTINGS.sendsPerSecond),
  TENCENT_CHAT_QUEUE_MAX_RECEIVES: String(SETTINGS.maxReceiveCount),
});

const queueArn = async (QueueUrl: string) =>
  (await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] })))
    .Attributes?.QueueArn as string;
const depth = async (QueueUrl: string) => {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
  );
  return ['', 'NotVisible', 'Delayed']
    .map((state) => Number(Attributes[`ApproximateNumberOfMessages${state}`]))
    .reduce((a, b) => a + b, 0);
};

// The queue and its dead-letter queue, as serverless.yml deploys them.
const { QueueUrl: dlqUrl = '' } = await client.send(
  new CreateQueueCommand({ QueueName: 'soak-send-group-msg-dlq' }),
);
const { QueueUrl: queueUrl = '' } = await client.send(
  new CreateQueueCommand({
    QueueName: 'soak-send-group-msg',
    Attributes: {
      VisibilityTimeout: String(SETTINGS.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: await queueArn(dlqUrl),
        maxReceiveCount: SETTINGS.maxReceiveCount,
      }),
    },
  }),
);

const bodies = Array.from({ length: SETTINGS.messages }, (_, i) =>
  JSON.stringify({
    GroupId: `soak-group-${i % SETTINGS.groups}`,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `soak-${i}` } }],
  }),
);
let nextBody = 0;
const enqueueWorker = async () => {
  while (nextBody < bodies.length) {
    const start = nextBody;
    nextBody += 10;
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies
          .slice(start, start + 10)
          .map((MessageBody, i) => ({ Id: String(i), MessageBody })),
      }),
    );
  }
};
await Promise.all(Array.from({ length: 16 }, enqueueWorker));
log(`queued ${bodies.length} messages`);

// The containers; a kill makes one answer nothing after half its batch, and replaces it.
const idle = await Promise.all(
  Array.from({ length: SETTINGS.concurrency }, () => newContainer('send-group-msg')),
);
let killsDue = 0;
let kills = 0;
let inFlight = 0;
const invoke = async (event: SQSEvent) => {
  const container = idle.pop();
  if (!container) throw new Error('more invocations than containers');
  let replacement: typeof container | undefined;
  inFlight += 1;
  try {
    if (killsDue > 0 && event.Records.length > 1) {
      killsDue -= 1;
      kills += 1;
      const half = event.Records.slice(0, Math.ceil(event.Records.length / 2));
      await container({ Records: half }, lambdaContext());
      replacement = await newContainer('send-group-msg');
      throw new Error('the container was killed mid-batch');
    }
    return await container(event, lambdaContext());
  } finally {
    idle.push(replacement ?? container);
    inFlight -= 1;
  }
};

const started = Date.now();
const mapping = startEventSourceMapping({
  client,
  queueUrl,
  queueArn: await queueArn(queueUrl),
  invoke,
  batchSize: SETTINGS.batchSize,
  maximumBatchingWindowMs: SETTINGS.batchingWindowSeconds * 1000,
  maximumConcurrency: SETTINGS.concurrency,
  onError: () => {},
});

const seconds = () => (Date.now() - started) / 1000;
let outageStartedAt: number | undefined;
let outageEndedAt: number | undefined;
const killAt = [...SETTINGS.killAtShares];
for (;;) {
  await sleep(250);
  const { delivered } = await servers.ask<{ delivered: number }>({ ask: 'progress' });
  const share = delivered / SETTINGS.messages;
  while (killAt.length > 0 && share >= (killAt[0] as number)) {
    killAt.shift();
    killsDue += 1;
    log(`${seconds().toFixed(1)} s: killing a container mid-batch`);
  }
  if (outageStartedAt === undefined && share >= SETTINGS.outageAtShare) {
    outageStartedAt = seconds();
    await servers.ask({ ask: 'outage', on: true });
    log(`${outageStartedAt.toFixed(1)} s: Tencent down (${delivered} delivered)`);
  }
  if (
    outageStartedAt !== undefined &&
    outageEndedAt === undefined &&
    seconds() >= outageStartedAt + SETTINGS.outageSeconds
  ) {
    outageEndedAt = seconds();
    await servers.ask({ ask: 'outage', on: false });
    log(`${outageEndedAt.toFixed(1)} s: Tencent back (${delivered} delivered)`);
  }
  if (outageEndedAt !== undefined && inFlight === 0 && (await depth(queueUrl)) === 0) break;
  if (seconds() > SETTINGS.giveUpSeconds) {
    log('giving up: the queue did not drain');
    break;
  }
}
const totalSeconds = seconds();
await mapping.stop();

const count = await servers.ask<{
  total: number;
  unique: number;
  refusedInOutage: number;
  duplicatesDiscarded: number;
}>({ ask: 'count', prefix: 'soak-' });
const deadLettered = await depth(dlqUrl);
const stillQueued = await depth(queueUrl);
const idealSeconds = SETTINGS.messages / SETTINGS.limitPerSecond + SETTINGS.outageSeconds;
const result: SoakResult = {
  settings: SETTINGS,
  delivered: count.unique,
  duplicated: count.total - count.unique,
  lost: SETTINGS.messages - count.unique - deadLettered - stillQueued,
  deadLettered,
  leftToCaller: SETTINGS.messages - count.unique,
  refusedInOutage: count.refusedInOutage,
  duplicatesDiscardedByTencent: count.duplicatesDiscarded,
  kills,
  outageSeconds:
    outageEndedAt !== undefined && outageStartedAt !== undefined
      ? Math.round((outageEndedAt - outageStartedAt) * 10) / 10
      : 0,
  totalSeconds: Math.round(totalSeconds * 10) / 10,
  idealSeconds,
  ratio: Math.round((totalSeconds / idealSeconds) * 1000) / 1000,
};
const table = tableOf(result);
console.log(table);
await mkdir(join(root, 'soak'), { recursive: true });
await writeFile(join(root, 'soak/results.json'), `${JSON.stringify(result, null, 2)}\n`);
await writeFile(join(root, 'soak/results.md'), `${table}\n`);
client.destroy();
servers.stop();
const passed =
  result.lost === 0 && result.duplicated === 0 && result.deadLettered === 0 && result.ratio <= 1.15;
process.exit(passed ? 0 : 1);

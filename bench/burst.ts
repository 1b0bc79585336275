import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { newContainer } from '../emulators/lambda-container.ts';
import { LOCAL_FANOUT_TABLE } from '../emulators/local-environment.ts';
import { startEventSourceMapping } from '../emulators/sqs/event-source-mapping.ts';
import { type ReportFigures, reportCost } from './fanout-report-cost.ts';
import { round } from './report.ts';
import { environmentFor, lambdaContext } from './workload.ts';

/**
 * The burst benchmark (`npm run bench`, its own section), against the emulator enforcing
 * Tencent's limits (bench/burst-servers.ts, a process of its own): a burst of group messages
 * through the queue (SQS stand-in, the event-source-mapping poller, the built bundle in
 * `concurrency` containers at the deployed pace), the same burst sent directly by 32 concurrent
 * callers, a fan-out, and a broadcast burst with merging off and on.
 * Usage: node bench/burst.ts <settings JSON> <output file>
 */

interface BurstSettings {
  messages: number;
  groups: number;
  /** The emulator's limits (Tencent: 200 per command, 40 per group, 1 broadcast a second). */
  limitPerSecond: number;
  groupLimitPerSecond: number;
  broadcastPerSecond: number;
  /** Containers the event source mapping runs at once (the deployed maximum concurrency). */
  concurrency: number;
  broadcastConcurrency: number;
  batchSize: number;
  directCallers: number;
  fanOutGroups: number;
  broadcasts: number;
  /** The share of the limit the queue consumers aim at (the deployed pace: 190 of 200). */
  paceShare: number;
}

const DEFAULT_SETTINGS: BurstSettings = {
  messages: 10_000,
  groups: 200,
  limitPerSecond: 200,
  groupLimitPerSecond: 40,
  broadcastPerSecond: 1,
  concurrency: 5,
  broadcastConcurrency: 2,
  batchSize: 50,
  directCallers: 32,
  fanOutGroups: 10_000,
  broadcasts: 20,
  paceShare: 0.95,
};

const root = fileURLToPath(new URL('..', import.meta.url));
const text = (Text: string) => ({ MsgType: 'TIMTextElem', MsgContent: { Text } });
type Counts = { total: number; unique: number; sends: number; rateLimitAnswers: number };

const startServers = async (settings: BurstSettings) => {
  const child = spawn(
    process.execPath,
    [join(root, 'bench/burst-servers.ts'), JSON.stringify(settings)],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  const urls = await new Promise<{
    tencentUrl: string;
    secretsUrl: string;
    sqsUrl: string;
    dynamodbUrl: string;
    eventBridgeUrl: string;
  }>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString())));
    child.once('exit', (code) => reject(new Error(`burst servers exited with ${code}`)));
  });
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

const runBurst = async (settings: BurstSettings) => {
  // Named as bench/burst-servers.ts registers them with the emulator.
  const groupIds = Array.from({ length: settings.groups }, (_, i) => `burst-group-${i}`);
  const fanOutIds = Array.from({ length: settings.fanOutGroups }, (_, i) => `fan-group-${i}`);
  const servers = await startServers(settings);
  const client = new SQSClient({ endpoint: servers.urls.sqsUrl, region: 'us-east-1' });
  Object.assign(process.env, environmentFor(servers.urls), {
    AWS_ENDPOINT_URL_SQS: servers.urls.sqsUrl,
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const pace = (limit: number, containers: number) => {
    process.env.TENCENT_CHAT_QUEUE_SENDS_PER_SECOND = String(
      (limit * settings.paceShare) / containers,
    );
    process.env.TENCENT_CHAT_QUEUE_GROUP_SENDS_PER_SECOND = String(
      (settings.groupLimitPerSecond * settings.paceShare) / containers,
    );
  };
  const count = (prefix: string) => servers.ask<Counts>({ ask: 'count', prefix });
  const reset = async () => {
    await servers.ask({ ask: 'reset' });
    await sleep(1_100); // a fresh rate window
  };

  let queues = 0;
  const createQueue = async () => {
    queues += 1;
    const name = `burst-${queues}`;
    const { QueueUrl: dlqUrl = '' } = await client.send(
      new CreateQueueCommand({ QueueName: `${name}-dlq` }),
    );
    const dlq = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }),
    );
    const { QueueUrl: url = '' } = await client.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: '60',
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlq.Attributes?.QueueArn,
            maxReceiveCount: 10,
          }),
        },
      }),
    );
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    return { url, arn: Attributes.QueueArn ?? '', dlqUrl };
  };
  const depth = async (url: string): Promise<number> => {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    return [
      Attributes.ApproximateNumberOfMessages,
      Attributes.ApproximateNumberOfMessagesNotVisible,
      Attributes.ApproximateNumberOfMessagesDelayed,
    ]
      .map(Number)
      .reduce((a, b) => a + b, 0);
  };
  /** The event source mapping over `concurrency` containers of one function. */
  const consume = async (
    queue: { url: string; arn: string },
    fn: string,
    batchSize: number,
    containers: number,
  ) => {
    const idle = await Promise.all(Array.from({ length: containers }, () => newContainer(fn)));
    return startEventSourceMapping({
      client,
      queueUrl: queue.url,
      queueArn: queue.arn,
      batchSize,
      maximumBatchingWindowMs: 1_000,
      maximumConcurrency: containers,
      invoke: async (event: SQSEvent) => {
        const container = idle.pop();
        if (!container) throw new Error('more invocations than containers');
        try {
          return await container(event, lambdaContext());
        } finally {
          idle.push(container);
        }
      },
    });
  };
  const enqueue = async (url: string, bodies: string[]) => {
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const start = next;
        next += 10;
        await client.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: bodies
              .slice(start, start + 10)
              .map((MessageBody, i) => ({ Id: String(i), MessageBody })),
          }),
        );
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
  };
  /** Until `expected` distinct texts arrived and the queue is empty, or 30 s without progress. */
  const settle = async (url: string, prefix: string, expected: number) => {
    let last = -1;
    let progressAt = Date.now();
    for (;;) {
      const { unique } = await count(prefix);
      if (unique >= expected && (await depth(url)) === 0) return;
      if (unique !== last) [last, progressAt] = [unique, Date.now()];
      else if (Date.now() - progressAt > 30_000) return;
      await sleep(50);
    }
  };
  const figures = async (
    prefix: string,
    messages: number,
    startedAt: number,
    limit: number,
    left: number,
  ) => {
    const seconds = (Date.now() - startedAt) / 1000;
    const { total, unique, sends, rateLimitAnswers } = await count(prefix);
    return {
      messages,
      sends,
      sent: unique,
      duplicates: total - unique,
      lost: messages - unique - left,
      rateLimitAnswers,
      rateLimitFailuresLeft: left,
      seconds: round(seconds),
      floorSeconds: round(messages / limit),
      timesFloor: round(seconds / (messages / limit)),
    };
  };

  try {
    // 1. The burst through the queue.
    pace(settings.limitPerSecond, settings.concurrency);
    const queue = await createQueue();
    const mapping = await consume(
      queue,
      'send-group-msg',
      settings.batchSize,
      settings.concurrency,
    );
    const body = (i: number, prefix: string) =>
      JSON.stringify({ GroupId: groupIds[i % groupIds.length], MsgBody: [text(`${prefix}-${i}`)] });
    await reset();
    let startedAt = Date.now();
    await enqueue(
      queue.url,
      Array.from({ length: settings.messages }, (_, i) => body(i, 'queued')),
    );
    await settle(queue.url, 'queued-', settings.messages);
    const queued = await figures(
      'queued-',
      settings.messages,
      startedAt,
      settings.limitPerSecond,
      await depth(queue.dlqUrl),
    );

    // 2. The same burst, sent directly by concurrent callers, each waiting for its answer.
    await reset();
    const direct = await newContainer('send-group-msg');
    let next = 0;
    let failuresLeft = 0;
    startedAt = Date.now();
    await Promise.all(
      Array.from({ length: settings.directCallers }, async () => {
        while (next < settings.messages) {
          const i = next++;
          await direct(JSON.parse(body(i, 'direct')), lambdaContext()).catch((error: Error) => {
            if (error.name === 'RATE_LIMITED') failuresLeft += 1;
          });
        }
      }),
    );
    const directFigures = await figures(
      'direct-',
      settings.messages,
      startedAt,
      settings.limitPerSecond,
      failuresLeft,
    );

    // 3. A fan-out: the 202, then every group receiving the message once through the queue.
    await reset();
    process.env.TENCENT_CHAT_GROUP_QUEUE_URL = queue.url;
    // With its report (docs/fan-out-reports.md): the writes it costs, and when its event comes.
    Object.assign(process.env, {
      TENCENT_CHAT_FANOUT_TABLE: LOCAL_FANOUT_TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: servers.urls.dynamodbUrl,
      AWS_ENDPOINT_URL_EVENTBRIDGE: servers.urls.eventBridgeUrl,
    });
    const before = await servers.ask<ReportFigures>({ ask: 'report' });
    const fanOut = await newContainer('fan-out-group-msg');
    startedAt = Date.now();
    // The deployed fan-out's timeout: 20 s.
    const fanOutDeadline = Date.now() + 20_000;
    const answer = (await fanOut(
      {
        request: { GroupIds: fanOutIds, Message: { MsgBody: [text('fan-out')] } },
        idempotencyKey: 'bench',
      },
      { ...lambdaContext(), getRemainingTimeInMillis: () => fanOutDeadline - Date.now() },
    )) as { queued: number };
    const acceptedMs = Date.now() - startedAt;
    for (let progressAt = Date.now(), last = -1; ; await sleep(50)) {
      const { distinct } = await servers.ask<{ distinct: number }>({ ask: 'targets' });
      const { finishedEvents } = await servers.ask<ReportFigures>({ ask: 'report' });
      if (distinct >= fanOutIds.length && (await depth(queue.url)) === 0 && finishedEvents > 0) {
        break;
      }
      if (distinct !== last) [last, progressAt] = [distinct, Date.now()];
      else if (Date.now() - progressAt > 30_000) break;
    }
    const targets = await servers.ask<{
      total: number;
      distinct: number;
      rateLimitAnswers: number;
    }>({ ask: 'targets' });
    const seconds = (Date.now() - startedAt) / 1000;
    const fanOutFigures = {
      groups: fanOutIds.length,
      acceptedMs,
      queued: answer.queued,
      received: targets.distinct,
      duplicates: targets.total - targets.distinct,
      lost: fanOutIds.length - targets.distinct,
      rateLimitAnswers: targets.rateLimitAnswers,
      seconds: round(seconds),
      floorSeconds: round(fanOutIds.length / settings.limitPerSecond),
      timesFloor: round(seconds / (fanOutIds.length / settings.limitPerSecond)),
      report: reportCost(
        before,
        await servers.ask<ReportFigures>({ ask: 'report' }),
        fanOutIds.length,
      ),
    };
    await mapping.stop();

    // 4. Broadcasts through their queue, merging off and on.
    const broadcastRun = async (merge: boolean) => {
      pace(settings.broadcastPerSecond, settings.broadcastConcurrency);
      process.env.TENCENT_CHAT_QUEUE_MERGE_BROADCASTS = String(merge);
      const broadcastQueue = await createQueue();
      const prefix = `broadcast-${merge ? 'merged' : 'single'}`;
      await reset();
      const consumer = await consume(
        broadcastQueue,
        'send-broadcast-msg',
        merge ? 10 : 1,
        settings.broadcastConcurrency,
      );
      const began = Date.now();
      await enqueue(
        broadcastQueue.url,
        Array.from({ length: settings.broadcasts }, (_, i) =>
          JSON.stringify({ MsgBody: [text(`${prefix}-${i}`)] }),
        ),
      );
      await settle(broadcastQueue.url, `${prefix}-`, settings.broadcasts);
      const result = await figures(
        `${prefix}-`,
        settings.broadcasts,
        began,
        settings.broadcastPerSecond,
        await depth(broadcastQueue.dlqUrl),
      );
      await consumer.stop();
      return result;
    };
    const broadcasts = {
      mergingOff: await broadcastRun(false),
      mergingOn: await broadcastRun(true),
    };
    return { settings, queued, direct: directFigures, fanOut: fanOutFigures, broadcasts };
  } finally {
    client.destroy();
    servers.stop();
  }
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const settings = { ...DEFAULT_SETTINGS, ...JSON.parse(process.argv[2] ?? '{}') };
  const results = await runBurst(settings);
  await writeFile(process.argv[3] ?? 'burst.json', `${JSON.stringify(results, null, 2)}\n`);
  process.exit(0);
}

export { runBurst };

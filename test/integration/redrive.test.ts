import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EventSourceMapping,
  startEventSourceMapping,
} from '../../emulators/sqs/event-source-mapping.ts';
import { type RunningSqs, startSqs } from '../../emulators/sqs/server.ts';
import type { Queue } from '../../emulators/sqs/state.ts';
import { type CapturedOutput, captureOutput } from '../support/output.ts';
import { lambdaContext, loadBundle, type Stack, startStack } from '../support/stack.ts';
import { sleep, waitUntil } from '../support/wait.ts';

/**
 * Nothing that reached a dead-letter queue is lost for good: Tencent down long enough sends the
 * queued messages to the DLQ; once it is back, `npm run redrive -- <queue>` (scripts/redrive.ts,
 * SQS's StartMessageMoveTask) moves them back and the built send-group-msg bundle, fed by the
 * event source mapping, delivers each exactly once.
 */

const run = promisify(execFile);
const MESSAGES = 12;
const texts = Array.from({ length: MESSAGES }, (_, i) => `redriven-${i}`);

let stack: Stack;
let sqs: RunningSqs;
let client: SQSClient;
let mapping: EventSourceMapping;
let output: CapturedOutput;
let queue: Queue;
let deadLetters: Queue;
/** The stand-in's clock runs ahead by this much, so that back-offs pass at once. */
let offset = 0;
let inFlight = 0;

const depth = async (url: string): Promise<number> => {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed)
  );
};
const visible = () =>
  [...queue.messages.values()].filter((message) => message.visibleAt <= Date.now() + offset).length;
const delivered = () =>
  stack.tencent.emulator.messages.map(
    (message) => (message.msgBody[0] as { MsgContent: { Text: string } }).MsgContent.Text,
  );

describe('Dead-letter queue redrive with the built bundle', () => {
  beforeAll(async () => {
    output = captureOutput();
    stack = await startStack();
    sqs = await startSqs({ now: () => Date.now() + offset });
    client = new SQSClient({ endpoint: sqs.url, region: 'us-east-1' });
    deadLetters = sqs.createQueue('redrive-send-group-msg-dlq');
    queue = sqs.createQueue('redrive-send-group-msg', {
      VisibilityTimeout: '60',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 2 }),
    });
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SQS: sqs.url,
      TENCENT_CHAT_QUEUE_SENDS_PER_SECOND: '100',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    const send = await loadBundle('send_group_msg');
    mapping = startEventSourceMapping({
      client,
      queueUrl: queue.url,
      queueArn: queue.arn,
      invoke: async (event: SQSEvent) => {
        inFlight += 1;
        try {
          return await send(event, lambdaContext());
        } finally {
          inFlight -= 1;
        }
      },
      batchSize: 10,
      maximumConcurrency: 2,
      waitTimeSeconds: 0,
    });
  });
  afterAll(async () => {
    await mapping.stop();
    output.restore();
    client.destroy();
    delete process.env.AWS_ENDPOINT_URL_SQS;
    await Promise.all([stack.close(), sqs.close()]);
  });

  it('moves what Tencent’s outage dead-lettered back, and delivers each message exactly once', async () => {
    // Prepare: Tencent answers 10002 (internal error) to every send until it is fixed.
    stack.tencent.emulator.addFault({ errorCode: 10002, count: 100_000 });
    for (const chunk of [texts.slice(0, 10), texts.slice(10)]) {
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: chunk.map((text, i) => ({
            Id: String(i),
            MessageBody: JSON.stringify({
              GroupId: '@TGS#2C5SZEAEF',
              MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }],
            }),
          })),
        }),
      );
    }
    // The failed records back off (visibility); move the stand-in's clock past each back-off.
    const allDeadLettered = await waitUntil(
      async () => {
        if (deadLetters.messages.size === MESSAGES) return true;
        if (visible() === 0 && inFlight === 0) offset += 5_000;
        await sleep(20);
        return false;
      },
      30_000,
      0,
    );
    expect(allDeadLettered).toBe(true);
    expect(delivered()).toStrictEqual([]);
    expect(await depth(queue.url)).toBe(0);

    // Act: the cause is fixed, then the operator redrives the send queue's dead letters.
    stack.tencent.emulator.clearFaults();
    const { stdout } = await run(process.execPath, ['scripts/redrive.ts', queue.name], {
      env: { ...process.env, AWS_ENDPOINT_URL_SQS: sqs.url, AWS_REGION: 'us-east-1' },
    });
    await waitUntil(async () => delivered().length >= MESSAGES && (await depth(queue.url)) === 0);
    // A little longer: a late second delivery would show here.
    await sleep(300);

    // Assess
    expect(stdout).toContain(`Moving messages from ${deadLetters.arn} to ${queue.arn}`);
    expect(stdout).toMatch(/COMPLETED: 12 of 12 moved/);
    expect(delivered().sort()).toStrictEqual([...texts].sort());
    expect(deadLetters.messages.size).toBe(0);
    expect(await depth(queue.url)).toBe(0);
  }, 60_000);

  it('exits with a usage message naming what is missing, and 1 when the queue does not exist', async () => {
    const usage = run(process.execPath, ['scripts/redrive.ts'], { env: process.env });
    await expect(usage).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Usage: npm run redrive -- <queue name or URL>'),
    });
    const badRate = run(process.execPath, ['scripts/redrive.ts', queue.name, '--rate', '900'], {
      env: process.env,
    });
    await expect(badRate).rejects.toMatchObject({ code: 2 });
    const missing = run(process.execPath, ['scripts/redrive.ts', 'no-such-queue'], {
      env: { ...process.env, AWS_ENDPOINT_URL_SQS: sqs.url, AWS_REGION: 'us-east-1' },
    });
    await expect(missing).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('QueueDoesNotExist'),
    });
  });
});

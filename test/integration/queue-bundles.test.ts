import { pathToFileURL } from 'node:url';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EventSourceMapping,
  startEventSourceMapping,
} from '../../emulators/sqs/event-source-mapping.ts';
import { type RunningSqs, startSqs } from '../../emulators/sqs/server.ts';
import { httpApiEvent } from '../support/events.ts';
import { type CapturedOutput, captureOutput, jsonLines } from '../support/output.ts';
import {
  type Handler,
  lambdaContext,
  loadBundle,
  type Stack,
  startStack,
} from '../support/stack.ts';
import { sleep, waitUntil } from '../support/wait.ts';

/**
 * Queue mode as deployed: the built fan-out bundle queues on the SQS stand-in, the event source
 * mapping poller feeds the built send-group-msg bundle, the emulator receives. The real AWS SDK
 * inside the bundles, loopback only.
 */

const GROUPS = Array.from({ length: 30 }, (_, i) => `queue-group-${i}`);
const Message = { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'fanned out' } }] };

let stack: Stack;
let sqs: RunningSqs;
let client: SQSClient;
let mapping: EventSourceMapping;
let fanOut: Handler;
let output: CapturedOutput;
let deadLetterUrl: string;

describe('Queue mode with the built bundles', () => {
  beforeAll(async () => {
    output = captureOutput();
    stack = await startStack({
      groups: Object.fromEntries(GROUPS.map((id) => [id, 'Public' as const])),
    });
    sqs = await startSqs();
    client = new SQSClient({ endpoint: sqs.url, region: 'us-east-1' });
    const deadLetters = sqs.createQueue('bundle-send-group-msg-dlq');
    deadLetterUrl = deadLetters.url;
    const queue = sqs.createQueue('bundle-send-group-msg', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetters.arn, maxReceiveCount: 2 }),
    });
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SQS: sqs.url,
      TENCENT_CHAT_GROUP_QUEUE_URL: queue.url,
    });
    const send = await loadBundle('send_group_msg');
    const file = new URL('../../dist/fan-out-group-msg/index.mjs', import.meta.url);
    fanOut = ((await import(pathToFileURL(file.pathname).href)) as { handler: Handler }).handler;
    mapping = startEventSourceMapping({
      client,
      queueUrl: queue.url,
      queueArn: queue.arn,
      invoke: (event: SQSEvent) => send(event, lambdaContext()),
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
    delete process.env.TENCENT_CHAT_GROUP_QUEUE_URL;
    await Promise.all([stack.close(), sqs.close()]);
  });

  it('delivers a fan-out once to every group, logged under its fanoutId', async () => {
    // Act
    const answer = await fanOut(
      { request: { GroupIds: GROUPS, Message }, idempotencyKey: 'bundle-fan-out' },
      lambdaContext(),
    );
    // The emulator records a message before it answers; the function logs it after the answer
    // arrives. Wait for both, or the last log line can still be on its way.
    const sentUnderFanOut = () =>
      jsonLines(output.lines()).filter(
        (line) => line.message === 'Message sent' && line.fanoutId === 'bundle-fan-out',
      );
    await waitUntil(
      () =>
        stack.tencent.emulator.messages.length >= GROUPS.length &&
        sentUnderFanOut().length >= GROUPS.length,
    );

    // Assess
    expect(answer).toStrictEqual({
      ok: true,
      command: 'send_group_msg',
      fanoutId: 'bundle-fan-out',
      queued: GROUPS.length,
    });
    const targets = stack.tencent.emulator.messages.flatMap((message) => message.targets);
    expect(targets.sort()).toStrictEqual([...GROUPS].sort());
    expect(sentUnderFanOut()).toHaveLength(GROUPS.length);
  }, 20_000);

  it('answers 202 over HTTP and delivers nothing twice when repeated under the same key', async () => {
    // Prepare
    stack.tencent.emulator.reset();
    const request = httpApiEvent(
      { GroupIds: GROUPS.slice(0, 5), Message },
      { 'idempotency-key': 'bundle-repeat' },
    );

    // Act
    const first = (await fanOut(request, lambdaContext())) as { statusCode: number };
    const again = (await fanOut(request, lambdaContext())) as { statusCode: number };
    await waitUntil(() => stack.tencent.emulator.stats.duplicatesDiscarded >= 5);
    // A little longer: a late extra delivery would show here.
    await sleep(500);

    // Assess: ten queued messages, five keys, five deliveries
    expect([first.statusCode, again.statusCode]).toStrictEqual([202, 202]);
    expect(stack.tencent.emulator.messages).toHaveLength(5);
    expect(stack.tencent.emulator.stats.duplicatesDiscarded).toBe(5);
  }, 20_000);

  it('moves a poison record to the dead-letter queue after the receive limit', async () => {
    // Act
    await client.send(
      new SendMessageCommand({
        QueueUrl: process.env.TENCENT_CHAT_GROUP_QUEUE_URL,
        MessageBody: '{"GroupId":"queue-group-0","MsgBody":[]}',
      }),
    );
    const inDeadLetters = () =>
      [...sqs.sqs.queues.values()].find((q) => q.url === deadLetterUrl)?.messages.size ?? 0;
    await waitUntil(() => inDeadLetters() > 0);

    // Assess
    expect(inDeadLetters()).toBe(1);
  }, 20_000);
});

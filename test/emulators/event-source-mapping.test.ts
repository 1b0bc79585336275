import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type EventSourceMapping,
  type EventSourceMappingOptions,
  startEventSourceMapping,
} from '../../emulators/sqs/event-source-mapping.ts';
import { type RunningSqs, startSqs } from '../../emulators/sqs/server.ts';
import { sleep, waitFor } from '../support/wait.ts';

/**
 * The local event source mapping against the SQS stand-in, both through the real SQS client. The
 * stand-in's clock runs ahead on demand, so visibility timeouts end without waiting for them.
 */

let standIn: RunningSqs;
let client: SQSClient;
let offsetMs = 0;
let queueCount = 0;
const running: EventSourceMapping[] = [];

const newQueue = async (attributes: Record<string, string> = {}) => {
  queueCount += 1;
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({ QueueName: `esm${queueCount}`, Attributes: attributes }),
  );
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return { queueUrl: QueueUrl as string, queueArn: Attributes?.QueueArn as string };
};
const sendBodies = async (queueUrl: string, bodies: string[]) => {
  for (let start = 0; start < bodies.length; start += 10) {
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(start, start + 10).map((body, index) => ({
          Id: `e${index}`,
          MessageBody: body,
        })),
      }),
    );
  }
};
const queueCounts = (queueUrl: string) => {
  const queue = [...standIn.sqs.queues.values()].find((q) => q.url === queueUrl);
  const now = Date.now() + offsetMs;
  const messages = [...(queue?.messages.values() ?? [])];
  return {
    total: messages.length,
    visible: messages.filter((m) => m.visibleAt <= now).length,
  };
};
/** Short polls unless a test asks for long ones, so that stop() returns at once. */
const start = (options: Omit<EventSourceMappingOptions, 'client'>) => {
  const mapping = startEventSourceMapping({ client, waitTimeSeconds: 0, ...options });
  running.push(mapping);
  return mapping;
};

describe('Function: startEventSourceMapping', () => {
  beforeAll(async () => {
    standIn = await startSqs({ now: () => Date.now() + offsetMs });
    client = new SQSClient({
      region: 'us-east-1',
      endpoint: standIn.url,
      credentials: { accessKeyId: 'AKIDMAPPING', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((mapping) => mapping.stop()));
    standIn.faults.clear();
  });
  afterAll(() => standIn.close());

  it('invokes with records in the shape of Lambda’s SQS event and deletes them after success', async () => {
    // Prepare
    const { queueUrl, queueArn } = await newQueue();
    const sentAt = Date.now() + offsetMs;
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: '{"hello":"world"}',
        MessageAttributes: {
          fanoutId: { DataType: 'String', StringValue: 'f-1' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from('bin') },
        },
      }),
    );
    const events: SQSEvent[] = [];

    // Act
    const mapping = start({
      queueUrl,
      queueArn,
      waitTimeSeconds: 1,
      invoke: async (event) => {
        events.push(event);
        return { batchItemFailures: [] };
      },
    });
    await waitFor(() => mapping.stats.deleted === 1);

    // Assess
    const record = events[0]?.Records[0] as SQSRecord;
    expect(events).toHaveLength(1);
    expect(record).toEqual({
      messageId: sent.MessageId,
      receiptHandle: expect.any(String),
      body: '{"hello":"world"}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.any(String),
        SenderId: 'AKIDMAPPING',
        ApproximateFirstReceiveTimestamp: expect.any(String),
      },
      messageAttributes: {
        fanoutId: {
          stringValue: 'f-1',
          stringListValues: [],
          binaryListValues: [],
          dataType: 'String',
        },
        blob: {
          binaryValue: Buffer.from('bin').toString('base64'),
          stringListValues: [],
          binaryListValues: [],
          dataType: 'Binary',
        },
      },
      md5OfBody: sent.MD5OfMessageBody,
      md5OfMessageAttributes: sent.MD5OfMessageAttributes,
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'us-east-1',
    });
    expect(Number(record.attributes.SentTimestamp)).toBeGreaterThanOrEqual(sentAt);
    expect(queueCounts(queueUrl).total).toBe(0);
    expect(mapping.stats).toEqual({
      invocations: 1,
      records: 1,
      deleted: 1,
      failedItems: 0,
      errors: 0,
    });
  });

  it('deletes only the records not listed in batchItemFailures; the others come back', async () => {
    // Prepare
    const { queueUrl, queueArn } = await newQueue({ VisibilityTimeout: '30' });
    await sendBodies(queueUrl, ['ok1', 'fail1', 'ok2', 'fail2', 'ok3']);
    const seen: string[] = [];
    let calls = 0;

    // Act
    const mapping = start({
      queueUrl,
      queueArn,
      maximumConcurrency: 1,
      maximumBatchingWindowMs: 300,
      invoke: async (event) => {
        calls += 1;
        seen.push(...event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
        const failing = calls === 1 ? event.Records.filter((r) => r.body.startsWith('fail')) : [];
        return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    await waitFor(() => mapping.stats.deleted === 3);
    const afterFirst = queueCounts(queueUrl);
    offsetMs += 30_000;
    await waitFor(() => mapping.stats.deleted === 5);

    // Assess
    expect(afterFirst).toEqual({ total: 2, visible: 0 });
    expect(seen.slice(0, 5).sort()).toEqual(['fail1#1', 'fail2#1', 'ok1#1', 'ok2#1', 'ok3#1']);
    expect(seen.slice(5).sort()).toEqual(['fail1#2', 'fail2#2']);
    expect(mapping.stats).toMatchObject({ invocations: 2, records: 7, failedItems: 2, errors: 0 });
  });

  it.each([
    ['a thrown error', () => Promise.reject(new Error('boom'))],
    ['a response that is not an object', () => Promise.resolve('done')],
    ['batchItemFailures that is not a list', () => Promise.resolve({ batchItemFailures: 'x' })],
    [
      'an empty itemIdentifier',
      () => Promise.resolve({ batchItemFailures: [{ itemIdentifier: '' }] }),
    ],
    [
      'an itemIdentifier not in the batch',
      () => Promise.resolve({ batchItemFailures: [{ itemIdentifier: 'other-message' }] }),
    ],
  ])('deletes nothing after %s', async (_, answer) => {
    // Prepare
    const { queueUrl, queueArn } = await newQueue();
    await sendBodies(queueUrl, ['a', 'b']);

    // Act
    const mapping = start({
      queueUrl,
      queueArn,
      maximumConcurrency: 1,
      maximumBatchingWindowMs: 200,
      invoke: answer as () => Promise<unknown>,
    });
    await waitFor(() => mapping.stats.invocations >= 1);
    await mapping.stop();

    // Assess
    expect(mapping.stats).toMatchObject({ deleted: 0, failedItems: 2, records: 2, errors: 1 });
    expect(queueCounts(queueUrl)).toEqual({ total: 2, visible: 0 });
  });

  it.each([
    ['no answer', undefined],
    ['an empty object', {}],
    ['null batchItemFailures', { batchItemFailures: null }],
    ['an empty batchItemFailures', { batchItemFailures: [] }],
  ])('deletes the whole batch after %s', async (_, response) => {
    // Prepare
    const { queueUrl, queueArn } = await newQueue();
    await sendBodies(queueUrl, ['a', 'b']);

    // Act
    const mapping = start({ queueUrl, queueArn, invoke: async () => response });
    await waitFor(() => mapping.stats.deleted === 2);

    // Assess
    expect(queueCounts(queueUrl).total).toBe(0);
    expect(mapping.stats.errors).toBe(0);
  });

  it('leaves a record that always fails to the redrive policy after maxReceiveCount receives', async () => {
    // Prepare
    const dlq = await newQueue();
    const { queueUrl, queueArn } = await newQueue({
      VisibilityTimeout: '5',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.queueArn, maxReceiveCount: 3 }),
    });
    await sendBodies(queueUrl, ['poison']);
    const receiveCounts: string[] = [];

    // Act
    const mapping = start({
      queueUrl,
      queueArn,
      invoke: async (event) => {
        receiveCounts.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
        return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    for (let round = 1; round <= 4; round += 1) {
      await waitFor(() => mapping.stats.invocations >= Math.min(round, 3));
      await sleep(50);
      offsetMs += 5000;
    }
    await waitFor(() => queueCounts(dlq.queueUrl).total === 1);

    // Assess
    expect(receiveCounts).toEqual(['1', '2', '3']);
    expect(queueCounts(queueUrl).total).toBe(0);
    expect(mapping.stats).toMatchObject({ invocations: 3, failedItems: 3, deleted: 0 });
  });

  it('never runs more invocations at once than maximumConcurrency', async () => {
    // Prepare
    const { queueUrl, queueArn } = await newQueue();
    await sendBodies(
      queueUrl,
      Array.from({ length: 30 }, (_, index) => `m${index}`),
    );
    let active = 0;
    let peak = 0;
    const bodies: string[] = [];

    // Act
    const mapping = start({
      queueUrl,
      queueArn,
      batchSize: 2,
      maximumConcurrency: 3,
      invoke: async (event) => {
        active += 1;
        peak = Math.max(peak, active);
        bodies.push(...event.Records.map((r) => r.body));
        await sleep(40);
        active -= 1;
      },
    });
    await waitFor(() => mapping.stats.deleted === 30);

    // Assess
    expect(peak).toBe(3);
    expect(new Set(bodies).size).toBe(30);
    expect(mapping.stats.invocations).toBeGreaterThanOrEqual(15);
  });

  it('gathers records that arrive within the batching window into one invocation', async () => {
    // Prepare
    const { queueUrl, queueArn } = await newQueue();
    const sizes: number[] = [];
    const mapping = start({
      queueUrl,
      queueArn,
      batchSize: 10,
      maximumBatchingWindowMs: 1500,
      waitTimeSeconds: 1,
      maximumConcurrency: 1,
      invoke: async (event) => {
        sizes.push(event.Records.length);
      },
    });

    // Act
    await sendBodies(queueUrl, ['first']);
    for (let index = 0; index < 4; index += 1) {
      await sleep(60);
      await sendBodies(queueUrl, [`later${index}`]);
    }
    await waitFor(() => mapping.stats.deleted === 5);

    // Assess
    expect(sizes).toEqual([5]);
  });

  it('invokes as soon as a batch is full, and gathers batches above 10 records', async () => {
    // Prepare
    const { queueUrl, queueArn } = await newQueue();
    await sendBodies(
      queueUrl,
      Array.from({ length: 25 }, (_, index) => `m${index}`),
    );
    const sizes: number[] = [];
    const started = Date.now();

    // Act
    const mapping = start({
      queueUrl,
      queueArn,
      batchSize: 25,
      maximumBatchingWindowMs: 10_000,
      maximumConcurrency: 1,
      invoke: async (event) => {
        sizes.push(event.Records.length);
      },
    });
    await waitFor(() => mapping.stats.deleted === 25);

    // Assess
    expect(sizes).toEqual([25]);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(() =>
      startEventSourceMapping({
        client,
        queueUrl,
        queueArn,
        batchSize: 11,
        invoke: async () => {},
      }),
    ).toThrow(/batching window/);
  });

  it('stops polling and waits for the invocation under way and its deletes', async () => {
    // Prepare
    const { queueUrl, queueArn } = await newQueue();
    await sendBodies(queueUrl, ['slow']);
    let invoked = false;
    const mapping = start({
      queueUrl,
      queueArn,
      invoke: async () => {
        invoked = true;
        await sleep(300);
      },
    });
    await waitFor(() => invoked);

    // Act
    await mapping.stop();
    await sendBodies(queueUrl, ['after stop']);
    await sleep(200);

    // Assess
    expect(mapping.stats).toMatchObject({ invocations: 1, deleted: 1 });
    expect(queueCounts(queueUrl)).toEqual({ total: 1, visible: 1 });
  });

  it('retries deletes SQS failed on its side, and keeps polling after a failed receive', async () => {
    // Prepare
    const { queueUrl, queueArn } = await newQueue();
    await sendBodies(queueUrl, ['a', 'b', 'c']);
    standIn.faults.add({ action: 'ReceiveMessage', error: 'InternalError', count: 1 });
    standIn.faults.add({ action: 'DeleteMessageBatch', failEntries: 2, count: 1 });
    const errors: unknown[] = [];

    // Act
    const mapping = start({
      queueUrl,
      queueArn,
      maximumConcurrency: 1,
      maximumBatchingWindowMs: 200,
      invoke: async () => ({ batchItemFailures: [] }),
      onError: (error) => errors.push(error),
    });
    await waitFor(() => mapping.stats.deleted === 3);

    // Assess
    expect(queueCounts(queueUrl).total).toBe(0);
    expect(mapping.stats).toMatchObject({ invocations: 1, deleted: 3, errors: 1 });
    expect(errors).toEqual([expect.objectContaining({ name: 'InternalError' })]);
  });
});

import {
  ChangeMessageVisibilityCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startDynamoDb } from '../../../emulators/dynamodb/server.ts';
import { type RunningSqs, startSqs } from '../../../emulators/sqs/server.ts';
import { sendBroadcastMsg } from '../../../lib/commands/send-broadcast-msg.ts';
import { sendGroupMsg } from '../../../lib/commands/send-group-msg.ts';
import { createHandler } from '../../../lib/pipeline.ts';
import { clearSqsClient } from '../../../lib/queue/give-back.ts';
import { clearPacer } from '../../../lib/queue/process-batch.ts';
import { type CapturedOutput, captureOutput, jsonLines } from '../../support/output.ts';
import { receiveEvent, sqsEvent, sqsRecord } from '../../support/sqs-events.ts';
import { lambdaContext, type Stack, startStack } from '../../support/stack.ts';

/**
 * Queue mode through the shared pipeline, against the Tencent emulator and the SQS stand-in over
 * loopback: what is sent, what is listed in batchItemFailures, what goes back to the queue.
 */

const handler = createHandler(sendGroupMsg);
const broadcastHandler = createHandler(sendBroadcastMsg);
const QUEUE = 'send-group-msg';
const message = (GroupId: string, Text = 'hello') => ({
  GroupId,
  MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text } }],
});

let stack: Stack;
let sqs: RunningSqs;
let client: SQSClient;
let queueUrl: string;
let queueArn: string;
let output: CapturedOutput;
let queueNumber = 0;

const handle = async (event: unknown, timeoutMs = 10_000) =>
  (await handler(event, lambdaContext(timeoutMs))) as SQSBatchResponse;

const queueDepth = async (): Promise<{ visible: number; hidden: number; delayed: number }> => {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    hidden: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
  };
};

/** Puts requests on the queue and receives them back as one event, receipt handles included. */
const queuedEvent = async (bodies: unknown[]) => {
  await client.send(
    new SendMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: bodies.map((body, index) => ({
        Id: String(index),
        MessageBody: typeof body === 'string' ? body : JSON.stringify(body),
      })),
    }),
  );
  return receiveEvent(client, queueUrl, queueArn);
};

describe('Function: processSqsBatch (through createHandler)', () => {
  beforeAll(async () => {
    stack = await startStack();
    sqs = await startSqs();
    process.env.AWS_ENDPOINT_URL_SQS = sqs.url;
    client = new SQSClient({ endpoint: sqs.url, region: 'us-east-1' });
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_SQS;
    client.destroy();
    await Promise.all([stack.close(), sqs.close()]);
  });
  beforeEach(async () => {
    output = captureOutput();
    stack.tencent.emulator.reset();
    clearPacer();
    clearSqsClient();
    delete process.env.TENCENT_CHAT_QUEUE_SENDS_PER_SECOND;
    // A fresh queue for each test.
    queueNumber += 1;
    ({ url: queueUrl, arn: queueArn } = sqs.createQueue(`${QUEUE}-${queueNumber}`));
  });
  afterEach(() => {
    output.restore();
    vi.restoreAllMocks();
  });

  it('sends every record and answers an empty batchItemFailures', async () => {
    // Prepare
    const event = sqsEvent(
      sqsRecord(message('@TGS#2C5SZEAEF')),
      sqsRecord(message('demo-meeting')),
    );

    // Act
    const answer = await handle(event);

    // Assess
    expect(answer).toStrictEqual({ batchItemFailures: [] });
    expect(stack.tencent.emulator.messagesFor('@TGS#2C5SZEAEF')).toHaveLength(1);
    expect(stack.tencent.emulator.messagesFor('demo-meeting')).toHaveLength(1);
  });

  it('reuses the Random of a re-delivered record, so the group receives it once', async () => {
    // Prepare
    const record = sqsRecord(message('@TGS#2C5SZEAEF'), { messageId: 'redelivered-1' });

    // Act
    await handle(sqsEvent(record));
    await handle(
      sqsEvent({ ...record, attributes: { ...record.attributes, ApproximateReceiveCount: '2' } }),
    );

    // Assess
    const received = stack.tencent.emulator.messagesFor('@TGS#2C5SZEAEF');
    expect(received).toHaveLength(1);
    expect(stack.tencent.emulator.stats.duplicatesDiscarded).toBe(1);
  });

  it('uses the envelope’s idempotency key for the Random', async () => {
    // Prepare
    const body = { request: message('@TGS#2C5SZEAEF'), idempotencyKey: 'fan-1:@TGS#2C5SZEAEF' };

    // Act
    await handle(
      sqsEvent(sqsRecord(body, { messageId: 'a' }), sqsRecord(body, { messageId: 'b' })),
    );

    // Assess: two records, one key: one message
    expect(stack.tencent.emulator.messagesFor('@TGS#2C5SZEAEF')).toHaveLength(1);
  });

  it('reports bad records without blocking the others, and shows them again at once', async () => {
    // Prepare
    const event = await queuedEvent([
      'not json',
      { GroupId: '@TGS#2C5SZEAEF', MsgBody: [], Priority: 'High' },
      message('demo-meeting'),
    ]);
    const [notJson, invalid] = event.Records;

    // Act
    const answer = await handle(event);

    // Assess
    expect(answer.batchItemFailures.map((item) => item.itemIdentifier).sort()).toStrictEqual(
      [notJson?.messageId, invalid?.messageId].sort(),
    );
    expect(stack.tencent.emulator.messagesFor('demo-meeting')).toHaveLength(1);
    expect(await queueDepth()).toMatchObject({ visible: 2 });
    const logged = jsonLines(output.lines()).filter(
      (line) => line.message === 'Message not sent' && line.errorCode === 'INVALID_REQUEST',
    );
    expect(logged).toHaveLength(2);
    expect(logged.every((line) => line.eventKind === 'sqs')).toBe(true);
  });

  it('keeps a failed send in the queue, hidden for a back-off that grows with its receive count', async () => {
    // Prepare
    stack.tencent.emulator.addFault({ httpStatus: 503, count: 1 });
    const event = await queuedEvent([message('@TGS#2C5SZEAEF')]);

    // Act
    const answer = await handle(event);

    // Assess
    expect(answer.batchItemFailures).toStrictEqual([
      { itemIdentifier: event.Records[0]?.messageId },
    ]);
    expect(await queueDepth()).toStrictEqual({ visible: 0, hidden: 1, delayed: 0 });
    expect(stack.tencent.emulator.messages).toHaveLength(0);
  });

  it('shows a record again at once when the idempotency table answers its unknown outcome again', async () => {
    // Prepare: the table on, and a first receive whose send ends unknown (reset after receipt)
    const db = await startDynamoDb({ tables: ['queue-idempotency'] });
    Object.assign(process.env, {
      TENCENT_CHAT_IDEMPOTENCY_TABLE: 'queue-idempotency',
      AWS_ENDPOINT_URL_DYNAMODB: db.url,
    });
    try {
      stack.tencent.emulator.addFault({ drop: 'after', count: 1 });
      const body = { request: message('@TGS#2C5SZEAEF'), idempotencyKey: 'queue-unknown-1' };
      const first = await queuedEvent([body]);
      const [record] = first.Records;
      await handle(first);
      const hiddenAfterFirst = (await queueDepth()).hidden;
      // The back-off of the first receive, passed at once
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: record?.receiptHandle,
          VisibilityTimeout: 0,
        }),
      );

      // Act: the second receive; the table answers the stored failure again
      const answer = await handle(await receiveEvent(client, queueUrl, queueArn));

      // Assess: listed, and shown again at once, with nothing sent twice
      expect(hiddenAfterFirst).toBe(1);
      expect(answer.batchItemFailures).toStrictEqual([{ itemIdentifier: record?.messageId }]);
      expect(await queueDepth()).toStrictEqual({ visible: 1, hidden: 0, delayed: 0 });
      expect(stack.tencent.emulator.messagesFor('@TGS#2C5SZEAEF')).toHaveLength(1);
      const replayed = jsonLines(output.lines()).filter(
        (line) => line.message === 'Message not sent' && line.outcome === 'replayed',
      );
      expect(replayed).toHaveLength(1);
    } finally {
      delete process.env.TENCENT_CHAT_IDEMPOTENCY_TABLE;
      delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      await db.close();
    }
  });

  it('requeues a rate-limited record as a new message with the same key, and does not list it', async () => {
    // Prepare
    stack.tencent.emulator.addFault({ errorCode: 10023, count: 1 });
    const event = await queuedEvent([message('@TGS#2C5SZEAEF')]);
    const original = event.Records[0];

    // Act
    const answer = await handle(event);

    // Assess: the original may be deleted; a new message waits one second
    expect(answer.batchItemFailures).toStrictEqual([]);
    expect(await queueDepth()).toStrictEqual({ visible: 0, hidden: 1, delayed: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await receiveEvent(client, queueUrl, queueArn);
    expect(again.Records).toHaveLength(1);
    const [requeued] = again.Records;
    expect(requeued?.messageId).not.toBe(original?.messageId);
    expect(JSON.parse(requeued?.body ?? '')).toStrictEqual({
      request: message('@TGS#2C5SZEAEF'),
      idempotencyKey: original?.messageId,
    });
    expect(requeued?.attributes.ApproximateReceiveCount).toBe('1');
    const blob = jsonLines(output.lines()).find((line) => 'QueueRecordsRequeued' in line);
    expect(blob).toMatchObject({
      command: 'send_group_msg',
      QueueRecordsRequeued: 1,
      QueueRecordsReturned: 0,
    });
    // The batch's counts take the send's command dimension, not a second one Powertools warns of.
    expect(output.text()).not.toContain('has already been added');
  });

  it('sends a requeued record with the Random of its first attempt', async () => {
    // Prepare
    const record = sqsRecord(message('@TGS#2C5SZEAEF'), { messageId: 'first-id', queueArn });
    stack.tencent.emulator.addFault({ errorCode: 10023, count: 1 });
    await handle(sqsEvent(record));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const requeued = await receiveEvent(client, queueUrl, queueArn);

    // Act
    await handle(requeued);
    await handle(sqsEvent(record));

    // Assess
    const [sent] = stack.tencent.emulator.messagesFor('@TGS#2C5SZEAEF');
    expect(stack.tencent.emulator.messagesFor('@TGS#2C5SZEAEF')).toHaveLength(1);
    const first = stack.tencent.emulator.requests.filter((r) => r.command === 'send_group_msg');
    expect(new Set(first.map((r) => (r.body as { Random?: number }).Random)).size).toBe(1);
    expect(sent?.random).toBe((first[0]?.body as { Random?: number } | undefined)?.Random);
  });

  it('paces the container: no more sends a second than TENCENT_CHAT_QUEUE_SENDS_PER_SECOND', async () => {
    // Prepare
    process.env.TENCENT_CHAT_QUEUE_SENDS_PER_SECOND = '20';
    const groups = [
      '@TGS#2C5SZEAEF',
      '@TGS#12DEVUDHQ',
      'demo-work-group',
      'demo-meeting',
      'demo-community',
    ];
    const event = sqsEvent(...groups.map((group) => sqsRecord(message(group))));

    // Act
    const startedAt = Date.now();
    await handle(event);

    // Assess: five sends started 50 ms apart. The emulator sees each a round trip after its start,
    // and the first one, on a new connection, later than the rest: a span of 150 ms or more still
    // tells paced sends (200 ms) from unpaced ones (a few ms apart).
    const times = stack.tencent.emulator.messages.map((m) => m.deliveredAt).sort((a, b) => a - b);
    expect(times).toHaveLength(5);
    expect((times[4] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(150);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(190);
  });

  it('stops taking records before the deadline and requeues the ones it did not start', async () => {
    // Prepare: 2 sends a second; 7 s left leaves about 200 ms to start sends
    process.env.TENCENT_CHAT_QUEUE_SENDS_PER_SECOND = '2';
    // A new container's first slot is spread over one interval; here it comes at once.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const event = await queuedEvent([
      message('@TGS#2C5SZEAEF', 'one'),
      message('@TGS#2C5SZEAEF', 'two'),
      message('@TGS#2C5SZEAEF', 'three'),
    ]);

    // Act
    const answer = await handle(event, 7_000);

    // Assess
    expect(answer.batchItemFailures).toStrictEqual([]);
    expect(stack.tencent.emulator.messages).toHaveLength(1);
    // The three received ones are hidden until the poller deletes them; two new ones wait.
    expect(await queueDepth()).toStrictEqual({ visible: 2, hidden: 3, delayed: 0 });
  });

  it('lists every record when the SQS stand-in cannot take them back', async () => {
    // Prepare
    sqs.faults.add({ action: 'SendMessageBatch', error: 'InternalError', count: 10 });
    stack.tencent.emulator.addFault({ errorCode: 10023, count: 1 });
    const record = sqsRecord(message('@TGS#2C5SZEAEF'), { queueArn });

    // Act
    const answer = await handle(sqsEvent(record));

    // Assess
    expect(answer.batchItemFailures).toStrictEqual([{ itemIdentifier: record.messageId }]);
    sqs.faults.clear();
  });

  it('logs the fanoutId of each queued send', async () => {
    // Prepare
    const record = sqsRecord(
      { request: message('demo-meeting'), idempotencyKey: 'fan-9:demo-meeting' },
      { fanoutId: 'fan-9' },
    );

    // Act
    await handle(sqsEvent(record));

    // Assess
    const sent = jsonLines(output.lines()).find((line) => line.message === 'Message sent');
    expect(sent).toMatchObject({ fanoutId: 'fan-9', eventKind: 'sqs' });
  });

  it('sends nothing and lists every record when the configuration is wrong', async () => {
    // Prepare
    process.env.TENCENT_CHAT_QUEUE_SENDS_PER_SECOND = 'fast';
    const event = sqsEvent(sqsRecord(message('demo-meeting')), sqsRecord(message('demo-meeting')));

    // Act
    const answer = await handle(event);

    // Assess
    expect(answer.batchItemFailures).toHaveLength(2);
    expect(stack.tencent.emulator.messages).toHaveLength(0);
  });

  describe('broadcast merging', () => {
    const broadcast = (Text: string) => ({
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text } }],
    });
    const handleBroadcasts = async (event: unknown) =>
      (await broadcastHandler(event, lambdaContext())) as SQSBatchResponse;
    beforeEach(() => {
      stack.tencent.emulator.limits.broadcastPerSecond = 100;
    });
    afterAll(() => {
      stack.tencent.emulator.limits.broadcastPerSecond = 1;
    });

    it('sends broadcasts one by one when merging is off', async () => {
      // Prepare
      process.env.TENCENT_CHAT_QUEUE_MERGE_BROADCASTS = 'false';
      const event = sqsEvent(sqsRecord(broadcast('a')), sqsRecord(broadcast('b')));

      // Act
      const answer = await handleBroadcasts(event);

      // Assess
      expect(answer.batchItemFailures).toStrictEqual([]);
      expect(stack.tencent.emulator.messages).toHaveLength(2);
    });

    it('merges broadcasts taken together into one send when merging is on', async () => {
      // Prepare
      process.env.TENCENT_CHAT_QUEUE_MERGE_BROADCASTS = 'true';
      const event = sqsEvent(
        sqsRecord(broadcast('a')),
        sqsRecord(broadcast('b')),
        sqsRecord({ ...broadcast('c'), From_Account: 'host' }),
      );

      // Act
      const answer = await handleBroadcasts(event);

      // Assess
      expect(answer.batchItemFailures).toStrictEqual([]);
      const bodies = stack.tencent.emulator.messages.map((message) => message.msgBody);
      expect(bodies).toHaveLength(2);
      expect(bodies).toContainEqual([...broadcast('a').MsgBody, ...broadcast('b').MsgBody]);
      delete process.env.TENCENT_CHAT_QUEUE_MERGE_BROADCASTS;
    });

    it('reports every merged record failed when the merged send fails', async () => {
      // Prepare
      process.env.TENCENT_CHAT_QUEUE_MERGE_BROADCASTS = 'true';
      stack.tencent.emulator.addFault({ errorCode: 10002, count: 1 });
      const records = [sqsRecord(broadcast('a')), sqsRecord(broadcast('b'))];

      // Act
      const answer = await handleBroadcasts(sqsEvent(...records));

      // Assess
      expect(answer.batchItemFailures.map((item) => item.itemIdentifier).sort()).toStrictEqual(
        records.map((record) => record.messageId).sort(),
      );
      expect(stack.tencent.emulator.messages).toHaveLength(0);
      delete process.env.TENCENT_CHAT_QUEUE_MERGE_BROADCASTS;
    });
  });
});

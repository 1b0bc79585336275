import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSqs, startSqs } from '../../emulators/sqs/server.ts';

/** The SQS stand-in, reached by the real `@aws-sdk/client-sqs` as a deployment reaches SQS. */

let standIn: RunningSqs;
let client: SQSClient;
let clock = 1_800_000_000_000;
let queueCount = 0;

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const advance = (seconds: number) => {
  clock += seconds * 1000;
};
const newQueue = async (attributes?: Record<string, string>, name?: string) => {
  queueCount += 1;
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({ QueueName: name ?? `q${queueCount}`, Attributes: attributes }),
  );
  return QueueUrl as string;
};
const receiveAll = (QueueUrl: string, extra: Record<string, unknown> = {}) =>
  client.send(
    new ReceiveMessageCommand({
      QueueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
      ...extra,
    }),
  );
const attributesOf = async (QueueUrl: string) =>
  (await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] })))
    .Attributes ?? {};

describe('SQS stand-in', () => {
  beforeAll(async () => {
    standIn = await startSqs({ now: () => clock });
    client = new SQSClient({
      region: 'us-east-1',
      endpoint: standIn.url,
      credentials: { accessKeyId: 'AKIDSTANDINTEST', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });
  afterAll(() => standIn.close());
  beforeEach(() => standIn.faults.clear());

  describe('queues', () => {
    it('creates a queue with attributes and finds it by name, by prefix and by URL', async () => {
      // Act
      const url = await newQueue({ VisibilityTimeout: '45', DelaySeconds: '2' }, 'orders-main');
      const byName = await client.send(new GetQueueUrlCommand({ QueueName: 'orders-main' }));
      const listed = await client.send(new ListQueuesCommand({ QueueNamePrefix: 'orders-' }));
      const attributes = await attributesOf(url);

      // Assess
      expect(url).toBe(`${standIn.url}/000000000000/orders-main`);
      expect(byName.QueueUrl).toBe(url);
      expect(listed.QueueUrls).toEqual([url]);
      expect(attributes).toMatchObject({
        QueueArn: 'arn:aws:sqs:us-east-1:000000000000:orders-main',
        VisibilityTimeout: '45',
        DelaySeconds: '2',
        MaximumMessageSize: '1048576',
        MessageRetentionPeriod: '345600',
        ReceiveMessageWaitTimeSeconds: '0',
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '0',
      });
      expect(Number(attributes.CreatedTimestamp)).toBe(Math.floor(clock / 1000));
    });

    it('answers the same URL for the same attributes and QueueNameExists for different ones', async () => {
      // Prepare
      const url = await newQueue({ VisibilityTimeout: '10' }, 'twice');

      // Act
      const again = await newQueue({ VisibilityTimeout: '10' }, 'twice');
      const clash = newQueue({ VisibilityTimeout: '11' }, 'twice');

      // Assess
      expect(again).toBe(url);
      await expect(clash).rejects.toMatchObject({
        name: 'QueueNameExists',
        Code: 'QueueAlreadyExists',
      });
    });

    it('rejects bad queue names and attributes by name', async () => {
      await expect(newQueue({}, 'bad name!')).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: expect.stringContaining('QueueName'),
      });
      await expect(newQueue({ Colour: 'blue' })).rejects.toMatchObject({
        name: 'InvalidAttributeName',
        message: expect.stringContaining('Colour'),
      });
      await expect(newQueue({ VisibilityTimeout: '43201' })).rejects.toMatchObject({
        name: 'InvalidAttributeValue',
        message: expect.stringContaining('VisibilityTimeout'),
      });
      await expect(newQueue({ FifoQueue: 'true' })).rejects.toMatchObject({
        name: 'InvalidAttributeName',
      });
    });

    it('answers QueueDoesNotExist with the query code the SDK maps', async () => {
      const missing = `${standIn.url}/000000000000/nowhere`;
      await expect(
        client.send(new GetQueueUrlCommand({ QueueName: 'nowhere' })),
      ).rejects.toMatchObject({
        name: 'QueueDoesNotExist',
        Code: 'AWS.SimpleQueueService.NonExistentQueue',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
      });
      await expect(
        client.send(new SendMessageCommand({ QueueUrl: missing, MessageBody: 'x' })),
      ).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    });

    it('changes attributes with SetQueueAttributes and empties a queue with PurgeQueue', async () => {
      // Prepare
      const url = await newQueue();
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a' }));

      // Act
      await client.send(
        new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '7' } }),
      );
      const before = await attributesOf(url);
      await client.send(new PurgeQueueCommand({ QueueUrl: url }));
      const after = await attributesOf(url);

      // Assess
      expect(before).toMatchObject({ VisibilityTimeout: '7', ApproximateNumberOfMessages: '1' });
      expect(after.ApproximateNumberOfMessages).toBe('0');
      expect((await receiveAll(url)).Messages).toBeUndefined();
    });

    it('pages ListQueues, answers only the attributes asked for, and deletes a queue', async () => {
      // Prepare
      const urls = [await newQueue({}, 'page-a'), await newQueue({}, 'page-b')];
      await newQueue({}, 'page-c');

      // Act
      const first = await client.send(
        new ListQueuesCommand({ QueueNamePrefix: 'page-', MaxResults: 2 }),
      );
      const rest = await client.send(
        new ListQueuesCommand({
          QueueNamePrefix: 'page-',
          MaxResults: 2,
          NextToken: first.NextToken,
        }),
      );
      const some = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: urls[0], AttributeNames: ['VisibilityTimeout'] }),
      );
      await client.send(new DeleteQueueCommand({ QueueUrl: urls[1] }));

      // Assess
      expect(first.QueueUrls).toEqual(urls);
      expect(rest.QueueUrls).toEqual([`${standIn.url}/000000000000/page-c`]);
      expect(rest.NextToken).toBeUndefined();
      expect(some.Attributes).toEqual({ VisibilityTimeout: '30' });
      await expect(
        client.send(
          new GetQueueAttributesCommand({ QueueUrl: urls[0], AttributeNames: ['Colour'] as never }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidAttributeName' });
      await expect(
        client.send(new GetQueueUrlCommand({ QueueName: 'page-b' })),
      ).rejects.toMatchObject({
        name: 'QueueDoesNotExist',
      });
    });

    it('drops messages older than the retention period', async () => {
      // Prepare
      const url = await newQueue({ MessageRetentionPeriod: '60' });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'old' }));

      // Act
      advance(61);

      // Assess
      expect((await receiveAll(url)).Messages).toBeUndefined();
      expect((await attributesOf(url)).ApproximateNumberOfMessages).toBe('0');
    });

    it('is reached through AWS_ENDPOINT_URL_SQS by a client without an endpoint', async () => {
      // Prepare
      process.env.AWS_ENDPOINT_URL_SQS = standIn.url;
      const fromEnvironment = new SQSClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      });

      // Act
      const listed = await fromEnvironment
        .send(new ListQueuesCommand({}))
        .finally(() => delete process.env.AWS_ENDPOINT_URL_SQS);

      // Assess
      expect(listed.QueueUrls?.length).toBeGreaterThan(0);
      expect(listed.QueueUrls?.every((url) => url.startsWith(standIn.url))).toBe(true);
    });
  });

  describe('messages', () => {
    it('sends a message with attributes and answers the MD5s SQS answers', async () => {
      // Prepare
      const url = await newQueue();
      const binary = Buffer.from('Hello binary world!');

      // Act
      const sent = await client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'héllo 👋',
          MessageAttributes: {
            attribName1: { DataType: 'String', StringValue: 'attribValue 1' },
            customNumberTypeAttrib: {
              DataType: 'Number.float',
              StringValue: '4563442423554324324264524243.32543234',
            },
            binaryAttribute: { DataType: 'Binary', BinaryValue: binary },
          },
        }),
      );
      const received = await receiveAll(url);

      // Assess: digests published with the aws-md5-of-message-attributes package
      expect(sent.MD5OfMessageBody).toBe(md5('héllo 👋'));
      expect(sent.MD5OfMessageAttributes).toBe('c932db14a896c663f83c260297d594ff');
      const [message] = received.Messages ?? [];
      expect(message).toMatchObject({
        MessageId: sent.MessageId,
        Body: 'héllo 👋',
        MD5OfBody: md5('héllo 👋'),
        MD5OfMessageAttributes: 'c932db14a896c663f83c260297d594ff',
      });
      expect(Buffer.from(message?.MessageAttributes?.binaryAttribute?.BinaryValue ?? [])).toEqual(
        binary,
      );
    });

    it('returns only the message attributes asked for, with the MD5 of those', async () => {
      // Prepare
      const url = await newQueue();
      await client.send(
        new SendMessageCommand({
          QueueUrl: url,
          MessageBody: 'x',
          MessageAttributes: {
            attribName1: { DataType: 'String', StringValue: 'attribValue 1' },
            'trace.id': { DataType: 'String', StringValue: 't' },
          },
        }),
      );

      // Act
      const [message] =
        (await receiveAll(url, { MessageAttributeNames: ['attribName1'] })).Messages ?? [];

      // Assess
      expect(Object.keys(message?.MessageAttributes ?? {})).toEqual(['attribName1']);
      expect(message?.MD5OfMessageAttributes).toBe('19e27d4e946b072f3f58da80d94fd778');
    });

    it('answers the system attributes Lambda reads', async () => {
      // Prepare
      const url = await newQueue();
      const sentAt = clock;
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      advance(3);

      // Act
      const first = (await receiveAll(url)).Messages?.[0];
      advance(31);
      const second = (await receiveAll(url)).Messages?.[0];

      // Assess
      expect(first?.Attributes).toEqual({
        ApproximateReceiveCount: '1',
        SentTimestamp: String(sentAt),
        ApproximateFirstReceiveTimestamp: String(sentAt + 3000),
        SenderId: 'AKIDSTANDINTEST',
      });
      expect(second?.Attributes).toMatchObject({
        ApproximateReceiveCount: '2',
        ApproximateFirstReceiveTimestamp: String(sentAt + 3000),
      });
      expect(second?.ReceiptHandle).not.toBe(first?.ReceiptHandle);
    });

    it('rejects bodies SQS rejects, naming the reason', async () => {
      // Prepare
      const url = await newQueue({ MaximumMessageSize: '1024' });

      // Act & Assess
      await expect(
        client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'bad \u0001 char' })),
      ).rejects.toMatchObject({ name: 'InvalidMessageContents' });
      await expect(
        client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1025) })),
      ).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: expect.stringContaining('shorter than 1024 bytes'),
      });
      await expect(
        client.send(
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: 'x',
            MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } },
          }),
        ),
      ).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: expect.stringContaining("'n'"),
      });
      await expect(
        client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 })),
      ).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: expect.stringContaining('DelaySeconds'),
      });
    });

    it('holds a delayed message back until its delay ends', async () => {
      // Prepare
      const url = await newQueue();
      await client.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 5 }),
      );

      // Act
      const early = await receiveAll(url);
      const counted = await attributesOf(url);
      advance(5);
      const onTime = await receiveAll(url);

      // Assess
      expect(early.Messages).toBeUndefined();
      expect(counted.ApproximateNumberOfMessagesDelayed).toBe('1');
      expect(onTime.Messages?.map((m) => m.Body)).toEqual(['later']);
    });

    it('rejects a ReceiveMessage asking for more than 10 messages', async () => {
      const url = await newQueue();
      await expect(
        client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })),
      ).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: expect.stringContaining('MaxNumberOfMessages'),
      });
    });
  });

  describe('batches', () => {
    it('sends a batch and reports each entry in Successful or Failed', async () => {
      // Prepare
      const url = await newQueue();

      // Act
      const result = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'a', MessageBody: 'one' },
            { Id: 'b', MessageBody: 'bad \u0000' },
            { Id: 'c', MessageBody: 'three', DelaySeconds: 1 },
          ],
        }),
      );

      // Assess
      expect(result.Successful?.map((e) => [e.Id, e.MD5OfMessageBody])).toEqual([
        ['a', md5('one')],
        ['c', md5('three')],
      ]);
      expect(result.Failed).toEqual([
        expect.objectContaining({ Id: 'b', SenderFault: true, Code: 'InvalidMessageContents' }),
      ]);
      expect((await attributesOf(url)).ApproximateNumberOfMessages).toBe('1');
    });

    it('rejects batches SQS rejects as a whole', async () => {
      // Prepare
      const url = await newQueue();
      const entries = (count: number) =>
        Array.from({ length: count }, (_, index) => ({ Id: `m${index}`, MessageBody: 'x' }));
      const send = (Entries: { Id: string; MessageBody: string }[]) =>
        client.send(new SendMessageBatchCommand({ QueueUrl: url, Entries }));

      // Act & Assess
      await expect(send(entries(11))).rejects.toMatchObject({
        name: 'TooManyEntriesInBatchRequest',
        Code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      });
      await expect(send([])).rejects.toMatchObject({ name: 'EmptyBatchRequest' });
      await expect(
        send([
          { Id: 'same', MessageBody: 'x' },
          { Id: 'same', MessageBody: 'y' },
        ]),
      ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
      await expect(send([{ Id: 'no spaces', MessageBody: 'x' }])).rejects.toMatchObject({
        name: 'InvalidBatchEntryId',
      });
      await expect(
        send(
          Array.from({ length: 2 }, (_, i) => ({
            Id: `big${i}`,
            MessageBody: 'x'.repeat(600_000),
          })),
        ),
      ).rejects.toMatchObject({ name: 'BatchRequestTooLong' });
      expect((await attributesOf(url)).ApproximateNumberOfMessages).toBe('0');
    });

    it('deletes and changes visibility in batches, reporting bad handles per entry', async () => {
      // Prepare
      const url = await newQueue();
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: ['a', 'b', 'c'].map((Id) => ({ Id, MessageBody: Id })),
        }),
      );
      const [a, b, c] = (await receiveAll(url)).Messages ?? [];

      // Act
      const deleted = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'a', ReceiptHandle: a?.ReceiptHandle },
            { Id: 'junk', ReceiptHandle: 'not-a-handle' },
          ],
        }),
      );
      const changed = await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: 'b', ReceiptHandle: b?.ReceiptHandle, VisibilityTimeout: 0 },
            { Id: 'c', ReceiptHandle: c?.ReceiptHandle, VisibilityTimeout: 600 },
          ],
        }),
      );
      advance(31);
      const again = await receiveAll(url);

      // Assess
      expect(deleted.Successful).toEqual([{ Id: 'a' }]);
      expect(deleted.Failed).toEqual([
        expect.objectContaining({ Id: 'junk', Code: 'ReceiptHandleIsInvalid', SenderFault: true }),
      ]);
      expect(changed.Successful?.map((e) => e.Id)).toEqual(['b', 'c']);
      expect(again.Messages?.map((m) => m.Body)).toEqual(['b']);
    });
  });

  describe('visibility', () => {
    it('hides a received message for the visibility timeout, then delivers it again', async () => {
      // Prepare
      const url = await newQueue({ VisibilityTimeout: '20' });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      await receiveAll(url);

      // Act
      advance(19);
      const hidden = await receiveAll(url);
      const counted = await attributesOf(url);
      advance(1);
      const back = await receiveAll(url);

      // Assess
      expect(hidden.Messages).toBeUndefined();
      expect(counted).toMatchObject({
        ApproximateNumberOfMessages: '0',
        ApproximateNumberOfMessagesNotVisible: '1',
      });
      expect(back.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('2');
    });

    it('uses the VisibilityTimeout a ReceiveMessage asks for', async () => {
      const url = await newQueue({ VisibilityTimeout: '300' });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      await receiveAll(url, { VisibilityTimeout: 2 });
      advance(2);
      expect((await receiveAll(url)).Messages).toHaveLength(1);
    });

    it('changes and checks visibility by the latest receipt handle', async () => {
      // Prepare
      const url = await newQueue({ VisibilityTimeout: '30' });
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      const first = (await receiveAll(url)).Messages?.[0];

      // Act
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: first?.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      const second = (await receiveAll(url)).Messages?.[0];
      await client.send(
        new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle }),
      );
      const stale = await attributesOf(url);
      await client.send(
        new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second?.ReceiptHandle }),
      );
      const gone = await attributesOf(url);

      // Assess: a stale handle's delete succeeds without deleting, as SQS documents
      expect(second?.MessageId).toBe(first?.MessageId);
      expect(stale.ApproximateNumberOfMessagesNotVisible).toBe('1');
      expect(gone.ApproximateNumberOfMessagesNotVisible).toBe('0');
      await expect(
        client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: url,
            ReceiptHandle: second?.ReceiptHandle,
            VisibilityTimeout: 5,
          }),
        ),
      ).rejects.toMatchObject({ name: 'MessageNotInflight' });
      await expect(
        client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })),
      ).rejects.toMatchObject({
        name: 'ReceiptHandleIsInvalid',
        $metadata: { httpStatusCode: 400 },
      });
    });
  });

  describe('redrive', () => {
    it('moves a message received maxReceiveCount times to the dead-letter queue', async () => {
      // Prepare
      const dlq = await newQueue();
      const dlqArn = (await attributesOf(dlq)).QueueArn;
      const redrivePolicy = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: '2' });
      const url = await newQueue({ VisibilityTimeout: '10', RedrivePolicy: redrivePolicy });
      const sent = await client.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: 'poison' }),
      );

      // Act
      const receives: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        receives.push((await receiveAll(url)).Messages?.length ?? 0);
        advance(10);
      }
      const dead = await receiveAll(dlq);

      // Assess
      expect(receives).toEqual([1, 1, 0]);
      expect(dead.Messages?.[0]).toMatchObject({
        MessageId: sent.MessageId,
        Body: 'poison',
        Attributes: expect.objectContaining({
          DeadLetterQueueSourceArn: expect.stringMatching(/:q\d+$/),
        }),
      });
      expect(JSON.parse((await attributesOf(url)).RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: dlqArn,
        maxReceiveCount: 2,
      });
    });

    it('rejects a RedrivePolicy naming a queue that does not exist', async () => {
      const policy = JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:ghost',
        maxReceiveCount: 3,
      });
      await expect(newQueue({ RedrivePolicy: policy })).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: expect.stringContaining('RedrivePolicy'),
      });
    });
  });

  describe('long polling', () => {
    it('answers as soon as a message arrives', async () => {
      // Prepare
      const url = await newQueue();
      const started = Date.now();
      setTimeout(
        () => void client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'now' })),
        200,
      );

      // Act
      const received = await receiveAll(url, { WaitTimeSeconds: 10 });

      // Assess
      expect(received.Messages?.map((m) => m.Body)).toEqual(['now']);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('answers empty after WaitTimeSeconds, and uses the queue wait when none is given', async () => {
      // Prepare
      const url = await newQueue({ ReceiveMessageWaitTimeSeconds: '1' });
      const started = Date.now();

      // Act
      const received = await client.send(new ReceiveMessageCommand({ QueueUrl: url }));

      // Assess
      expect(received.Messages).toBeUndefined();
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    it('takes no message for a caller that hung up', async () => {
      // Prepare
      const url = await newQueue();
      const abort = new AbortController();
      const poll = client.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }), {
        abortSignal: abort.signal,
      });
      poll.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));

      // Act
      abort.abort();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'kept' }));
      await new Promise((resolve) => setTimeout(resolve, 250));

      // Assess
      await expect(poll).rejects.toThrow();
      expect((await receiveAll(url)).Messages?.map((m) => m.Body)).toEqual(['kept']);
    });
  });

  describe('control endpoint', () => {
    it('fails the first entries of the next batch, retryably, without applying them', async () => {
      // Prepare
      const url = await newQueue();
      const injected = await fetch(`${standIn.url}/_control/faults`, {
        method: 'POST',
        body: JSON.stringify({ action: 'SendMessageBatch', failEntries: 2, count: 1 }),
      });

      // Act
      const entries = ['a', 'b', 'c'].map((Id) => ({ Id, MessageBody: Id }));
      const first = await client.send(
        new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }),
      );
      const second = await client.send(
        new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }),
      );

      // Assess
      expect(injected.status).toBe(200);
      expect(first.Failed?.map((e) => [e.Id, e.SenderFault, e.Code])).toEqual([
        ['a', false, 'InternalError'],
        ['b', false, 'InternalError'],
      ]);
      expect(first.Successful?.map((e) => e.Id)).toEqual(['c']);
      expect(second.Successful).toHaveLength(3);
      expect((await attributesOf(url)).ApproximateNumberOfMessages).toBe('4');
    });

    it('fails whole requests with a 500 that the SDK retries', async () => {
      // Prepare
      const url = await newQueue();
      const retrying = new SQSClient({
        region: 'us-east-1',
        endpoint: standIn.url,
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        maxAttempts: 3,
      });
      standIn.faults.add({ action: 'SendMessage', count: 1 });

      // Act
      const failed = await client
        .send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }))
        .catch((error: unknown) => error);
      standIn.faults.add({ action: 'SendMessage', count: 2 });
      const retried = await retrying.send(
        new SendMessageCommand({ QueueUrl: url, MessageBody: 'y' }),
      );

      // Assess
      expect(failed).toMatchObject({
        name: 'InternalError',
        $fault: 'server',
        $metadata: { httpStatusCode: 500 },
      });
      expect(retried.$metadata.attempts).toBe(3);
      expect((await receiveAll(url)).Messages?.map((m) => m.Body)).toEqual(['y']);
    });

    it('delivers a message twice after a duplicate fault, the stale handle deleting nothing', async () => {
      // Prepare
      const url = await newQueue();
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'twice' }));
      standIn.faults.add({ action: 'ReceiveMessage', duplicate: true });

      // Act
      const first = (await receiveAll(url)).Messages?.[0];
      const second = (await receiveAll(url)).Messages?.[0];
      await client.send(
        new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle }),
      );
      const afterStaleDelete = await attributesOf(url);
      await client.send(
        new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second?.ReceiptHandle }),
      );

      // Assess
      expect(second?.MessageId).toBe(first?.MessageId);
      expect(second?.Attributes?.ApproximateReceiveCount).toBe('2');
      expect(afterStaleDelete.ApproximateNumberOfMessagesNotVisible).toBe('1');
      expect(standIn.sqs.queues.get(url.split('/').pop() as string)?.messages.size).toBe(0);
    });

    it('shows the queues and their messages, and rejects a malformed fault', async () => {
      // Prepare
      const url = await newQueue({}, 'inspected');
      await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'look' }));

      // Act
      const shown = (await (await fetch(`${standIn.url}/_control/queues`)).json()) as {
        queues: { name: string; counts: unknown; messages: { body: string; state: string }[] }[];
      };
      const bad = await fetch(`${standIn.url}/_control/faults`, {
        method: 'POST',
        body: JSON.stringify({ action: 'SendMessage', failEntries: -1 }),
      });

      // Assess
      expect(shown.queues.find((q) => q.name === 'inspected')).toMatchObject({
        counts: { visible: 1, inFlight: 0, delayed: 0 },
        messages: [{ body: 'look', state: 'visible' }],
      });
      expect(standIn.sqs.queues.get('inspected')?.messages.size).toBe(1);
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('failEntries');
    });

    it('answers an action it does not implement with UnsupportedOperation', async () => {
      const response = await fetch(standIn.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AmazonSQS.TagQueue',
        },
        body: '{}',
      });
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-query-error')).toBe(
        'AWS.SimpleQueueService.UnsupportedOperation;Sender',
      );
      expect(await response.json()).toMatchObject({
        __type: 'com.amazonaws.sqs#UnsupportedOperation',
        message: expect.stringContaining('TagQueue'),
      });
    });
  });
});

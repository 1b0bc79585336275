import {
  CancelMessageMoveTaskCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSqs, startSqs } from '../../emulators/sqs/server.ts';
import { waitFor } from '../support/wait.ts';

/** Dead-letter queue redrive in the SQS stand-in, through the real `@aws-sdk/client-sqs`. */

let standIn: RunningSqs;
let client: SQSClient;
let count = 0;

const arnOf = async (QueueUrl: string) =>
  (await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] })))
    .Attributes?.QueueArn as string;

/** A queue redriving to a new dead-letter queue after one receive. */
const queuePair = async () => {
  count += 1;
  const dlq = await client.send(new CreateQueueCommand({ QueueName: `move-dlq-${count}` }));
  const dlqUrl = dlq.QueueUrl as string;
  const dlqArn = await arnOf(dlqUrl);
  const source = await client.send(
    new CreateQueueCommand({
      QueueName: `move-${count}`,
      Attributes: {
        VisibilityTimeout: '0',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }),
      },
    }),
  );
  const url = source.QueueUrl as string;
  return { url, arn: await arnOf(url), dlqUrl, dlqArn };
};

const nameOf = (url: string) => url.split('/').pop() as string;
const depth = (name: string) => standIn.sqs.queues.get(name)?.messages.size ?? 0;

/** Sends the bodies and receives until each was received past its limit: all in the DLQ. */
const deadLetter = async (url: string, dlqUrl: string, bodies: string[]) => {
  for (let start = 0; start < bodies.length; start += 10) {
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: bodies
          .slice(start, start + 10)
          .map((MessageBody, i) => ({ Id: String(i), MessageBody })),
      }),
    );
  }
  while (depth(nameOf(dlqUrl)) < bodies.length) {
    await client.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
  }
};

const bodiesIn = (name: string) =>
  [...(standIn.sqs.queues.get(name)?.messages.values() ?? [])]
    .map((message) => message.body)
    .sort();
const tasks = async (SourceArn: string) =>
  (await client.send(new ListMessageMoveTasksCommand({ SourceArn, MaxResults: 10 }))).Results ?? [];

describe('SQS stand-in: dead-letter queue redrive', () => {
  beforeAll(async () => {
    standIn = await startSqs();
    client = new SQSClient({
      region: 'us-east-1',
      endpoint: standIn.url,
      credentials: { accessKeyId: 'AKIDSTANDINTEST', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await standIn.close();
  });

  it('moves every dead letter back to the queue it came from, fresh, and lists the task as completed', async () => {
    // Prepare
    const { url, dlqUrl, dlqArn } = await queuePair();
    const bodies = Array.from({ length: 25 }, (_, i) => `m${i}`);
    await deadLetter(url, dlqUrl, bodies);
    expect(depth(nameOf(dlqUrl))).toBe(25);

    // Act
    const { TaskHandle } = await client.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn }),
    );
    await waitFor(async () => (await tasks(dlqArn))[0]?.Status === 'COMPLETED');

    // Assess
    expect(TaskHandle).toEqual(expect.any(String));
    expect(bodiesIn(nameOf(url))).toStrictEqual([...bodies].sort());
    expect(depth(nameOf(dlqUrl))).toBe(0);
    const [task] = await tasks(dlqArn);
    expect(task).toMatchObject({
      Status: 'COMPLETED',
      SourceArn: dlqArn,
      ApproximateNumberOfMessagesMoved: 25,
      ApproximateNumberOfMessagesToMove: 25,
    });
    expect(task?.TaskHandle).toBeUndefined();
    // Back in the queue with no receives counted: one receive takes them, not the DLQ.
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    expect(Messages).toHaveLength(10);
    for (const message of Messages) expect(message.Attributes?.ApproximateReceiveCount).toBe('1');
  });

  it('moves to a given DestinationArn, at most MaxNumberOfMessagesPerSecond, one running task per source', async () => {
    // Prepare
    const { url, dlqUrl, dlqArn } = await queuePair();
    const other = await client.send(new CreateQueueCommand({ QueueName: `move-other-${count}` }));
    const otherArn = await arnOf(other.QueueUrl as string);
    await deadLetter(
      url,
      dlqUrl,
      Array.from({ length: 20 }, (_, i) => `r${i}`),
    );

    // Act
    const started = Date.now();
    await client.send(
      new StartMessageMoveTaskCommand({
        SourceArn: dlqArn,
        DestinationArn: otherArn,
        MaxNumberOfMessagesPerSecond: 10,
      }),
    );
    const second = client.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    await expect(second).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    const running = (await tasks(dlqArn))[0];
    await waitFor(async () => (await tasks(dlqArn))[0]?.Status === 'COMPLETED', 10_000);

    // Assess
    expect(running).toMatchObject({
      Status: 'RUNNING',
      DestinationArn: otherArn,
      MaxNumberOfMessagesPerSecond: 10,
    });
    expect(running?.TaskHandle).toEqual(expect.any(String));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
    expect(depth(`move-other-${count}`)).toBe(20);
    expect(depth(nameOf(url))).toBe(0);
  });

  it('cancels a running task, leaving the rest in the dead-letter queue', async () => {
    // Prepare
    const { url, dlqUrl, dlqArn } = await queuePair();
    await deadLetter(
      url,
      dlqUrl,
      Array.from({ length: 20 }, (_, i) => `c${i}`),
    );
    const { TaskHandle } = await client.send(
      new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 10 }),
    );

    // Act
    const { ApproximateNumberOfMessagesMoved: moved = -1 } = await client.send(
      new CancelMessageMoveTaskCommand({ TaskHandle }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    // Assess
    expect(moved).toBeLessThan(20);
    expect((await tasks(dlqArn))[0]?.Status).toBe('CANCELLED');
    expect(depth(nameOf(url)) + depth(nameOf(dlqUrl))).toBe(20);
    expect(depth(nameOf(dlqUrl))).toBeGreaterThan(0);
    await expect(
      client.send(new CancelMessageMoveTaskCommand({ TaskHandle })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });

  it('refuses a source that is not a dead-letter queue or does not exist, and fails a task whose message has no origin', async () => {
    // Prepare
    const { url, arn, dlqUrl, dlqArn } = await queuePair();

    // Act, Assess
    await expect(
      client.send(new StartMessageMoveTaskCommand({ SourceArn: arn })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('Dead Letter Queue'),
    });
    await expect(
      client.send(new StartMessageMoveTaskCommand({ SourceArn: `${arn}-missing` })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(
      client.send(
        new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 501 }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringContaining('MaxNumberOfMessagesPerSecond'),
    });
    // Sent straight to the dead-letter queue: no source queue to go back to.
    await client.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: 'orphan' }));
    await client.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    await waitFor(async () => (await tasks(dlqArn))[0]?.Status === 'FAILED');
    expect((await tasks(dlqArn))[0]?.FailureReason).toContain('DestinationArn');
    expect(depth(nameOf(dlqUrl))).toBe(1);
    expect(depth(nameOf(url))).toBe(0);
  });
});

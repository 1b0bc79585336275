import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { type RunningSqs, startSqs } from '../emulators/sqs/server.ts';

/**
 * `npm start`'s queue mode: the SQS stand-in with a queue and a dead-letter queue per send
 * function (as serverless.yml deploys them), and one poller per queue invoking its function
 * through serverless-offline's Lambda invoke API, as Lambda's event source mapping would.
 */

const SERVICE = 'tencent-chat-sender';
const SEND_FUNCTIONS = ['send-group-msg', 'send-broadcast-msg', 'send-text-msg', 'send-custom-msg'];
/** As serverless.yml's defaults: 10 receives, 60 s visibility, batches of 50, 1 s window. */
const QUEUE_SETTINGS = { maxReceiveCount: 10, visibilityTimeoutSeconds: 60, batchSize: 50 };
const MAXIMUM_CONCURRENCY: Record<string, number> = { 'send-broadcast-msg': 2 };
const DEFAULT_CONCURRENCY = 5;

interface LocalQueue {
  functionName: string;
  url: string;
  arn: string;
  deadLetterUrl: string;
}

interface LocalQueues {
  sqs: RunningSqs;
  queues: LocalQueue[];
  /** The send-group-msg queue, which fan-outs feed. */
  groupQueueUrl: string;
  /** Starts the pollers once the functions can be invoked. */
  startPollers: (lambdaUrl: string) => Promise<void>;
  close: () => Promise<void>;
}

const createQueues = async (client: SQSClient, stage: string, fn: string): Promise<LocalQueue> => {
  const name = `${SERVICE}-${stage}-${fn}`;
  const { QueueUrl: deadLetterUrl = '' } = await client.send(
    new CreateQueueCommand({
      QueueName: `${name}-dlq`,
      Attributes: { MessageRetentionPeriod: '1209600' },
    }),
  );
  const { Attributes: deadLetter = {} } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterUrl, AttributeNames: ['QueueArn'] }),
  );
  const { QueueUrl: url = '' } = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        MessageRetentionPeriod: '1209600',
        VisibilityTimeout: String(QUEUE_SETTINGS.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadLetter.QueueArn,
          maxReceiveCount: QUEUE_SETTINGS.maxReceiveCount,
        }),
      },
    }),
  );
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { functionName: name, url, arn: Attributes.QueueArn ?? '', deadLetterUrl };
};

/** Invokes a function through the Lambda invoke API; a function error rejects, as Lambda's would. */
const invoker =
  (lambdaUrl: string, functionName: string) =>
  async (event: SQSEvent): Promise<unknown> => {
    const response = await fetch(`${lambdaUrl}/2015-03-31/functions/${functionName}/invocations`, {
      method: 'POST',
      body: JSON.stringify(event),
    });
    const text = await response.text();
    if (!response.ok || response.headers.has('x-amz-function-error')) {
      throw new Error(`${functionName} failed: ${text.slice(0, 200)}`);
    }
    return text === '' ? undefined : JSON.parse(text);
  };

const startLocalQueues = async ({
  port,
  stage = 'local',
}: {
  port: number;
  stage?: string;
}): Promise<LocalQueues> => {
  const sqs = await startSqs({ port });
  const client = new SQSClient({
    endpoint: sqs.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const queues = await Promise.all(SEND_FUNCTIONS.map((fn) => createQueues(client, stage, fn)));
  const pollers: { stop: () => Promise<void> }[] = [];
  return {
    sqs,
    queues,
    groupQueueUrl: queues[0]?.url ?? '',
    startPollers: async (lambdaUrl) => {
      const { startEventSourceMapping } = await import('../emulators/sqs/event-source-mapping.ts');
      for (const [index, queue] of queues.entries()) {
        const fn = SEND_FUNCTIONS[index] ?? '';
        pollers.push(
          startEventSourceMapping({
            client,
            queueUrl: queue.url,
            queueArn: queue.arn,
            invoke: invoker(lambdaUrl, queue.functionName),
            batchSize: fn === 'send-broadcast-msg' ? 1 : QUEUE_SETTINGS.batchSize,
            maximumBatchingWindowMs: 1_000,
            maximumConcurrency: MAXIMUM_CONCURRENCY[fn] ?? DEFAULT_CONCURRENCY,
            onError: (error) => console.error(`queue ${fn}:`, (error as Error).message),
          }),
        );
      }
    },
    close: async () => {
      await Promise.all(pollers.map((poller) => poller.stop()));
      client.destroy();
      await sqs.close();
    },
  };
};

export type { LocalQueue, LocalQueues };
export { startLocalQueues };

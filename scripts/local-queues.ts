import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { startEventSourceMapping } from '../emulators/sqs/event-source-mapping.ts';
import { type RunningSqs, startSqs } from '../emulators/sqs/server.ts';
import type { Queue } from '../emulators/sqs/state.ts';

/**
 * `npm start`'s queue mode: the SQS stand-in with a queue and a dead-letter queue per send
 * function (as serverless.yml deploys them for the local stage), and one poller per queue invoking
 * its function through serverless-offline's Lambda invoke API, as Lambda's event source mapping would.
 */

const FUNCTION_PREFIX = 'tencent-chat-sender-local-';
const SEND_FUNCTIONS = ['send-group-msg', 'send-broadcast-msg', 'send-text-msg', 'send-custom-msg'];
/** As serverless.yml's defaults: 10 receives, 60 s visibility, batches of 50, 1 s window. */
const QUEUE_SETTINGS = { maxReceiveCount: 10, visibilityTimeoutSeconds: 60, batchSize: 50 };
const MAXIMUM_CONCURRENCY: Record<string, number> = { 'send-broadcast-msg': 2 };
const DEFAULT_CONCURRENCY = 5;
const RETENTION_SECONDS = '1209600';

interface LocalQueues {
  sqs: RunningSqs;
  /** The send-group-msg queue, which fan-outs feed. */
  groupQueueUrl: string;
  /** Starts the pollers once the functions can be invoked. */
  startPollers: (lambdaUrl: string) => void;
  close: () => Promise<void>;
}

/** A send function's queue, named as the function, with its dead-letter queue. */
const createQueues = (sqs: RunningSqs, functionName: string): Queue => {
  const deadLetter = sqs.createQueue(`${functionName}-dlq`, {
    MessageRetentionPeriod: RETENTION_SECONDS,
  });
  return sqs.createQueue(functionName, {
    MessageRetentionPeriod: RETENTION_SECONDS,
    VisibilityTimeout: String(QUEUE_SETTINGS.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetter.arn,
      maxReceiveCount: QUEUE_SETTINGS.maxReceiveCount,
    }),
  });
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

const startLocalQueues = async ({ port }: { port: number }): Promise<LocalQueues> => {
  const sqs = await startSqs({ port });
  const queues = SEND_FUNCTIONS.map((fn) => {
    const functionName = `${FUNCTION_PREFIX}${fn}`;
    return { fn, functionName, queue: createQueues(sqs, functionName) };
  });
  // The pollers' client, as the event source mapping's.
  const client = new SQSClient({
    endpoint: sqs.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const pollers: { stop: () => Promise<void> }[] = [];
  return {
    sqs,
    groupQueueUrl: queues[0]?.queue.url ?? '',
    startPollers: (lambdaUrl) => {
      for (const { fn, functionName, queue } of queues) {
        pollers.push(
          startEventSourceMapping({
            client,
            queueUrl: queue.url,
            queueArn: queue.arn,
            invoke: invoker(lambdaUrl, functionName),
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

export type { LocalQueues };
export { startLocalQueues };

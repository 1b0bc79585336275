import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { failedIdsOf, toSqsRecord } from './lambda-records.ts';

/**
 * A local stand-in for Lambda's SQS event source mapping with ReportBatchItemFailures, driving a
 * function through the real SQS client: `maximumConcurrency` pollers each gather a batch (up to
 * `batchSize`, until the batching window ends), invoke the function with Lambda's SQS event, and
 * delete the records it did not report failed. Records not deleted come back after the queue's
 * visibility timeout, and the queue's redrive policy moves them to its dead-letter queue after
 * maxReceiveCount receives, as on AWS.
 */

interface EventSourceMappingOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  /** Defaults to the queue ARN's region. */
  awsRegion?: string;
  /** The function: its answer (a partial batch response) or a thrown error. */
  invoke: (event: SQSEvent) => Promise<unknown>;
  /** Records per invocation, default 10. */
  batchSize?: number;
  /** How long to keep gathering after the first record, default 0 (invoke with one receive). */
  maximumBatchingWindowMs?: number;
  /** Invocations at once, default 2 (the least AWS allows). */
  maximumConcurrency?: number;
  /** Long-poll wait, default 1 s: also the longest `stop()` waits for an idle poller. */
  waitTimeSeconds?: number;
  /** Told of every failed SQS call and failed invocation; the mapping keeps going. */
  onError?: (error: unknown) => void;
}

interface EventSourceMappingStats {
  invocations: number;
  records: number;
  /** Records deleted after their invocation succeeded for them. */
  deleted: number;
  /** Records left on the queue: reported in batchItemFailures, or in a batch that failed. */
  failedItems: number;
  /** Invocations that threw or answered an invalid response, and SQS calls that failed. */
  errors: number;
}

interface EventSourceMapping {
  /** Stops polling and waits for the invocations under way (and their deletes). */
  stop: () => Promise<void>;
  stats: EventSourceMappingStats;
}

const SQS_BATCH = 10;
const RETRY_PAUSE_MS = 200;
const IDLE_PAUSE_MS = 50;
const DELETE_ATTEMPTS = 3;

const chunks = <T>(items: T[]): T[][] =>
  Array.from({ length: Math.ceil(items.length / SQS_BATCH) }, (_, index) =>
    items.slice(index * SQS_BATCH, (index + 1) * SQS_BATCH),
  );

const startEventSourceMapping = (options: EventSourceMappingOptions): EventSourceMapping => {
  const {
    client,
    queueUrl,
    queueArn,
    invoke,
    batchSize = 10,
    maximumBatchingWindowMs = 0,
    maximumConcurrency = 2,
    waitTimeSeconds = 1,
    onError,
  } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new RangeError(`batchSize must be an integer from 1 to 10000, got ${batchSize}`);
  }
  if (batchSize > SQS_BATCH && maximumBatchingWindowMs < 1000) {
    throw new RangeError('a batchSize above 10 needs a batching window of at least 1 s, as on AWS');
  }
  const awsRegion = options.awsRegion ?? queueArn.split(':')[3] ?? 'us-east-1';
  const stats: EventSourceMappingStats = {
    invocations: 0,
    records: 0,
    deleted: 0,
    failedItems: 0,
    errors: 0,
  };
  let stopping = false;

  const failedCall = (error: unknown): void => {
    stats.errors += 1;
    onError?.(error);
  };

  const receive = async (max: number, waitSeconds: number): Promise<Message[]> => {
    const output = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(SQS_BATCH, max),
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return output.Messages ?? [];
  };

  /** One batch: a long poll for the first records, then more until full or the window ends. */
  const gather = async (): Promise<Message[]> => {
    const batch = await receive(batchSize, waitTimeSeconds);
    if (batch.length === 0 || maximumBatchingWindowMs <= 0) return batch;
    const windowEnds = Date.now() + maximumBatchingWindowMs;
    while (batch.length < batchSize && !stopping) {
      const remainingMs = windowEnds - Date.now();
      if (remainingMs <= 0) break;
      const wait = Math.min(waitTimeSeconds, Math.floor(remainingMs / 1000));
      const more = await receive(batchSize - batch.length, wait);
      batch.push(...more);
      if (more.length === 0 && wait === 0) await sleep(Math.min(remainingMs, 20));
    }
    return batch;
  };

  /** Deletes in batches of 10, retrying entries SQS failed on its side. */
  const deleteAll = async (messages: Message[]): Promise<void> => {
    for (const chunk of chunks(messages)) {
      let entries = chunk.map((message, index) => ({
        Id: String(index),
        ReceiptHandle: message.ReceiptHandle,
      }));
      for (let attempt = 1; attempt <= DELETE_ATTEMPTS && entries.length > 0; attempt += 1) {
        const output = await client.send(
          new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
        );
        stats.deleted += output.Successful?.length ?? 0;
        const retryable = new Set(
          (output.Failed ?? []).filter((entry) => !entry.SenderFault).map((entry) => entry.Id),
        );
        if ((output.Failed ?? []).length > retryable.size) {
          failedCall(new Error(`DeleteMessageBatch failed: ${JSON.stringify(output.Failed)}`));
        }
        entries = entries.filter((entry) => retryable.has(entry.Id));
      }
      if (entries.length > 0) failedCall(new Error(`could not delete ${entries.length} records`));
    }
  };

  const invokeAndSettle = async (messages: Message[]): Promise<void> => {
    const event: SQSEvent = {
      Records: messages.map((message) => toSqsRecord(message, queueArn, awsRegion)),
    };
    stats.invocations += 1;
    stats.records += messages.length;
    let failed: Set<string> | 'all';
    try {
      const response = await invoke(event);
      failed = failedIdsOf(response, new Set(event.Records.map((record) => record.messageId)));
      if (failed === 'all') {
        failedCall(new Error(`invalid partial batch response: ${JSON.stringify(response)}`));
      }
    } catch (error) {
      failedCall(error);
      failed = 'all';
    }
    if (failed === 'all') {
      stats.failedItems += messages.length;
      return;
    }
    stats.failedItems += failed.size;
    await deleteAll(messages.filter((message) => !failed.has(message.MessageId ?? '')));
  };

  /** Hands gathered records back at once when stopping, instead of after their visibility timeout. */
  const release = async (messages: Message[]): Promise<void> => {
    for (const chunk of chunks(messages)) {
      await client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
  };

  const poll = async (): Promise<void> => {
    while (!stopping) {
      try {
        const batch = await gather();
        if (batch.length === 0) {
          if (waitTimeSeconds === 0) await sleep(IDLE_PAUSE_MS);
          continue;
        }
        if (stopping) await release(batch);
        else await invokeAndSettle(batch);
      } catch (error) {
        failedCall(error);
        await sleep(RETRY_PAUSE_MS);
      }
    }
  };

  const pollers = Array.from({ length: Math.max(1, maximumConcurrency) }, () => poll());

  return {
    stats,
    stop: async () => {
      stopping = true;
      await Promise.all(pollers);
    },
  };
};

export type { EventSourceMapping, EventSourceMappingOptions, EventSourceMappingStats };
export { startEventSourceMapping };

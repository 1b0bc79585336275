import { setTimeout as sleep } from 'node:timers/promises';
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { logger } from '../logger.ts';

/** SQS takes at most ten messages per SendMessageBatch. */
const BATCH = 10;
/** SendMessageBatch calls in flight at once. */
const PARALLEL_CALLS = 32;
/** Rounds for the entries SQS refused or a call that failed, before the fan-out gives up. */
const ROUNDS = 4;
const ROUND_PAUSE_MS = 200;

interface QueuedMessage {
  /** Unique within one fan-out (SendMessageBatch entry Id). */
  id: string;
  body: string;
  fanoutId: string;
}

interface EnqueueOutcome {
  queued: number;
  unqueued: number;
  /** The last reason SQS gave for an entry or a call, for the failure message. */
  lastError?: string;
}

let client: SQSClient | undefined;

const sqsClient = (): SQSClient => {
  client ??= new SQSClient({});
  return client;
};

const entryOf = ({ id, body, fanoutId }: QueuedMessage): SendMessageBatchRequestEntry => ({
  Id: id,
  MessageBody: body,
  MessageAttributes: { fanoutId: { DataType: 'String', StringValue: fanoutId } },
});

/**
 * Puts every message on the queue with SendMessageBatch, ten per call and many calls at once;
 * entries SQS refuses and calls that fail are tried again in later rounds, until `deadline`.
 */
const enqueueAll = async (
  queueUrl: string,
  messages: QueuedMessage[],
  deadline: number,
): Promise<EnqueueOutcome> => {
  let pending = messages;
  let queued = 0;
  let lastError: string | undefined;
  for (let round = 0; round < ROUNDS && pending.length > 0; round++) {
    if (round > 0) await sleep(ROUND_PAUSE_MS * round);
    const chunks: QueuedMessage[][] = [];
    for (let start = 0; start < pending.length; start += BATCH) {
      chunks.push(pending.slice(start, start + BATCH));
    }
    const retry: QueuedMessage[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < chunks.length) {
        const chunk = chunks[next++] as QueuedMessage[];
        if (Date.now() >= deadline) {
          retry.push(...chunk);
          continue;
        }
        try {
          const output = await sqsClient().send(
            new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map(entryOf) }),
            { abortSignal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) },
          );
          const refused = new Set((output.Failed ?? []).map((failure) => failure.Id));
          for (const failure of output.Failed ?? []) lastError = failure.Code ?? failure.Message;
          queued += chunk.length - refused.size;
          retry.push(...chunk.filter((message) => refused.has(message.id)));
        } catch (error) {
          lastError = error instanceof Error ? error.name : String(error);
          retry.push(...chunk);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_CALLS, chunks.length) }, worker));
    if (retry.length > 0) {
      logger.warn('Some fan-out messages were not queued; trying again', {
        round,
        unqueued: retry.length,
        lastError,
      });
    }
    pending = retry;
  }
  return { queued, unqueued: pending.length, ...(lastError !== undefined && { lastError }) };
};

/** For tests: the next fan-out makes a new client (after the endpoint changed). */
const clearFanOutClient = (): void => {
  client = undefined;
};

export { clearFanOutClient, enqueueAll };

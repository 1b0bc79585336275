import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SqsRecordLike } from '../events.ts';
import { isEnvelope, isRecord } from '../events.ts';
import { logger } from '../logger.ts';
import { errorName } from '../unexpected.ts';

/**
 * Gives records back to their queue, two ways (README, "Queue mode"):
 * - `requeue`: a record not sent because of pacing (Tencent's rate limit, or no slot before the
 *   deadline) goes back as a new message carrying the same idempotency key, and the original is
 *   deleted. Its receive count starts again, so rate limits alone never move it to the DLQ.
 * - `delayVisibility`: a record that failed goes back through batchItemFailures; this only sets
 *   when SQS shows it again, so that Tencent being down is retried with growing pauses.
 */

let client: Promise<SQSClient> | undefined;

// Loaded on first use: a function that never gives a record back never loads the SQS client.
const sqs = (): Promise<SQSClient> => {
  client ??= import('@aws-sdk/client-sqs').then(({ SQSClient }) => new SQSClient({}));
  return client;
};

/** `arn:aws:sqs:<region>:<account>:<name>` → its queue URL (AWS_ENDPOINT_URL_SQS locally). */
const queueUrlOf = (arn: string, env = process.env): string | undefined => {
  const [, partition, service, region, account, name] = arn.split(':');
  if (service !== 'sqs' || !region || !account || !name) return undefined;
  const endpoint = env.AWS_ENDPOINT_URL_SQS?.trim().replace(/\/+$/, '');
  if (endpoint) return `${endpoint}/${account}/${name}`;
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
};

/** The body a requeued record carries: the envelope, keeping the record's idempotency key. */
const requeuedBody = (record: SqsRecordLike): string | undefined => {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    return undefined;
  }
  if (isEnvelope(body) && typeof body.idempotencyKey === 'string') return record.body;
  const request = isEnvelope(body) ? body.request : body;
  if (!isRecord(request)) return undefined;
  return JSON.stringify({ request, idempotencyKey: record.messageId });
};

const BATCH = 10;

/** Requeues records (all from one queue); resolves with the messageIds that are safely back. */
const requeue = async (records: SqsRecordLike[], delaySeconds: number): Promise<Set<string>> => {
  const back = new Set<string>();
  const queueUrl = records[0]?.eventSourceARN && queueUrlOf(records[0].eventSourceARN);
  if (!queueUrl) return back;
  const entries = records.flatMap((record, index) => {
    const body = requeuedBody(record);
    if (body === undefined) return [];
    const fanoutId = record.messageAttributes?.fanoutId?.stringValue;
    return [
      {
        Id: String(index),
        messageId: record.messageId,
        MessageBody: body,
        DelaySeconds: Math.min(900, Math.max(0, Math.round(delaySeconds))),
        ...(fanoutId && {
          MessageAttributes: { fanoutId: { DataType: 'String', StringValue: fanoutId } },
        }),
      },
    ];
  });
  const { SendMessageBatchCommand } = await import('@aws-sdk/client-sqs');
  const client = await sqs();
  const chunks = [];
  for (let start = 0; start < entries.length; start += BATCH) {
    chunks.push(entries.slice(start, start + BATCH));
  }
  await Promise.all(
    chunks.map(async (chunk) => {
      try {
        const output = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map(({ messageId: _id, ...entry }) => entry),
          }),
        );
        for (const ok of output.Successful ?? []) {
          const entry = chunk.find((candidate) => candidate.Id === ok.Id);
          if (entry) back.add(entry.messageId);
        }
      } catch (error) {
        logger.warn('Could not requeue records; they go back as batch item failures', {
          count: chunk.length,
          errorName: errorName(error),
        });
      }
    }),
  );
  return back;
};

/** Sets when SQS shows each failed record again; a failure here only leaves the queue's timeout. */
const delayVisibility = async (
  records: { record: SqsRecordLike; seconds: number }[],
): Promise<void> => {
  if (records.length === 0) return;
  const { ChangeMessageVisibilityCommand } = await import('@aws-sdk/client-sqs');
  const client = await sqs();
  await Promise.all(
    records.map(async ({ record, seconds }) => {
      const queueUrl = record.eventSourceARN && queueUrlOf(record.eventSourceARN);
      if (!queueUrl || !record.receiptHandle) return;
      try {
        await client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queueUrl,
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: Math.min(43_200, Math.max(0, Math.round(seconds))),
          }),
        );
      } catch (error) {
        logger.warn('Could not change a record’s visibility; the queue’s timeout applies', {
          messageId: record.messageId,
          errorName: errorName(error),
        });
      }
    }),
  );
};

/** For tests: the next give-back makes a new client (after the endpoint changed). */
const clearSqsClient = (): void => {
  client = undefined;
};

export { clearSqsClient, delayVisibility, queueUrlOf, requeue, requeuedBody };

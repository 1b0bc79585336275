import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttribute, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

/**
 * What Lambda's SQS event source mapping makes of received messages, and what it makes of the
 * function's answer with ReportBatchItemFailures on
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html):
 * - success for the whole batch: no answer, an empty object, `batchItemFailures` null or empty;
 * - those records failed: `batchItemFailures` listing their `itemIdentifier`s;
 * - the whole batch failed: an answer that is not an object, a `batchItemFailures` that is not a
 *   list, or an item whose `itemIdentifier` is missing, empty or not a message of the batch.
 */

const toLambdaAttribute = (value: MessageAttributeValue): SQSMessageAttribute => ({
  ...(value.StringValue !== undefined && { stringValue: value.StringValue }),
  ...(value.BinaryValue !== undefined && {
    binaryValue: Buffer.from(value.BinaryValue).toString('base64'),
  }),
  stringListValues: value.StringListValues ?? [],
  binaryListValues: (value.BinaryListValues ?? []).map((item) =>
    Buffer.from(item).toString('base64'),
  ),
  dataType: value.DataType ?? 'String',
});

const toSqsRecord = (message: Message, eventSourceARN: string, awsRegion: string): SQSRecord => {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? '',
      SenderId: attributes.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '',
      ...(attributes.AWSTraceHeader && { AWSTraceHeader: attributes.AWSTraceHeader }),
      ...(attributes.DeadLetterQueueSourceArn && {
        DeadLetterQueueSourceArn: attributes.DeadLetterQueueSourceArn,
      }),
    } satisfies SQSRecordAttributes,
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        toLambdaAttribute(value),
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes && {
      md5OfMessageAttributes: message.MD5OfMessageAttributes,
    }),
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
};

/** The message ids the function reported failed, or 'all' when the whole batch counts as failed. */
const failedIdsOf = (response: unknown, batchIds: ReadonlySet<string>): Set<string> | 'all' => {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== 'object' || Array.isArray(response)) return 'all';
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return 'all';
  const failed = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !batchIds.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
};

export { failedIdsOf, toSqsRecord };

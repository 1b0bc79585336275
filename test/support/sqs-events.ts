import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { toSqsRecord } from '../../emulators/sqs/lambda-records.ts';

/** SQS events as Lambda's event source mapping shapes them (contract section 3). */

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:send-group-msg';

interface RecordOptions {
  messageId?: string;
  receiveCount?: number;
  fanoutId?: string;
  queueArn?: string;
  receiptHandle?: string;
}

const sqsRecord = (body: unknown, options: RecordOptions = {}) => ({
  messageId: options.messageId ?? crypto.randomUUID(),
  receiptHandle: options.receiptHandle ?? `handle-${crypto.randomUUID()}`,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  attributes: {
    ApproximateReceiveCount: String(options.receiveCount ?? 1),
    SentTimestamp: '1763700000000',
    SenderId: 'AIDAEXAMPLE',
    ApproximateFirstReceiveTimestamp: '1763700000000',
  },
  messageAttributes: options.fanoutId
    ? {
        fanoutId: {
          stringValue: options.fanoutId,
          stringListValues: [],
          binaryListValues: [],
          dataType: 'String',
        },
      }
    : {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: options.queueArn ?? QUEUE_ARN,
  awsRegion: 'us-east-1',
});

type SqsTestRecord = ReturnType<typeof sqsRecord>;

/** What ReceiveMessage returned, shaped as the event source mapping hands it to the function. */
const recordFromMessage = (message: Message, queueArn: string): SQSRecord =>
  toSqsRecord(message, queueArn, 'us-east-1');

/** Receives up to ten messages as one SQS event (an empty event when none is visible). */
const receiveEvent = async (client: SQSClient, queueUrl: string, queueArn: string) => {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['All'],
      MessageAttributeNames: ['All'],
      WaitTimeSeconds: 0,
    }),
  );
  return sqsEvent(...Messages.map((message) => recordFromMessage(message, queueArn)));
};

const sqsEvent = (...records: SqsTestRecord[]) => ({ Records: records });

export type { SqsTestRecord };
export { QUEUE_ARN, receiveEvent, recordFromMessage, sqsEvent, sqsRecord };

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

const sqsEvent = (...records: SqsTestRecord[]) => ({ Records: records });

export type { SqsTestRecord };
export { QUEUE_ARN, sqsEvent, sqsRecord };

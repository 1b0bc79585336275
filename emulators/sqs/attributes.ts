import { invalidParameter, SqsError } from './errors.ts';

/**
 * Queue attributes: which ones can be set, their ranges and defaults (from the SQS API reference,
 * SetQueueAttributes), and the RedrivePolicy that names a dead-letter queue.
 */

type QueueAttributes = Record<string, string>;

interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

/** Numeric attributes: [minimum, maximum, default]. */
const NUMERIC: Record<string, [number, number, number]> = {
  DelaySeconds: [0, 900, 0],
  MaximumMessageSize: [1024, 1_048_576, 1_048_576],
  MessageRetentionPeriod: [60, 1_209_600, 345_600],
  ReceiveMessageWaitTimeSeconds: [0, 20, 0],
  VisibilityTimeout: [0, 43_200, 30],
  KmsDataKeyReusePeriodSeconds: [60, 86_400, 300],
};

/** Kept and returned as given; the stand-in does not act on them. */
const PASSIVE = new Set(['Policy', 'RedriveAllowPolicy', 'KmsMasterKeyId', 'SqsManagedSseEnabled']);

/** Computed from the queue's state when asked for. */
const COMPUTED = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
];

const ALL_NAMES = new Set([...Object.keys(NUMERIC), ...PASSIVE, 'RedrivePolicy', ...COMPUTED]);

const defaultAttributes = (): QueueAttributes =>
  Object.fromEntries(
    Object.entries(NUMERIC)
      .filter(([name]) => name !== 'KmsDataKeyReusePeriodSeconds')
      .map(([name, [, , fallback]]) => [name, String(fallback)]),
  );

const parseRedrivePolicy = (value: string, dlqExists: (arn: string) => boolean): RedrivePolicy => {
  let parsed: { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
  try {
    parsed = JSON.parse(value) as typeof parsed;
  } catch {
    throw invalidParameter(
      'RedrivePolicy',
      value,
      'Invalid value for the parameter RedrivePolicy.',
    );
  }
  const count = Number(parsed.maxReceiveCount);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidParameter('RedrivePolicy', value, 'Invalid value for maxReceiveCount: 1 to 1000.');
  }
  const arn = parsed.deadLetterTargetArn;
  if (typeof arn !== 'string' || !dlqExists(arn)) {
    throw invalidParameter('RedrivePolicy', value, 'Dead letter target does not exist.');
  }
  return { deadLetterTargetArn: arn, maxReceiveCount: count };
};

/** Checks attributes given to CreateQueue or SetQueueAttributes; answers them normalised. */
const checkQueueAttributes = (
  input: unknown,
  dlqExists: (arn: string) => boolean,
): QueueAttributes => {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object') throw invalidParameter('Attributes', input, 'not a map');
  const checked: QueueAttributes = {};
  for (const [name, raw] of Object.entries(input as Record<string, unknown>)) {
    const value = String(raw);
    if (name === 'FifoQueue' || name === 'ContentBasedDeduplication') {
      if (value === 'false') continue;
      throw new SqsError('InvalidAttributeName', `The stand-in has no FIFO queues: ${name}.`);
    }
    const range = NUMERIC[name];
    if (range) {
      const number = Number(value);
      if (!/^\d+$/.test(value) || number < range[0] || number > range[1]) {
        throw new SqsError(
          'InvalidAttributeValue',
          `Invalid value for the parameter ${name}: must be an integer from ${range[0]} to ${range[1]}.`,
        );
      }
      checked[name] = String(number);
    } else if (name === 'RedrivePolicy') {
      checked[name] = value === '' ? '' : JSON.stringify(parseRedrivePolicy(value, dlqExists));
    } else if (PASSIVE.has(name)) {
      checked[name] = value;
    } else {
      throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
  }
  return checked;
};

/** Names asked for by GetQueueAttributes ('All' for all); unknown ones are an error, as in SQS. */
const selectAttributeNames = (names: unknown): string[] => {
  const asked = Array.isArray(names) ? names.map(String) : [];
  for (const name of asked) {
    if (name !== 'All' && !ALL_NAMES.has(name)) {
      throw new SqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
  }
  return asked.includes('All') ? [...ALL_NAMES] : asked;
};

const redrivePolicyOf = (attributes: QueueAttributes): RedrivePolicy | undefined =>
  attributes.RedrivePolicy ? (JSON.parse(attributes.RedrivePolicy) as RedrivePolicy) : undefined;

const numberOf = (attributes: QueueAttributes, name: keyof typeof NUMERIC): number =>
  Number(attributes[name] ?? NUMERIC[name]?.[2] ?? 0);

export type { QueueAttributes, RedrivePolicy };
export { checkQueueAttributes, defaultAttributes, numberOf, redrivePolicyOf, selectAttributeNames };

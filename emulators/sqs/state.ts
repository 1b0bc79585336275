import {
  checkQueueAttributes,
  defaultAttributes,
  numberOf,
  type QueueAttributes,
} from './attributes.ts';
import { invalidParameter, SqsError } from './errors.ts';
import type { StoredMessage } from './message.ts';

/**
 * The queues and their messages, on the stand-in's clock: delays and visibility timeouts are
 * instants compared with `now()`, so tests move time instead of waiting (delivery.ts moves messages).
 */

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const QUEUE_NAME = /^[\w-]{1,80}$/;

interface Queue {
  name: string;
  url: string;
  arn: string;
  createdAt: number;
  lastModifiedAt: number;
  attributes: QueueAttributes;
  /** In order of arrival; a Map keeps insertion order. */
  messages: Map<string, StoredMessage>;
  /** Long polls waiting on this queue, woken when a message may have become available. */
  waiters: Set<() => void>;
}

interface SqsState {
  queues: Map<string, Queue>;
  now: () => number;
}

const createState = (now: () => number): SqsState => ({ queues: new Map(), now });

const arnOf = (name: string): string => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;

const findByArn = (state: SqsState, arn: string): Queue | undefined =>
  [...state.queues.values()].find((queue) => queue.arn === arn);

/** The queue a QueueUrl names; any host, as the SDK may rewrite it. */
const findByUrl = (state: SqsState, url: unknown): Queue => {
  if (typeof url !== 'string' || url === '') {
    throw new SqsError('MissingParameter', 'The request must contain the parameter QueueUrl.');
  }
  const [account, name] = url
    .replace(/^https?:\/\/[^/]+/, '')
    .split('/')
    .filter(Boolean);
  const queue = account === ACCOUNT && name ? state.queues.get(name) : undefined;
  if (!queue) throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');
  return queue;
};

const createQueue = (
  state: SqsState,
  baseUrl: string,
  name: unknown,
  attributes: unknown,
): Queue => {
  if (typeof name !== 'string' || !QUEUE_NAME.test(name)) {
    throw invalidParameter(
      'QueueName',
      name,
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.',
    );
  }
  const checked = checkQueueAttributes(attributes, (arn) => Boolean(findByArn(state, arn)));
  const existing = state.queues.get(name);
  if (existing) {
    const differs = Object.entries(checked).some(
      ([key, value]) => existing.attributes[key] !== value,
    );
    if (differs) {
      throw new SqsError(
        'QueueNameExists',
        'A queue already exists with the same name and a different value for attribute(s).',
      );
    }
    return existing;
  }
  const created = Math.floor(state.now() / 1000);
  const queue: Queue = {
    name,
    url: `${baseUrl}/${ACCOUNT}/${name}`,
    arn: arnOf(name),
    createdAt: created,
    lastModifiedAt: created,
    attributes: { ...defaultAttributes(), ...checked },
    messages: new Map(),
    waiters: new Set(),
  };
  if (queue.attributes.RedrivePolicy === '') delete queue.attributes.RedrivePolicy;
  state.queues.set(name, queue);
  return queue;
};

const setAttributes = (state: SqsState, queue: Queue, attributes: unknown): void => {
  const checked = checkQueueAttributes(attributes, (arn) => Boolean(findByArn(state, arn)));
  Object.assign(queue.attributes, checked);
  if (queue.attributes.RedrivePolicy === '') delete queue.attributes.RedrivePolicy;
  queue.lastModifiedAt = Math.floor(state.now() / 1000);
  wake(queue);
};

const wake = (queue: Queue): void => {
  for (const waiter of queue.waiters) waiter();
};

/** Drops messages older than the retention period, as SQS does. */
const expire = (state: SqsState, queue: Queue): void => {
  const oldest = state.now() - numberOf(queue.attributes, 'MessageRetentionPeriod') * 1000;
  for (const [id, message] of queue.messages) {
    if (message.sentTimestamp < oldest) queue.messages.delete(id);
  }
};

type MessageState = 'visible' | 'in-flight' | 'delayed';

/** Where a message stands at `now`: receivable, received and not yet visible again, or delayed. */
const messageState = (message: StoredMessage, now: number): MessageState =>
  message.visibleAt <= now ? 'visible' : message.receiveCount > 0 ? 'in-flight' : 'delayed';

const COUNTED_AS = { visible: 'visible', 'in-flight': 'inFlight', delayed: 'delayed' } as const;

type Counts = Record<(typeof COUNTED_AS)[MessageState], number>;

/** The queue's messages by state, once those past their retention period are dropped. */
const counts = (state: SqsState, queue: Queue): Counts => {
  expire(state, queue);
  const now = state.now();
  const result = { visible: 0, inFlight: 0, delayed: 0 };
  for (const message of queue.messages.values()) {
    result[COUNTED_AS[messageState(message, now)]] += 1;
  }
  return result;
};

export type { Counts, Queue, SqsState };
export {
  counts,
  createQueue,
  createState,
  expire,
  findByArn,
  findByUrl,
  messageState,
  setAttributes,
  wake,
};

import { randomBytes, randomUUID } from 'node:crypto';
import { numberOf, redrivePolicyOf } from './attributes.ts';
import { invalidParameter, SqsError } from './errors.ts';
import { type MessageAttributes, md5, md5OfAttributes, type StoredMessage } from './message.ts';
import { expire, findByArn, type Queue, type SqsState, wake } from './state.ts';

/**
 * A message's way through a queue: sent (maybe delayed), received (hidden for the visibility
 * timeout, with a new receipt handle each time), deleted or made visible again, and moved to the
 * dead-letter queue at the receive after its maxReceiveCount-th, as SQS does.
 */

interface Handle {
  queue: string;
  messageId: string;
  receipt: number;
}

const enqueue = (
  state: SqsState,
  queue: Queue,
  input: { body: string; attributes: MessageAttributes; delaySeconds?: number; senderId: string },
): StoredMessage => {
  const now = state.now();
  const delay = input.delaySeconds ?? numberOf(queue.attributes, 'DelaySeconds');
  const message: StoredMessage = {
    messageId: randomUUID(),
    body: input.body,
    md5OfBody: md5(input.body),
    attributes: input.attributes,
    md5OfMessageAttributes: md5OfAttributes(input.attributes),
    senderId: input.senderId,
    sentTimestamp: now,
    firstReceiveTimestamp: undefined,
    receiveCount: 0,
    visibleAt: now + delay * 1000,
    receiptHandle: undefined,
  };
  queue.messages.set(message.messageId, message);
  wake(queue);
  return message;
};

const encodeHandle = (handle: Handle): string =>
  Buffer.concat([
    Buffer.from(JSON.stringify([handle.queue, handle.messageId, handle.receipt])),
    randomBytes(8),
  ]).toString('base64url');

const decodeHandle = (queue: Queue, receiptHandle: unknown): Handle => {
  try {
    const raw = Buffer.from(String(receiptHandle), 'base64url').subarray(0, -8).toString('utf8');
    const [name, messageId, receipt] = JSON.parse(raw) as [string, string, number];
    if (name === queue.name && typeof messageId === 'string' && Number.isInteger(receipt)) {
      return { queue: name, messageId, receipt };
    }
  } catch {
    // answered below
  }
  throw new SqsError(
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${String(receiptHandle)}" is not a valid receipt handle.`,
  );
};

/** Moves a message that was received maxReceiveCount times to the dead-letter queue. */
const redrive = (state: SqsState, queue: Queue, message: StoredMessage): boolean => {
  const policy = redrivePolicyOf(queue.attributes);
  if (!policy || message.receiveCount < policy.maxReceiveCount) return false;
  const target = findByArn(state, policy.deadLetterTargetArn);
  if (!target) return false;
  queue.messages.delete(message.messageId);
  target.messages.set(message.messageId, {
    ...message,
    receiveCount: 0,
    firstReceiveTimestamp: undefined,
    receiptHandle: undefined,
    visibleAt: state.now(),
    deadLetterSourceArn: queue.arn,
  });
  wake(target);
  return true;
};

/** Takes up to `max` visible messages, hiding them for `visibilityTimeout` seconds. */
const receive = (
  state: SqsState,
  queue: Queue,
  max: number,
  visibilityTimeout: number,
): StoredMessage[] => {
  expire(state, queue);
  const now = state.now();
  const taken: StoredMessage[] = [];
  for (const message of queue.messages.values()) {
    if (taken.length >= max) break;
    if (message.visibleAt > now || redrive(state, queue, message)) continue;
    message.receiveCount += 1;
    message.firstReceiveTimestamp ??= now;
    message.visibleAt = now + visibilityTimeout * 1000;
    message.receiptHandle = encodeHandle({
      queue: queue.name,
      messageId: message.messageId,
      receipt: message.receiveCount,
    });
    taken.push(message);
  }
  return taken;
};

/** Deletes by receipt handle; a handle of a message already gone succeeds, as in SQS. */
const deleteMessage = (queue: Queue, receiptHandle: unknown): void => {
  const handle = decodeHandle(queue, receiptHandle);
  const message = queue.messages.get(handle.messageId);
  if (message && message.receiptHandle === receiptHandle) queue.messages.delete(handle.messageId);
};

const changeVisibility = (
  state: SqsState,
  queue: Queue,
  receiptHandle: unknown,
  timeout: unknown,
): void => {
  const handle = decodeHandle(queue, receiptHandle);
  if (
    typeof timeout !== 'number' ||
    !Number.isInteger(timeout) ||
    timeout < 0 ||
    timeout > 43_200
  ) {
    throw invalidParameter(
      'VisibilityTimeout',
      timeout,
      'VisibilityTimeout must be an integer from 0 to 43200.',
    );
  }
  const message = queue.messages.get(handle.messageId);
  const now = state.now();
  if (!message || message.receiptHandle !== receiptHandle || message.visibleAt <= now) {
    throw new SqsError('MessageNotInflight', 'The message referred to is not in flight.');
  }
  message.visibleAt = now + timeout * 1000;
  if (timeout === 0) wake(queue);
};

export { changeVisibility, deleteMessage, enqueue, receive };

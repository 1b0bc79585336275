import { setTimeout as sleep } from 'node:timers/promises';
import { defaultWaitSeconds } from './actions-queues.ts';
import { numberOf } from './attributes.ts';
import { type BatchEntry, checkBatch, runBatch } from './batch.ts';
import type { Action, ActionContext, Input } from './context.ts';
import { changeVisibility, deleteMessage, enqueue, receive } from './delivery.ts';
import { invalidParameter, SqsError } from './errors.ts';
import {
  checkAttributes,
  checkBody,
  type MessageAttributes,
  md5OfAttributes,
  messageSize,
  type StoredMessage,
} from './message.ts';
import { findByUrl, type Queue } from './state.ts';

/** The message actions: send, receive (with long polling), delete and change visibility. */

/** Today's SQS limit for a message and for a whole batch (the SDK's API reference: 1 MiB). */
const MAX_BATCH_BYTES = 1_048_576;
/** How often a long poll looks again for messages whose delay or visibility timeout ran out. */
const RECHECK_MS = 100;

const integerIn = (name: string, value: unknown, min: number, max: number): number | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidParameter(name, value, `Must be between ${min} and ${max}, if provided.`);
  }
  return value;
};

const send = (context: ActionContext, queue: Queue, entry: Input) => {
  const body = checkBody(entry.MessageBody);
  const attributes = checkAttributes(entry.MessageAttributes);
  const delaySeconds = integerIn('DelaySeconds', entry.DelaySeconds, 0, 900);
  const limit = numberOf(queue.attributes, 'MaximumMessageSize');
  if (messageSize(body, attributes) > limit) {
    throw new SqsError(
      'InvalidParameterValue',
      `One or more parameters are invalid. Reason: Message must be shorter than ${limit} bytes.`,
    );
  }
  const message = enqueue(context.state, queue, {
    body,
    attributes,
    ...(delaySeconds !== undefined && { delaySeconds }),
    senderId: context.senderId,
  });
  return {
    MessageId: message.messageId,
    MD5OfMessageBody: message.md5OfBody,
    ...(message.md5OfMessageAttributes && {
      MD5OfMessageAttributes: message.md5OfMessageAttributes,
    }),
  };
};

const SendMessage: Action = (context, input) =>
  send(context, findByUrl(context.state, input.QueueUrl), input);

const SendMessageBatch: Action = (context, input) => {
  const queue = findByUrl(context.state, input.QueueUrl);
  const entries = checkBatch(input.Entries);
  const total = entries.reduce((sum, entry) => {
    const body = typeof entry.MessageBody === 'string' ? entry.MessageBody : '';
    return sum + messageSize(body, (entry.MessageAttributes ?? {}) as MessageAttributes);
  }, 0);
  if (total > MAX_BATCH_BYTES) {
    throw new SqsError(
      'BatchRequestTooLong',
      `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`,
    );
  }
  return runBatch(entries, (entry) => send(context, queue, entry), context.failEntries);
};

const systemAttributesOf = (message: StoredMessage): Record<string, string | undefined> => ({
  SenderId: message.senderId,
  SentTimestamp: String(message.sentTimestamp),
  ApproximateReceiveCount: String(message.receiveCount),
  ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
  DeadLetterQueueSourceArn: message.deadLetterSourceArn,
});

const selectSystemAttributes = (message: StoredMessage, names: string[]) => {
  const all = systemAttributesOf(message);
  const picked = Object.entries(all).filter(
    ([name, value]) => value !== undefined && (names.includes('All') || names.includes(name)),
  );
  return picked.length > 0 ? { Attributes: Object.fromEntries(picked) } : {};
};

const selectMessageAttributes = (message: StoredMessage, names: string[]) => {
  const wanted = (name: string) =>
    names.some(
      (pattern) =>
        pattern === 'All' ||
        pattern === '.*' ||
        pattern === name ||
        (pattern.endsWith('.*') && name.startsWith(pattern.slice(0, -1))),
    );
  const picked = Object.fromEntries(
    Object.entries(message.attributes).filter(([name]) => wanted(name)),
  );
  const digest = md5OfAttributes(picked);
  return digest ? { MessageAttributes: picked, MD5OfMessageAttributes: digest } : {};
};

const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** Waits for messages until one arrives, the wait ends or the caller hangs up. */
const longPoll = async (
  context: ActionContext,
  queue: Queue,
  take: () => StoredMessage[],
  waitSeconds: number,
): Promise<StoredMessage[]> => {
  const deadline = Date.now() + waitSeconds * 1000;
  while (Date.now() < deadline && !context.signal.aborted) {
    const wakeUp = new AbortController();
    const waiter = () => wakeUp.abort();
    queue.waiters.add(waiter);
    const stop = AbortSignal.any([wakeUp.signal, context.signal]);
    await sleep(Math.min(RECHECK_MS, deadline - Date.now()), undefined, { signal: stop }).catch(
      () => undefined,
    );
    queue.waiters.delete(waiter);
    if (context.signal.aborted || !context.state.queues.has(queue.name)) return [];
    const messages = take();
    if (messages.length > 0) return messages;
  }
  return [];
};

const ReceiveMessage: Action = async (context, input) => {
  const queue = findByUrl(context.state, input.QueueUrl);
  const max = integerIn('MaxNumberOfMessages', input.MaxNumberOfMessages, 1, 10) ?? 1;
  const visibility =
    integerIn('VisibilityTimeout', input.VisibilityTimeout, 0, 43_200) ??
    numberOf(queue.attributes, 'VisibilityTimeout');
  const wait =
    integerIn('WaitTimeSeconds', input.WaitTimeSeconds, 0, 20) ?? defaultWaitSeconds(queue);
  const take = () => receive(context.state, queue, max, visibility);
  let messages = take();
  if (messages.length === 0 && wait > 0) messages = await longPoll(context, queue, take, wait);
  if (context.duplicate) {
    for (const message of messages) message.visibleAt = context.state.now();
  }
  const systemNames = [
    ...asStrings(input.AttributeNames),
    ...asStrings(input.MessageSystemAttributeNames),
  ];
  const attributeNames = asStrings(input.MessageAttributeNames);
  if (messages.length === 0) return {};
  return {
    Messages: messages.map((message) => ({
      MessageId: message.messageId,
      ReceiptHandle: message.receiptHandle,
      MD5OfBody: message.md5OfBody,
      Body: message.body,
      ...selectSystemAttributes(message, systemNames),
      ...selectMessageAttributes(message, attributeNames),
    })),
  };
};

const DeleteMessage: Action = ({ state }, input) => {
  deleteMessage(findByUrl(state, input.QueueUrl), input.ReceiptHandle);
  return {};
};

const DeleteMessageBatch: Action = ({ state, failEntries }, input) => {
  const queue = findByUrl(state, input.QueueUrl);
  return runBatch(
    checkBatch(input.Entries),
    (entry: BatchEntry) => {
      deleteMessage(queue, entry.ReceiptHandle);
      return {};
    },
    failEntries,
  );
};

const ChangeMessageVisibility: Action = ({ state }, input) => {
  changeVisibility(
    state,
    findByUrl(state, input.QueueUrl),
    input.ReceiptHandle,
    input.VisibilityTimeout,
  );
  return {};
};

const ChangeMessageVisibilityBatch: Action = ({ state, failEntries }, input) => {
  const queue = findByUrl(state, input.QueueUrl);
  return runBatch(
    checkBatch(input.Entries),
    (entry: BatchEntry) => {
      changeVisibility(state, queue, entry.ReceiptHandle, entry.VisibilityTimeout);
      return {};
    },
    failEntries,
  );
};

const MESSAGE_ACTIONS: Record<string, Action> = {
  SendMessage,
  SendMessageBatch,
  ReceiveMessage,
  DeleteMessage,
  DeleteMessageBatch,
  ChangeMessageVisibility,
  ChangeMessageVisibilityBatch,
};

export { MESSAGE_ACTIONS };

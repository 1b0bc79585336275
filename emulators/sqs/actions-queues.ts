import { numberOf, selectAttributeNames } from './attributes.ts';
import type { Action } from './context.ts';
import { invalidParameter, SqsError } from './errors.ts';
import {
  type Counts,
  counts,
  createQueue,
  findByUrl,
  type Queue,
  setAttributes,
  wake,
} from './state.ts';

/** The queue actions: create, find, list, attributes, purge, delete. */

/** An attribute's value; `tally` gives the queue's counts, computed once for all names asked. */
const attributeValue = (queue: Queue, name: string, tally: () => Counts): string | undefined => {
  switch (name) {
    case 'ApproximateNumberOfMessages':
      return String(tally().visible);
    case 'ApproximateNumberOfMessagesNotVisible':
      return String(tally().inFlight);
    case 'ApproximateNumberOfMessagesDelayed':
      return String(tally().delayed);
    case 'CreatedTimestamp':
      return String(queue.createdAt);
    case 'LastModifiedTimestamp':
      return String(queue.lastModifiedAt);
    case 'QueueArn':
      return queue.arn;
    default:
      return queue.attributes[name];
  }
};

const CreateQueue: Action = ({ state, baseUrl }, input) => ({
  QueueUrl: createQueue(state, baseUrl, input.QueueName, input.Attributes).url,
});

const GetQueueUrl: Action = ({ state }, input) => {
  const queue = typeof input.QueueName === 'string' ? state.queues.get(input.QueueName) : undefined;
  if (!queue) throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.');
  return { QueueUrl: queue.url };
};

const ListQueues: Action = ({ state }, input) => {
  const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
  const max = input.MaxResults === undefined ? 1000 : Number(input.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw invalidParameter('MaxResults', input.MaxResults, 'MaxResults must be from 1 to 1000.');
  }
  const names = [...state.queues.keys()].filter((name) => name.startsWith(prefix)).sort();
  const start = typeof input.NextToken === 'string' ? Number(input.NextToken) || 0 : 0;
  const page = names.slice(start, start + max);
  const urls = page.map((name) => (state.queues.get(name) as Queue).url);
  const more = input.MaxResults !== undefined && start + max < names.length;
  return {
    ...(urls.length > 0 && { QueueUrls: urls }),
    ...(more && { NextToken: String(start + max) }),
  };
};

const GetQueueAttributes: Action = ({ state }, input) => {
  const queue = findByUrl(state, input.QueueUrl);
  const names = selectAttributeNames(input.AttributeNames);
  let counted: Counts | undefined;
  const tally = (): Counts => {
    counted ??= counts(state, queue);
    return counted;
  };
  const entries = names
    .map((name) => [name, attributeValue(queue, name, tally)] as const)
    .filter(([, value]) => value !== undefined);
  return entries.length > 0 ? { Attributes: Object.fromEntries(entries) } : {};
};

const SetQueueAttributes: Action = ({ state }, input) => {
  setAttributes(state, findByUrl(state, input.QueueUrl), input.Attributes);
  return {};
};

const PurgeQueue: Action = ({ state }, input) => {
  findByUrl(state, input.QueueUrl).messages.clear();
  return {};
};

const DeleteQueue: Action = ({ state }, input) => {
  const queue = findByUrl(state, input.QueueUrl);
  state.queues.delete(queue.name);
  wake(queue);
  return {};
};

/** The wait a ReceiveMessage without WaitTimeSeconds gets: the queue's own. */
const defaultWaitSeconds = (queue: Queue): number =>
  numberOf(queue.attributes, 'ReceiveMessageWaitTimeSeconds');

const QUEUE_ACTIONS: Record<string, Action> = {
  CreateQueue,
  GetQueueUrl,
  ListQueues,
  GetQueueAttributes,
  SetQueueAttributes,
  PurgeQueue,
  DeleteQueue,
};

export { defaultWaitSeconds, QUEUE_ACTIONS };

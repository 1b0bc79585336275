import { randomUUID } from 'node:crypto';
import { redrivePolicyOf } from './attributes.ts';
import type { Action } from './context.ts';
import { invalidParameter, SqsError } from './errors.ts';
import { findByArn, messageState, type Queue, type SqsState, wake } from './state.ts';

/**
 * Dead-letter queue redrive, as SQS does it: StartMessageMoveTask moves the messages a dead-letter
 * queue holds when the task starts back to the queue each came from (or to a given queue), at most
 * MaxNumberOfMessagesPerSecond a second; ListMessageMoveTasks shows a source's tasks, newest first;
 * CancelMessageMoveTask stops a running one. One running task per source queue. A moved message
 * keeps its body, attributes and id, and starts over with no receives.
 */

type Status = 'RUNNING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

interface MoveTask {
  handle: string;
  source: Queue;
  destinationArn: string | undefined;
  perSecond: number | undefined;
  status: Status;
  moved: number;
  toMove: number;
  startedAt: number;
  failureReason?: string;
  /** The messages taken at the start, in order of arrival. */
  pending: string[];
}

/** A pace SQS calls "system optimized" when none is given; 500 is its upper bound. */
const DEFAULT_PER_SECOND = 500;
const MAX_PER_SECOND = 500;
const TICK_MS = 100;

const tasksOf = new WeakMap<SqsState, MoveTask[]>();

const allTasks = (state: SqsState): MoveTask[] => {
  let tasks = tasksOf.get(state);
  if (!tasks) {
    tasks = [];
    tasksOf.set(state, tasks);
  }
  return tasks;
};

const queueByArn = (state: SqsState, arn: unknown, field: string): Queue => {
  if (typeof arn !== 'string' || arn === '') {
    throw new SqsError('MissingParameter', `The request must contain the parameter ${field}.`);
  }
  const queue = findByArn(state, arn);
  if (!queue)
    throw new SqsError('ResourceNotFoundException', `The resource ${arn} does not exist.`);
  return queue;
};

const isDeadLetterQueue = (state: SqsState, queue: Queue): boolean =>
  [...state.queues.values()].some(
    (candidate) => redrivePolicyOf(candidate.attributes)?.deadLetterTargetArn === queue.arn,
  );

/** Moves up to `count` of the task's messages; false once it has nothing left or failed. */
const moveSome = (state: SqsState, task: MoveTask, count: number): boolean => {
  for (let moved = 0; moved < count && task.pending.length > 0; moved += 1) {
    const id = task.pending[0] as string;
    const message = task.source.messages.get(id);
    // Received or deleted since the task started: no longer the task's to move.
    if (!message || messageState(message, state.now()) !== 'visible') {
      task.pending.shift();
      task.toMove -= 1;
      continue;
    }
    const targetArn = task.destinationArn ?? message.deadLetterSourceArn;
    const target = targetArn === undefined ? undefined : findByArn(state, targetArn);
    if (!target) {
      task.status = 'FAILED';
      task.failureReason = `Message ${id} has no source queue to return to; give a DestinationArn.`;
      return false;
    }
    task.pending.shift();
    task.source.messages.delete(id);
    const { deadLetterSourceArn: _from, ...rest } = message;
    target.messages.set(id, {
      ...rest,
      receiveCount: 0,
      firstReceiveTimestamp: undefined,
      receiptHandle: undefined,
      visibleAt: state.now(),
    });
    task.moved += 1;
    wake(target);
  }
  return task.pending.length > 0;
};

const run = (state: SqsState, task: MoveTask): void => {
  const perTick = Math.max(
    1,
    Math.round(((task.perSecond ?? DEFAULT_PER_SECOND) * TICK_MS) / 1000),
  );
  const step = (): void => {
    if (task.status !== 'RUNNING') return;
    if (moveSome(state, task, perTick)) setTimeout(step, TICK_MS).unref();
    else if (task.status === 'RUNNING') task.status = 'COMPLETED';
  };
  setImmediate(step);
};

const StartMessageMoveTask: Action = ({ state }, input) => {
  const source = queueByArn(state, input.SourceArn, 'SourceArn');
  if (!isDeadLetterQueue(state, source)) {
    throw invalidParameter(
      'SourceArn',
      input.SourceArn,
      'Source queue must be configured as a Dead Letter Queue.',
    );
  }
  const destinationArn =
    input.DestinationArn === undefined
      ? undefined
      : queueByArn(state, input.DestinationArn, 'DestinationArn').arn;
  const perSecond = input.MaxNumberOfMessagesPerSecond;
  if (
    perSecond !== undefined &&
    (typeof perSecond !== 'number' ||
      !Number.isInteger(perSecond) ||
      perSecond < 1 ||
      perSecond > MAX_PER_SECOND)
  ) {
    throw invalidParameter(
      'MaxNumberOfMessagesPerSecond',
      perSecond,
      'Must be an integer from 1 to 500.',
    );
  }
  const tasks = allTasks(state);
  if (tasks.some((task) => task.source === source && task.status === 'RUNNING')) {
    throw invalidParameter(
      'SourceArn',
      source.arn,
      'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
    );
  }
  const now = state.now();
  const pending = [...source.messages.values()]
    .filter((message) => messageState(message, now) === 'visible')
    .map((message) => message.messageId);
  const task: MoveTask = {
    handle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: source.arn })).toString(
      'base64',
    ),
    source,
    destinationArn,
    perSecond: perSecond as number | undefined,
    status: 'RUNNING',
    moved: 0,
    toMove: pending.length,
    startedAt: now,
    pending,
  };
  tasks.unshift(task);
  run(state, task);
  return { TaskHandle: task.handle };
};

const ListMessageMoveTasks: Action = ({ state }, input) => {
  const source = queueByArn(state, input.SourceArn, 'SourceArn');
  const max = input.MaxResults === undefined ? 1 : Number(input.MaxResults);
  if (!Number.isInteger(max) || max < 1 || max > 10) {
    throw invalidParameter('MaxResults', input.MaxResults, 'MaxResults must be from 1 to 10.');
  }
  const results = allTasks(state)
    .filter((task) => task.source === source)
    .slice(0, max)
    .map((task) => ({
      ...(task.status === 'RUNNING' && { TaskHandle: task.handle }),
      Status: task.status,
      SourceArn: source.arn,
      ...(task.destinationArn && { DestinationArn: task.destinationArn }),
      ...(task.perSecond && { MaxNumberOfMessagesPerSecond: task.perSecond }),
      ApproximateNumberOfMessagesMoved: task.moved,
      ApproximateNumberOfMessagesToMove: task.toMove,
      ...(task.failureReason && { FailureReason: task.failureReason }),
      StartedTimestamp: task.startedAt,
    }));
  return { Results: results };
};

const CancelMessageMoveTask: Action = ({ state }, input) => {
  const task = allTasks(state).find(
    (candidate) => candidate.handle === input.TaskHandle && candidate.status === 'RUNNING',
  );
  if (!task)
    throw new SqsError('ResourceNotFoundException', 'No running task has this TaskHandle.');
  task.status = 'CANCELLED';
  task.pending = [];
  return { ApproximateNumberOfMessagesMoved: task.moved };
};

const MOVE_ACTIONS: Record<string, Action> = {
  StartMessageMoveTask,
  ListMessageMoveTasks,
  CancelMessageMoveTask,
};

export { MOVE_ACTIONS };

import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../loopback-server.ts';
import { isSqsErrorName, type SqsErrorName } from './errors.ts';
import { counts, messageState, type SqsState } from './state.ts';

/**
 * The test control endpoint, beside the SQS protocol on the same port:
 * - `POST /_control/faults` `{ "action": "SendMessageBatch", "failEntries": 3, "count": 1 }` makes the
 *   next `count` calls of the action report their first entries Failed (retryable, SenderFault false);
 *   `{ "action": "ReceiveMessage", "error": "InternalError" }` fails whole requests (500 by default);
 *   `delayMs` delays the answer; `{ "action": "ReceiveMessage", "duplicate": true }` leaves what the
 *   next receive takes visible, so it is delivered again (SQS delivers at least once).
 *   `action` "*" matches every action.
 * - `DELETE /_control/faults` clears them.
 * - `GET /_control/queues` shows every queue, its attributes, counts and messages.
 */

interface Fault {
  action: string;
  remaining: number;
  failEntries?: number;
  error?: SqsErrorName;
  delayMs?: number;
  duplicate?: boolean;
}

interface Faults {
  add: (fault: Omit<Fault, 'remaining'> & { count?: number }) => void;
  clear: () => void;
  /** The fault for this call of `action`, counted as used. */
  take: (action: string) => Fault | undefined;
}

const createFaults = (): Faults => {
  let faults: Fault[] = [];
  return {
    add: ({ count = 1, ...fault }) => {
      const other = fault.failEntries !== undefined || fault.delayMs || fault.duplicate;
      if (fault.error === undefined && !other) {
        fault.error = 'InternalError';
      }
      faults.push({ ...fault, remaining: count });
    },
    clear: () => {
      faults = [];
    },
    take: (action) => {
      const fault = faults.find((f) => f.action === action || f.action === '*');
      if (!fault) return undefined;
      fault.remaining -= 1;
      faults = faults.filter((f) => f.remaining > 0);
      return fault;
    },
  };
};

const describeQueues = (state: SqsState) => {
  const now = state.now();
  return [...state.queues.values()].map((queue) => ({
    name: queue.name,
    url: queue.url,
    arn: queue.arn,
    attributes: queue.attributes,
    counts: counts(state, queue),
    messages: [...queue.messages.values()].map((message) => ({
      messageId: message.messageId,
      body: message.body,
      attributes: message.attributes,
      receiveCount: message.receiveCount,
      sentTimestamp: message.sentTimestamp,
      state: messageState(message, now),
      ...(message.deadLetterSourceArn && { deadLetterSourceArn: message.deadLetterSourceArn }),
    })),
  }));
};

const handleControl = async (
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  state: SqsState,
  faults: Faults,
): Promise<void> => {
  if (request.method === 'GET' && path === '/_control/queues') {
    return sendJson(response, 200, { queues: describeQueues(state) });
  }
  if (request.method === 'DELETE' && path === '/_control/faults') {
    faults.clear();
    return sendJson(response, 200, { ok: true });
  }
  if (request.method === 'POST' && path === '/_control/faults') {
    const body = JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>;
    const { action, count, failEntries, error, delayMs, duplicate } = body;
    const problems = [
      typeof action !== 'string' && 'action must be an action name or "*"',
      count !== undefined &&
        !(Number.isInteger(count) && Number(count) > 0) &&
        'count must be a positive integer',
      failEntries !== undefined &&
        !(Number.isInteger(failEntries) && Number(failEntries) > 0) &&
        'failEntries must be a positive integer',
      error !== undefined &&
        !isSqsErrorName(error) &&
        `error must be one of the stand-in's error names`,
      duplicate !== undefined &&
        typeof duplicate !== 'boolean' &&
        'duplicate must be true or false',
      delayMs !== undefined &&
        !(typeof delayMs === 'number' && delayMs >= 0) &&
        'delayMs must be a number of milliseconds',
    ].filter(Boolean);
    if (problems.length > 0) return sendJson(response, 400, { error: problems.join('; ') });
    faults.add(body as Omit<Fault, 'remaining'>);
    return sendJson(response, 200, { ok: true });
  }
  sendJson(response, 404, { error: `no control endpoint ${request.method} ${path}` });
};

export type { Fault, Faults };
export { createFaults, handleControl };

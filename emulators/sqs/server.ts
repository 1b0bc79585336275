import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { type LoopbackServer, readBody, startLoopbackServer } from '../loopback-server.ts';
import { MESSAGE_ACTIONS } from './actions-messages.ts';
import { MOVE_ACTIONS } from './actions-move.ts';
import { QUEUE_ACTIONS } from './actions-queues.ts';
import type { ActionContext, Input } from './context.ts';
import { createFaults, type Faults, handleControl } from './control.ts';
import { SqsError } from './errors.ts';
import { createQueue, createState, type Queue, type SqsState } from './state.ts';

/**
 * A loopback stand-in for Amazon SQS speaking the AWS JSON 1.0 protocol that `@aws-sdk/client-sqs`
 * v3 sends (`x-amz-target: AmazonSQS.<Action>`), reached through AWS_ENDPOINT_URL_SQS or the
 * client's `endpoint`. Standard queues only; no authentication is checked. A control endpoint under
 * /_control/ injects faults and shows the queues (see control.ts). Dead-letter queue redrive: actions-move.ts.
 */

interface RunningSqs extends LoopbackServer {
  /** The queues and their messages, for inspection. */
  sqs: SqsState;
  faults: Faults;
  /** Creates a queue as CreateQueue does (attributes as SQS names them), for set-ups. */
  createQueue: (name: string, attributes?: Record<string, string>) => Queue;
}

const ACTIONS = { ...QUEUE_ACTIONS, ...MESSAGE_ACTIONS, ...MOVE_ACTIONS };
const CONTENT_TYPE = 'application/x-amz-json-1.0';

const answer = (response: ServerResponse, status: number, body: unknown, headers = {}): void => {
  if (response.destroyed || response.headersSent) return;
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(JSON.stringify(body));
};

const answerError = (response: ServerResponse, error: SqsError): void =>
  answer(
    response,
    error.status,
    { __type: `com.amazonaws.sqs#${error.type}`, message: error.message },
    { 'x-amzn-query-error': `${error.code};${error.status < 500 ? 'Sender' : 'Receiver'}` },
  );

const senderIdOf = (request: IncomingMessage): string =>
  /Credential=([A-Z0-9]+)\//i.exec(String(request.headers.authorization ?? ''))?.[1] ??
  'AIDASTANDIN000000000';

const startSqs = async (
  options: { port?: number; host?: string; now?: () => number } = {},
): Promise<RunningSqs> => {
  const state = createState(options.now ?? Date.now);
  const faults = createFaults();
  let baseUrl = '';

  const handleAws = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const action = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
    const run = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    const raw = await readBody(request);
    if (request.method !== 'POST' || !run) {
      throw new SqsError(
        'UnsupportedOperation',
        `The stand-in speaks the AWS JSON 1.0 protocol and does not implement "${target}".`,
      );
    }
    let input: Input;
    try {
      input = JSON.parse(raw || '{}') as Input;
    } catch {
      throw new SqsError('InvalidParameterValue', 'The request body is not JSON.');
    }
    const hangUp = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) hangUp.abort();
    });
    const fault = faults.take(action);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.error) throw new SqsError(fault.error, `Injected by the stand-in: ${fault.error}.`);
    const context: ActionContext = {
      state,
      baseUrl,
      senderId: senderIdOf(request),
      signal: hangUp.signal,
      failEntries: fault?.failEntries ?? 0,
      duplicate: fault?.duplicate === true,
    };
    answer(response, 200, await run(context, input));
  };

  const loopback = await startLoopbackServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
    const work = path.startsWith('/_control/')
      ? handleControl(request, response, path, state, faults)
      : handleAws(request, response);
    work.catch((error: unknown) =>
      answerError(
        response,
        error instanceof SqsError ? error : new SqsError('InternalError', String(error)),
      ),
    );
  }, options);
  baseUrl = loopback.url;

  return {
    ...loopback,
    sqs: state,
    faults,
    createQueue: (name, attributes) => createQueue(state, baseUrl, name, attributes),
  };
};

export type { RunningSqs };
export { startSqs };

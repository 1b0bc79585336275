import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type LoopbackServer,
  readBody,
  sendJson,
  startLoopbackServer,
} from '../loopback-server.ts';

/**
 * A loopback stand-in for Amazon EventBridge that speaks its AWS JSON 1.1 protocol for PutEvents
 * (`x-amz-target: AWSEvents.PutEvents`), so the real AWS SDK reaches it through
 * AWS_ENDPOINT_URL_EVENTBRIDGE. It records every event it accepts. A control API under /stand-in
 * lists them (`GET /stand-in/events`) and makes the next calls fail (`POST /stand-in/faults`
 * `{ "count": 3, "mode": "error" | "entry" }`: an HTTP 500 error, or an entry refused with
 * FailedEntryCount, as EventBridge does for each).
 */

interface RecordedEvent {
  id: string;
  time: string;
  source: string;
  'detail-type': string;
  detail: unknown;
  eventBusName: string;
}

type FaultMode = 'error' | 'entry';

interface RunningEventBridge extends LoopbackServer {
  events: RecordedEvent[];
  /** PutEvents calls received, failed ones included. */
  calls: { PutEvents: number };
  /** The next `count` PutEvents calls fail, as `mode` says. */
  addFault: (fault: { count?: number; mode?: FaultMode }) => void;
  clearFaults: () => void;
  /** Called with each accepted event (the console streams them). */
  onEvent: (listener: (event: RecordedEvent) => void) => void;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';

const awsError = (response: ServerResponse, status: number, type: string, message: string) => {
  response.writeHead(status, { 'content-type': CONTENT_TYPE, 'x-amzn-errortype': type });
  response.end(JSON.stringify({ __type: type, message }));
};

interface Entry {
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  EventBusName?: unknown;
}

const startEventBridge = async (
  options: { port?: number; host?: string } = {},
): Promise<RunningEventBridge> => {
  const events: RecordedEvent[] = [];
  const calls = { PutEvents: 0 };
  const listeners: ((event: RecordedEvent) => void)[] = [];
  let faults: { remaining: number; mode: FaultMode }[] = [];

  const takeFault = (): FaultMode | undefined => {
    const fault = faults.find((f) => f.remaining > 0);
    if (fault) fault.remaining -= 1;
    faults = faults.filter((f) => f.remaining > 0);
    return fault?.mode;
  };

  const putEvents = (input: { Entries?: Entry[] }, response: ServerResponse) => {
    calls.PutEvents += 1;
    const entries = Array.isArray(input.Entries) ? input.Entries : [];
    if (entries.length === 0 || entries.length > 10) {
      return awsError(response, 400, 'ValidationException', 'Entries must hold 1 to 10 entries');
    }
    const fault = takeFault();
    if (fault === 'error') return awsError(response, 500, 'InternalException', 'injected failure');
    const results = entries.map((entry) => {
      if (fault === 'entry') {
        return { ErrorCode: 'InternalFailure', ErrorMessage: 'injected entry failure' };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(String(entry.Detail ?? '{}'));
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is not valid JSON' };
      }
      if (typeof entry.Source !== 'string' || typeof entry.DetailType !== 'string') {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Source and DetailType are required' };
      }
      const event: RecordedEvent = {
        id: randomUUID(),
        time: new Date().toISOString(),
        source: entry.Source,
        'detail-type': entry.DetailType,
        detail,
        eventBusName: typeof entry.EventBusName === 'string' ? entry.EventBusName : 'default',
      };
      events.push(event);
      for (const listener of listeners) listener(event);
      return { EventId: event.id };
    });
    const failed = results.filter((result) => 'ErrorCode' in result).length;
    response.writeHead(200, { 'content-type': CONTENT_TYPE });
    response.end(JSON.stringify({ FailedEntryCount: failed, Entries: results }));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
    const body = await readBody(request);
    if (path === '/stand-in/events' && request.method === 'GET') {
      return sendJson(response, 200, events);
    }
    if (path === '/stand-in/faults' && request.method === 'POST') {
      const fault = JSON.parse(body || '{}') as { count?: number; mode?: FaultMode };
      faults.push({ remaining: Number(fault.count ?? 1), mode: fault.mode ?? 'error' });
      return sendJson(response, 200, { ok: true });
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    if (target !== 'AWSEvents.PutEvents') {
      return awsError(response, 400, 'UnknownOperationException', `not implemented: ${target}`);
    }
    putEvents(JSON.parse(body || '{}') as { Entries?: Entry[] }, response);
  };

  const loopback = await startLoopbackServer((request, response) => {
    handle(request, response).catch((error: unknown) =>
      awsError(response, 400, 'ValidationException', String(error)),
    );
  }, options);
  return {
    ...loopback,
    events,
    calls,
    addFault: ({ count = 1, mode = 'error' }) => faults.push({ remaining: count, mode }),
    clearFaults: () => {
      faults = [];
    },
    onEvent: (listener) => listeners.push(listener),
  };
};

export type { RecordedEvent, RunningEventBridge };
export { startEventBridge };

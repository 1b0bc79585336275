import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Timeline, TimelineEntry } from '../timeline.ts';

/**
 * Server-sent events for a console page: every timeline entry the page shows, from the one after
 * `Last-Event-ID` (or `?after=`) on, then each new one as it happens; `reset` when the emulator
 * forgets everything.
 */

const HEARTBEAT_MS = 15_000;

const frame = (entry: TimelineEntry): string =>
  `id: ${entry.id}\nevent: entry\ndata: ${JSON.stringify(entry)}\n\n`;

const streamEvents = (
  timeline: Timeline,
  show: (entry: TimelineEntry) => boolean,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): void => {
  const lastEventId = request.headers['last-event-id'];
  const after = Number(
    (typeof lastEventId === 'string' ? lastEventId : url.searchParams.get('after')) ?? 0,
  );
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  });
  // A reconnecting browser waits this long before trying again.
  response.write('retry: 1000\n\n');
  for (const entry of timeline.select(show, Number.isFinite(after) ? after : 0)) {
    response.write(frame(entry));
  }
  const unsubscribe = timeline.subscribe((event) => {
    if (event.type === 'reset') response.write('event: reset\ndata: {}\n\n');
    else if (show(event.entry)) response.write(frame(event.entry));
  });
  const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  request.socket.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
};

export { streamEvents };

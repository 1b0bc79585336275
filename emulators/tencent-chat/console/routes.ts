import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../../loopback-server.ts';
import type { TencentChatEmulator } from '../emulator.ts';
import { serveApiReference } from './api-reference.ts';
import { loadAssets, serveAsset } from './assets.ts';
import { streamEvents } from './events.ts';
import { type FanOutsOptions, fanOutRoutes } from './fanouts.ts';
import { consolePage, type PageKind, pageFilter } from './pages.ts';
import { proxySend } from './send.ts';

/**
 * The console's routes, beside Tencent's commands and the /emulator control API:
 *   GET  /, /groups/<id>, /rooms/<id>          a page
 *   GET  /events, /groups/<id>/events, …       its server-sent events
 *   GET  /console/timeline?target=<id>         the timeline as JSON (every entry without target)
 *   GET  /console/assets/<file>                CSS and browser JavaScript
 *   GET  /api-reference/                       the API reference page (npm run api-reference)
 *   POST /console/send/<route>                 the send form, passed on to `${apiUrl}/v1/<route>`
 *   /fanouts, /console/fanouts…                the Fan-outs page (fanouts.ts)
 */

interface ConsoleOptions {
  /** The local API (serverless-offline) the send form posts through; without it, sending says so. */
  apiUrl?: string | undefined;
  /** The fan-out table and the EventBridge stand-in the Fan-outs page reads. */
  fanOuts?: FanOutsOptions | undefined;
}

type ConsoleHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => boolean;

const KINDS: Record<string, PageKind> = { groups: 'group', rooms: 'room' };

const sendHtml = (response: ServerResponse, html: string): void => {
  response.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // Defence in depth: the pages draw message content as text, and would run no inline script anyway.
    'content-security-policy':
      "default-src 'self'; img-src 'self' http: https: data:; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'",
  });
  response.end(html);
};

/** Which page a path names: `['group', id, 'events']`, or undefined. */
const pageOf = (pathname: string): { kind: PageKind; id: string; events: boolean } | undefined => {
  if (pathname === '/') return { kind: 'index', id: '', events: false };
  if (pathname === '/events') return { kind: 'index', id: '', events: true };
  const [, section, encoded, tail, ...rest] = pathname.split('/');
  const kind = KINDS[section ?? ''];
  if (!kind || !encoded || rest.length > 0 || (tail !== undefined && tail !== 'events')) {
    return undefined;
  }
  return { kind, id: decodeURIComponent(encoded), events: tail === 'events' };
};

/** The console's request handler; it answers true when the request was one of its routes. */
const consoleRoutes = (emulator: TencentChatEmulator, options: ConsoleOptions): ConsoleHandler => {
  const assets = loadAssets();
  const fanOuts = fanOutRoutes(options.fanOuts, options.apiUrl, sendHtml);
  return (request, response, url) => {
    const { pathname } = url;
    if (fanOuts(request, response, url)) return true;
    if (request.method === 'POST' && pathname.startsWith('/console/send/')) {
      proxySend(options.apiUrl, pathname.slice('/console/send/'.length), request, response).catch(
        (error: unknown) => sendJson(response, 500, { error: String(error) }),
      );
      return true;
    }
    if (request.method !== 'GET') return false;
    if (serveApiReference(pathname, response)) return true;
    if (pathname.startsWith('/console/assets/')) {
      return serveAsset(assets, pathname.slice('/console/assets/'.length), response);
    }
    if (pathname === '/console/timeline') {
      const target = url.searchParams.get('target');
      const show = target
        ? pageFilter(emulator, 'group', target)
        : pageFilter(emulator, 'index', '');
      sendJson(response, 200, emulator.timeline.select(show));
      return true;
    }
    const page = pageOf(pathname);
    if (!page) return false;
    if (!page.events) {
      sendHtml(response, consolePage(emulator, page.kind, page.id));
      return true;
    }
    // The index listens to everything: it counts each target's messages as they arrive.
    const show = page.kind === 'index' ? () => true : pageFilter(emulator, page.kind, page.id);
    streamEvents(emulator.timeline, show, request, response, url);
    return true;
  };
};

export type { ConsoleHandler, ConsoleOptions };
export { consoleRoutes };

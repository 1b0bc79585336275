import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LoopbackServer, readBody, sendJson } from '../loopback-server.ts';
import type { CommandName } from './commands.ts';
import type { EmulatorOptions } from './config.ts';
import { type ConsoleHandler, type ConsoleOptions, consoleRoutes } from './console/routes.ts';
import { TencentChatEmulator } from './emulator.ts';
import {
  handleNetworkControl,
  type Network,
  type NetworkOptions,
  startNetworkedServer,
} from './network.ts';

/**
 * The emulator over HTTP on loopback: Tencent's four commands under /v4, a control API under
 * /emulator (faults, key rotation, reset, inspection, the network model) and the console: a live
 * chat transcript per group and room, with a send form (console/).
 */

interface RunningEmulator extends LoopbackServer {
  emulator: TencentChatEmulator;
  /** HTTPS, round-trip time and keep-alive (network.ts); counts connections and handshakes. */
  network: Network;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const parseJson = (text: string): Record<string, unknown> => {
  const value: unknown = text === '' ? {} : JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('expected a JSON object');
  return value as Record<string, unknown>;
};

const handleCommand = async (
  emulator: TencentChatEmulator,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> => {
  const command = emulator.commandFor(url.pathname) ?? url.pathname;
  const fault = emulator.takeFault(command);
  if (fault?.drop === 'before') {
    emulator.timeline.failed(command, undefined, fault);
    request.socket.destroy();
    return;
  }
  const bodyText = await readBody(request);
  let parsed: unknown = bodyText;
  try {
    parsed = JSON.parse(bodyText);
  } catch {}
  const received = emulator.record(
    url.pathname,
    url.searchParams,
    request.headers['content-type'],
    parsed,
  );
  const delayMs = (fault?.delayMs ?? 0) + emulator.replyDelayMs;
  if (delayMs > 0) await sleep(delayMs);
  if (fault?.httpStatus) {
    received.outcome = `HTTP ${fault.httpStatus}`;
    emulator.timeline.failed(command, parsed, fault);
    response.writeHead(fault.httpStatus, { 'content-type': 'text/html' });
    response.end(`<html><body><h1>${fault.httpStatus}</h1></body></html>`);
    return;
  }
  const deliveredBefore = emulator.messages.length;
  const reply =
    request.method !== 'POST'
      ? emulator.failure(undefined, 60002, 'only POST is supported')
      : fault?.errorCode
        ? emulator.failure(emulator.commandFor(url.pathname), fault.errorCode, 'injected fault')
        : fault?.msgDropReason && emulator.commandFor(url.pathname)
          ? emulator.dropped(emulator.commandFor(url.pathname) as CommandName, fault.msgDropReason)
          : emulator.handle(url.pathname, url.searchParams, bodyText);
  received.outcome =
    typeof reply.body === 'string' ? reply.body : `ErrorCode ${String(reply.body.ErrorCode)}`;
  const delivered = emulator.messages.slice(deliveredBefore);
  emulator.timeline.replied(command, parsed, reply.body, delivered, fault);
  if (fault?.drop === 'after') {
    request.socket.destroy();
    return;
  }
  sendJson(response, reply.status, reply.body);
};

const handleControl = async (
  emulator: TencentChatEmulator,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> => {
  const route = `${request.method} ${url.pathname}`;
  const body = request.method === 'GET' ? {} : parseJson(await readBody(request));
  if (route === 'GET /emulator/state') {
    return sendJson(response, 200, {
      apps: [...emulator.apps.values()].map(({ sdkAppId, admins }) => ({ sdkAppId, admins })),
      groups: Object.fromEntries(emulator.groups),
      rooms: [...emulator.rooms],
      broadcastEnabled: emulator.broadcastEnabled,
      limits: emulator.limits,
      stats: emulator.stats,
    });
  }
  if (route === 'GET /emulator/messages') {
    const target = url.searchParams.get('target');
    return sendJson(response, 200, target ? emulator.messagesFor(target) : emulator.messages);
  }
  if (route === 'GET /emulator/requests') return sendJson(response, 200, emulator.requests);
  if (route === 'POST /emulator/faults') {
    emulator.addFault(body);
    return sendJson(response, 200, { ok: true });
  }
  if (route === 'DELETE /emulator/faults') {
    emulator.clearFaults();
    return sendJson(response, 200, { ok: true });
  }
  if (route === 'POST /emulator/reset') {
    emulator.reset();
    return sendJson(response, 200, { ok: true });
  }
  if (route === 'POST /emulator/rotate-key') {
    emulator.rotateKey(Number(body.sdkAppId), String(body.secretKey));
    return sendJson(response, 200, { ok: true });
  }
  if (route === 'PUT /emulator/settings') {
    if (typeof body.replyDelayMs === 'number') emulator.replyDelayMs = body.replyDelayMs;
    if (typeof body.limits === 'object' && body.limits !== null)
      Object.assign(emulator.limits, body.limits);
    if (typeof body.broadcastEnabled === 'boolean')
      emulator.broadcastEnabled = body.broadcastEnabled;
    if (typeof body.clockOffsetMs === 'number') emulator.clockOffsetMs = body.clockOffsetMs;
    return sendJson(response, 200, {
      ok: true,
      replyDelayMs: emulator.replyDelayMs,
      clockOffsetMs: emulator.clockOffsetMs,
      limits: emulator.limits,
    });
  }
  if (route === 'PUT /emulator/groups') {
    emulator.groups.set(String(body.groupId), body.type as never);
    return sendJson(response, 200, { ok: true });
  }
  if (route === 'PUT /emulator/rooms') {
    emulator.rooms.add(String(body.roomId));
    return sendJson(response, 200, { ok: true });
  }
  sendJson(response, 404, { error: `no route ${route}` });
};

const route = async (
  emulator: TencentChatEmulator,
  network: Network,
  consoleRoute: ConsoleHandler,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> => {
  const url = new URL(request.url ?? '/', 'http://emulator');
  if (url.pathname.startsWith('/v4/')) return handleCommand(emulator, request, response, url);
  if (url.pathname === '/emulator/network') return handleNetworkControl(network, request, response);
  if (url.pathname.startsWith('/emulator/')) return handleControl(emulator, request, response, url);
  if (consoleRoute(request, response, url)) return;
  sendJson(response, 404, { error: 'not found' });
};

const startTencentChatEmulator = async (
  options: EmulatorOptions &
    ConsoleOptions & { port?: number; host?: string; network?: NetworkOptions } = {},
): Promise<RunningEmulator> => {
  const emulator = new TencentChatEmulator(options);
  const consoleRoute = consoleRoutes(emulator, options);
  const networked = await startNetworkedServer(
    (request, response) => {
      route(emulator, networked.network, consoleRoute, request, response).catch(
        (error: unknown) => {
          if (!response.headersSent) sendJson(response, 400, { error: String(error) });
        },
      );
    },
    { ...options.network, port: options.port, host: options.host },
  );
  return { ...networked, emulator };
};

export type { RunningEmulator };
export { startTencentChatEmulator };

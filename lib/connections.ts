import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';

/**
 * The connections to Tencent: kept alive across invocations with undici's own Agent (the one Node's
 * fetch runs on), opened ahead of the first send, and never reused once they may be dead.
 *
 * Undici's idle timers run on a coarse clock that advances by ticks, not by real time: in a
 * container that Lambda froze past the server's keep-alive and then thawed, undici still believes
 * the connection fresh and writes the next request onto a socket the server has closed. A group
 * message would be retried with its Random, but a live-room message that may have reached Tencent
 * cannot be. So this module keeps the same rule as undici (the server's announced
 * `Keep-Alive: timeout`, less one second; four seconds when it announces none) on the real clock,
 * and replaces the Agent, with its connections, when the pool has been idle longer than that.
 */

/** What this module needs of undici's Agent (the class is Node's own, reached at run time). */
interface Dispatcher {
  destroy: () => Promise<void>;
}
type ConnectCallback = (error: Error | null, socket: Socket | null) => void;
interface ConnectOptions {
  hostname: string;
  protocol: string;
  port: string;
  servername?: string | null;
}
type AgentClass = new (options: Record<string, unknown>) => Dispatcher;

/** Undici's defaults, kept here because the freshness rule below must agree with them. */
const KEEP_ALIVE_UNANNOUNCED_MS = 4_000;
const KEEP_ALIVE_MARGIN_MS = 1_000;
const KEEP_ALIVE_MAX_MS = 600_000;
const CONNECT_TIMEOUT_MS = 10_000;

let agent: Dispatcher | undefined;
let inFlight = 0;
let lastActiveAt = 0;
let announcedKeepAliveMs: number | undefined;
let preconnected: { origin: string; socket: Socket; openedAt: number } | undefined;
const tlsSessions = new Map<string, Buffer>();
/** Sockets whose TCP connection (and TLS handshake) is done. */
const readySockets = new WeakSet<Socket>();
const readyEvent = (socket: Socket): string =>
  'encrypted' in socket ? 'secureConnect' : 'connect';

const idleLimitMs = (): number =>
  announcedKeepAliveMs === undefined
    ? KEEP_ALIVE_UNANNOUNCED_MS
    : Math.min(KEEP_ALIVE_MAX_MS, announcedKeepAliveMs - KEEP_ALIVE_MARGIN_MS);

const originOf = ({ protocol, hostname, port }: ConnectOptions): string =>
  `${protocol}//${hostname}:${port || (protocol === 'https:' ? '443' : '80')}`;

const connectError = (message: string): Error =>
  Object.assign(new Error(message), { code: 'UND_ERR_CONNECT_TIMEOUT' });

/** Opens a TCP or TLS connection as undici's own connector would (session reuse, no delay). */
const openSocket = (options: ConnectOptions): Socket => {
  const origin = originOf(options);
  const port = Number(new URL(origin).port);
  const host = options.hostname.replace(/^\[|\]$/g, '');
  let socket: Socket;
  if (options.protocol === 'https:') {
    const servername = options.servername || host;
    socket = tlsConnect({
      host,
      port,
      servername: isIP(servername) ? '' : servername,
      session: tlsSessions.get(origin),
      ALPNProtocols: ['http/1.1'],
    });
    socket.on('session', (session: Buffer) => tlsSessions.set(origin, session));
  } else {
    socket = tcpConnect({ host, port });
  }
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 60_000);
  socket.once(readyEvent(socket), () => readySockets.add(socket));
  return socket;
};

/** Calls back once the socket is ready for requests, or with the reason it never will be. */
const whenReady = (socket: Socket, callback: ConnectCallback): void => {
  const ready = readyEvent(socket);
  if (readySockets.has(socket)) {
    queueMicrotask(() => callback(null, socket));
    return;
  }
  const timer = setTimeout(
    () => socket.destroy(connectError(`Connection not set up within ${CONNECT_TIMEOUT_MS} ms`)),
    CONNECT_TIMEOUT_MS,
  );
  const onReady = () => {
    clearTimeout(timer);
    socket.off('error', onError);
    callback(null, socket);
  };
  const onError = (error: Error) => {
    clearTimeout(timer);
    socket.off(ready, onReady);
    callback(error, null);
  };
  socket.once(ready, onReady);
  socket.once('error', onError);
};

/** Undici's connector: hands over the connection opened ahead when it is still usable. */
const connector = (options: ConnectOptions, callback: ConnectCallback): void => {
  const early = preconnected;
  if (early && early.origin === originOf(options)) {
    preconnected = undefined;
    const usable =
      !early.socket.destroyed &&
      !early.socket.readableEnded &&
      performance.now() - early.openedAt < idleLimitMs();
    if (usable) {
      early.socket.ref();
      whenReady(early.socket, callback);
      return;
    }
    early.socket.destroy();
  }
  whenReady(openSocket(options), callback);
};

let agentClass: AgentClass | null | undefined;
/** Node's own undici Agent, reached through the global dispatcher (the undici package is ~200 KB). */
const nodeAgentClass = (): AgentClass | null => {
  if (agentClass !== undefined) return agentClass;
  // The first Request loads Node's undici, which installs its global Agent.
  void new Request('http://localhost/');
  const global = (globalThis as Record<symbol, unknown>)[Symbol.for('undici.globalDispatcher.1')];
  const candidate = (global as { constructor?: unknown } | undefined)?.constructor;
  agentClass =
    typeof candidate === 'function' && candidate.name === 'Agent'
      ? (candidate as AgentClass)
      : null;
  return agentClass;
};

/** The dispatcher for the next send: a new one when the connections may have died idle. */
const dispatcher = (): Dispatcher | undefined => {
  const now = performance.now();
  if (agent && inFlight === 0 && now - lastActiveAt > idleLimitMs()) {
    agent.destroy().catch(() => {});
    agent = undefined;
  }
  if (!agent) {
    const Agent = nodeAgentClass();
    if (!Agent) return undefined;
    agent = new Agent({
      connect: connector,
      keepAliveTimeout: KEEP_ALIVE_UNANNOUNCED_MS,
      keepAliveTimeoutThreshold: KEEP_ALIVE_MARGIN_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MAX_MS,
    });
    lastActiveAt = now;
  }
  return agent;
};

const noteKeepAlive = (header: string | null): void => {
  const seconds = header ? /(?:^|[\s,])timeout=(\d+)/i.exec(header)?.[1] : undefined;
  announcedKeepAliveMs = seconds === undefined ? undefined : Number(seconds) * 1000;
};

/** fetch over the kept connections: what the Tencent client sends with. */
const fetchOverKeptConnections = async (
  input: Request | URL | string,
  init?: RequestInit,
): Promise<Response> => {
  const through = dispatcher();
  inFlight += 1;
  try {
    // Node's fetch takes undici's `dispatcher` option; the types know only the undici package's.
    const options = through ? ({ ...init, dispatcher: through } as RequestInit) : init;
    const response = await fetch(input, options);
    noteKeepAlive(response.headers.get('keep-alive'));
    return response;
  } finally {
    inFlight -= 1;
    lastActiveAt = performance.now();
  }
};

/**
 * Opens the connection to `baseUrl` ahead of the first send (at init, beside the secret fetch).
 * Never throws, and holds nothing open that would keep the process alive.
 */
const preconnect = (baseUrl: string): void => {
  try {
    const url = new URL(baseUrl);
    const options = { protocol: url.protocol, hostname: url.hostname, port: url.port };
    if (preconnected || agent || !nodeAgentClass()) return;
    const socket = openSocket(options);
    socket.unref();
    socket.on('error', () => socket.destroy());
    preconnected = { origin: originOf(options), socket, openedAt: performance.now() };
  } catch {
    // The first send connects as usual.
  }
};

/** Drops every kept connection and what was learnt about the server (tests). */
const resetConnections = (): void => {
  agent?.destroy().catch(() => {});
  agent = undefined;
  preconnected?.socket.destroy();
  preconnected = undefined;
  announcedKeepAliveMs = undefined;
  tlsSessions.clear();
};

export { fetchOverKeptConnections, idleLimitMs, preconnect, resetConnections };

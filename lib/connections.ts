import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';

/**
 * The connections to Tencent: node:https with a keep-alive Agent, kept across invocations, opened
 * ahead of the first send, and never reused once they may be dead.
 *
 * ky sends through them (lib/kept-connection-fetch.ts wraps them as its `fetch`) rather than
 * through Node's fetch, whose undici pool offers neither of the two things this module is for:
 * handing over the connection opened at init, and the freeze rule below. node:http's parser is
 * native, and the AWS SDK loads node:https anyway for Secrets Manager.
 *
 * Idle connections follow the server's announced `Keep-Alive: timeout`, less one second (the
 * Agent's own `agentKeepAliveTimeoutBuffer`), or four seconds when it announces none (as undici
 * does). The Agent enforces that with socket timers, but in a container that Lambda froze past the
 * keep-alive and then thawed, the invocation arrives before those timers run: the next request
 * would be written onto a connection the server has closed. A group message would be retried with
 * its Random, but a live-room message that may have reached Tencent cannot be. So before each
 * request the same rule is checked on the real clock, and idle connections past it are closed.
 */

/** The server keeps a connection this long when it does not say (as undici assumes). */
const KEEP_ALIVE_UNANNOUNCED_MS = 4_000;
/** Node's Agent closes an announced keep-alive this much early (agentKeepAliveTimeoutBuffer). */
const KEEP_ALIVE_MARGIN_MS = 1_000;
const KEEP_ALIVE_MAX_MS = 600_000;
const CONNECT_TIMEOUT_MS = 10_000;

let inFlight = 0;
let lastActiveAt = 0;
let announcedKeepAliveMs: number | undefined;

const idleLimitMs = (): number =>
  announcedKeepAliveMs === undefined
    ? KEEP_ALIVE_UNANNOUNCED_MS
    : Math.min(KEEP_ALIVE_MAX_MS, announcedKeepAliveMs - KEEP_ALIVE_MARGIN_MS);

const noteKeepAlive = (header: string | string[] | undefined): void => {
  const seconds =
    typeof header === 'string' ? /(?:^|[\s,])timeout=(\d+)/i.exec(header)?.[1] : undefined;
  announcedKeepAliveMs = seconds === undefined ? undefined : Number(seconds) * 1000;
};

/** Where requests go, parsed once per base URL. */
interface Origin {
  key: string;
  tls: boolean;
  hostname: string;
  port: number;
  /** The base URL's own path, without a trailing slash. */
  pathPrefix: string;
}

const origins = new Map<string, Origin>();
const originOf = (baseUrl: string): Origin => {
  let origin = origins.get(baseUrl);
  if (!origin) {
    const url = new URL(baseUrl);
    const tls = url.protocol === 'https:';
    const port = Number(url.port) || (tls ? 443 : 80);
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    origin = {
      key: `${url.protocol}//${hostname}:${port}`,
      tls,
      hostname,
      port,
      pathPrefix: url.pathname.replace(/\/+$/, ''),
    };
    origins.set(baseUrl, origin);
  }
  return origin;
};

/** Sockets whose TCP connection (and TLS handshake) is done. */
const readySockets = new WeakSet<Socket>();
const readyEvent = (socket: Socket): string =>
  'encrypted' in socket ? 'secureConnect' : 'connect';
const trackReady = (socket: Socket): void => {
  socket.once(readyEvent(socket), () => readySockets.add(socket));
};

/** A connection opened ahead of the first request, handed to the Agent when it asks for one. */
let preconnected: { key: string; socket: Socket; openedAt: number } | undefined;

const openSocket = (origin: Origin): Socket => {
  const socket = origin.tls
    ? tlsConnect({
        host: origin.hostname,
        port: origin.port,
        servername: isIP(origin.hostname) ? '' : origin.hostname,
        ALPNProtocols: ['http/1.1'],
      })
    : tcpConnect({ host: origin.hostname, port: origin.port });
  socket.setNoDelay(true);
  trackReady(socket);
  return socket;
};

const takePreconnected = (origin: Origin): Socket | undefined => {
  const early = preconnected;
  if (!early || early.key !== origin.key) return undefined;
  preconnected = undefined;
  const usable =
    !early.socket.destroyed &&
    !early.socket.readableEnded &&
    performance.now() - early.openedAt < idleLimitMs();
  if (!usable) {
    early.socket.destroy();
    return undefined;
  }
  early.socket.ref();
  early.socket.removeAllListeners('error');
  return early.socket;
};

type AgentClass = typeof HttpAgent;
/**
 * Node's Agent with two changes: the first connection may be the one opened ahead, and an idle
 * connection is kept as long as the rule above says (Node keeps an unannounced one forever).
 */
const keptAliveAgent = (Base: AgentClass, origin: Origin): HttpAgent => {
  const agent = new Base({ keepAlive: true, scheduling: 'lifo' });
  const createConnection = agent.createConnection.bind(agent);
  const keepSocketAlive = (agent as unknown as { keepSocketAlive: (s: Socket) => boolean })
    .keepSocketAlive;
  Object.assign(agent, {
    createConnection: (options: object, callback: unknown): Socket => {
      const early = takePreconnected(origin);
      if (early) return early;
      const socket = (createConnection as (o: object, c: unknown) => Socket)(options, callback);
      socket.setNoDelay(true);
      trackReady(socket);
      return socket;
    },
    keepSocketAlive: (socket: Socket): boolean => {
      const limitMs = idleLimitMs();
      if (!keepSocketAlive.call(agent, socket) || limitMs <= 0) return false;
      socket.setTimeout(limitMs);
      return true;
    },
  });
  return agent;
};

const agents = new Map<string, HttpAgent>();
const agentFor = (origin: Origin): HttpAgent => {
  let agent = agents.get(origin.key);
  if (!agent) {
    agent = keptAliveAgent(origin.tls ? HttpsAgent : HttpAgent, origin);
    agents.set(origin.key, agent);
  }
  return agent;
};

/** Closes the idle connections that may have died while the container was frozen. */
const dropStaleConnections = (): void => {
  const now = performance.now();
  if (inFlight > 0 || now - lastActiveAt <= idleLimitMs()) return;
  for (const agent of agents.values()) {
    for (const sockets of Object.values(agent.freeSockets)) {
      for (const socket of sockets ?? []) socket.destroy();
    }
  }
};

/** A request that failed for want of a working connection (never an HTTP status). */
class ConnectionFailure extends Error {
  override readonly name = 'ConnectionFailure';
  /** The system's error code (ECONNREFUSED, ECONNRESET…), or what happened. */
  readonly reason: string;
  /** False when the connection was never set up, so the server cannot have the request. */
  readonly mayHaveReachedServer: boolean;

  constructor(reason: string, mayHaveReachedServer: boolean) {
    super(`Could not reach the server (${reason})`);
    this.reason = reason;
    this.mayHaveReachedServer = mayHaveReachedServer;
  }
}

/** The attempt's time ran out; the request may have reached the server. */
class RequestTimeout extends Error {
  override readonly name = 'TimeoutError';
}

interface PostReply {
  status: number;
  headers: IncomingHttpHeaders;
  header: (name: string) => string | undefined;
  text: string;
}

interface PostOptions {
  /** Ends the attempt: RequestTimeout once the connection was set up, else ConnectionFailure. */
  signal: AbortSignal;
  /** Called once the request is on a set-up connection: from then on it may reach the server. */
  onConnected?: () => void;
}

const JSON_CONTENT = 'application/json';

/**
 * POSTs a JSON body to `path` under `baseUrl` over a kept connection, and reads the whole reply.
 * Rejects with RequestTimeout when `signal` aborts the request, or with ConnectionFailure.
 */
const postOverKeptConnection = (
  baseUrl: string,
  path: string,
  body: string,
  { signal, onConnected }: PostOptions,
): Promise<PostReply> =>
  new Promise((resolve, reject) => {
    const origin = originOf(baseUrl);
    dropStaleConnections();
    inFlight += 1;
    let connectionReady = false;
    let settled = false;
    const settle = (error: Error | undefined, reply?: PostReply): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', abort);
      inFlight -= 1;
      lastActiveAt = performance.now();
      if (error) reject(error);
      else resolve(reply as PostReply);
    };
    const ready = (): void => {
      connectionReady = true;
      onConnected?.();
    };
    const request = (origin.tls ? httpsRequest : httpRequest)({
      agent: agentFor(origin),
      method: 'POST',
      hostname: origin.hostname,
      port: origin.port,
      path: origin.pathPrefix + path,
      headers: { 'content-type': JSON_CONTENT, 'content-length': Buffer.byteLength(body) },
    });
    // A connection still being set up when time runs out has carried none of the request.
    function abort(): void {
      const error = connectionReady
        ? new RequestTimeout('The attempt timed out')
        : new ConnectionFailure('connection not set up in time', false);
      settle(error);
      request.destroy(error);
    }
    if (signal.aborted) abort();
    else signal.addEventListener('abort', abort, { once: true });
    request.once('socket', (socket: Socket) => {
      if (readySockets.has(socket)) ready();
      else socket.once(readyEvent(socket), ready);
    });
    request.on('error', (error: Error & { code?: string }) =>
      settle(new ConnectionFailure(error.code ?? error.message, connectionReady)),
    );
    request.once('response', (response: IncomingMessage) => {
      noteKeepAlive(response.headers['keep-alive']);
      response.setEncoding('utf8');
      let text = '';
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('error', () => settle(new ConnectionFailure('ECONNRESET', true)));
      response.once('close', () => {
        if (!response.complete) settle(new ConnectionFailure('ECONNRESET', true));
      });
      response.once('end', () =>
        settle(undefined, {
          status: response.statusCode ?? 0,
          headers: response.headers,
          header: (name) => {
            const value = response.headers[name];
            return Array.isArray(value) ? value.join(', ') : value;
          },
          text,
        }),
      );
    });
    request.end(body);
  });

/**
 * Opens the connection to `baseUrl` ahead of the first send (at init, beside the secret fetch).
 * Never throws, and holds nothing open that would keep the process alive.
 */
const preconnect = (baseUrl: string): void => {
  try {
    const origin = originOf(baseUrl);
    if (preconnected || agents.has(origin.key)) return;
    const socket = openSocket(origin);
    socket.unref();
    socket.on('error', () => socket.destroy());
    const timer = setTimeout(() => socket.destroy(), CONNECT_TIMEOUT_MS).unref();
    socket.once(readyEvent(socket), () => clearTimeout(timer));
    preconnected = { key: origin.key, socket, openedAt: performance.now() };
  } catch {
    // The first send connects as usual.
  }
};

/** Drops every kept connection and what was learnt about the server (tests). */
const resetConnections = (): void => {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
  preconnected?.socket.destroy();
  preconnected = undefined;
  announcedKeepAliveMs = undefined;
  lastActiveAt = 0;
};

export type { PostOptions, PostReply };
export {
  ConnectionFailure,
  idleLimitMs,
  postOverKeptConnection,
  preconnect,
  RequestTimeout,
  resetConnections,
};

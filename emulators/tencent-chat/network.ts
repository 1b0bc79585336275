import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import {
  type LoopbackServer,
  readBody,
  sendJson,
  startLoopbackServer,
} from '../loopback-server.ts';
import { relay } from './relay.ts';

/**
 * The emulator's network model: HTTPS with a test certificate, an added round-trip time, and a
 * server keep-alive that can be announced or not, as real servers differ. With a round-trip time,
 * the server sits behind a relay on loopback that holds every byte for half of it in each
 * direction, and holds the client's first bytes one more round trip (the TCP handshake): a new
 * connection then costs one round trip for TCP, one for TLS 1.3, and each exchange one more.
 */

interface NetworkOptions {
  /** Serve HTTPS with the certificate in ./tls, issued by ./tls/ca.pem (trust it with NODE_EXTRA_CA_CERTS). */
  tls?: boolean;
  /**
   * Round-trip time added to connection set-up and to every exchange. Given (even 0), the server
   * sits behind the relay, and the time can be changed while it runs; absent, there is no relay.
   */
  rttMs?: number;
  /** Idle time after which the server closes a connection (default 5,000 ms, as Node's own). */
  keepAliveMs?: number;
  /** Whether replies carry `Keep-Alive: timeout=N` (default true). */
  announceKeepAlive?: boolean;
  /**
   * The client is not told when the server closes a connection: its next write gets a reset, as
   * behind a NAT that forgot the flow, or when the close is still on its way (needs `rttMs`).
   */
  silentClose?: boolean;
}

interface NetworkStats {
  /** TCP connections the server accepted. */
  connections: number;
  /** TLS handshakes completed, resumed ones included. */
  tlsHandshakes: number;
  resumedHandshakes: number;
  /** Connections the server closed after its keep-alive. */
  closedIdle: number;
}

interface Network {
  readonly settings: Required<NetworkOptions>;
  readonly stats: NetworkStats;
  /** The certificate and key for `https.createServer`, when TLS is on. */
  readonly tlsOptions: { cert: Buffer; key: Buffer } | undefined;
  /** Wraps the request handler: announces the keep-alive and keeps the idle clock. */
  wrap: (
    handle: (request: IncomingMessage, response: ServerResponse) => void,
  ) => (request: IncomingMessage, response: ServerResponse) => void;
  /** Counts connections and handshakes and closes idle ones; replaces Node's own keep-alive. */
  attach: (server: Server) => void;
  /** Whether a relay listens in front of the server (a round-trip time was asked for). */
  readonly relayed: boolean;
  /** Starts the relay in front of the server; returns the port clients use. */
  listen: (serverPort: number, options: { port: number; host: string }) => Promise<number>;
  update: (changes: Partial<Omit<NetworkOptions, 'tls'>>) => void;
  resetStats: () => void;
  /** Stops the relay and drops its connections; the server's own are the loopback server's to close. */
  close: () => Promise<void>;
}

const TLS_DIR = fileURLToPath(new URL('./tls/', import.meta.url));
/** The test CA that issued the emulator's certificate (for 127.0.0.1 and localhost). */
const TEST_CA_FILE = `${TLS_DIR}ca.pem`;

const DEFAULTS: Required<NetworkOptions> = {
  tls: false,
  rttMs: 0,
  keepAliveMs: 5_000,
  announceKeepAlive: true,
  silentClose: false,
};

const createNetwork = (options: NetworkOptions = {}): Network => {
  const settings = { ...DEFAULTS, ...options };
  const stats: NetworkStats = {
    connections: 0,
    tlsHandshakes: 0,
    resumedHandshakes: 0,
    closedIdle: 0,
  };
  const idle = new Map<Socket, { active: number; timer?: NodeJS.Timeout }>();
  const relayed = new Set<Socket>();
  let front: ReturnType<typeof createTcpServer> | undefined;

  const startIdleClock = (socket: Socket): void => {
    const state = idle.get(socket);
    if (!state || state.active > 0) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      stats.closedIdle += 1;
      socket.end();
    }, settings.keepAliveMs);
  };
  const track = (socket: Socket): void => {
    idle.set(socket, { active: 0 });
    socket.once('close', () => {
      clearTimeout(idle.get(socket)?.timer);
      idle.delete(socket);
    });
    startIdleClock(socket);
  };

  return {
    settings,
    stats,
    tlsOptions: settings.tls
      ? { cert: readFileSync(`${TLS_DIR}cert.pem`), key: readFileSync(`${TLS_DIR}key.pem`) }
      : undefined,
    wrap: (handle) => (request, response) => {
      const socket = request.socket;
      const state = idle.get(socket);
      if (state) {
        state.active += 1;
        clearTimeout(state.timer);
        response.once('close', () => {
          state.active -= 1;
          startIdleClock(socket);
        });
      }
      if (settings.announceKeepAlive) {
        response.setHeader('Keep-Alive', `timeout=${Math.floor(settings.keepAliveMs / 1000)}`);
      }
      handle(request, response);
    },
    attach: (server) => {
      // The model's own idle clock replaces Node's, which always announces itself.
      server.keepAliveTimeout = 0;
      server.on('connection', (socket: Socket) => {
        stats.connections += 1;
        if (!settings.tls) track(socket);
      });
      server.on('secureConnection', (socket: TLSSocket) => {
        stats.tlsHandshakes += 1;
        if (socket.isSessionReused()) stats.resumedHandshakes += 1;
        track(socket);
      });
    },
    relayed: options.rttMs !== undefined,
    listen: async (serverPort, { port, host }) => {
      const server = createTcpServer((client) => {
        relayed.add(client);
        client.once('close', () => relayed.delete(client));
        relay(client, serverPort, host, settings);
      });
      front = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      const address = server.address();
      return typeof address === 'object' && address ? address.port : port;
    },
    update: (changes) => {
      for (const [key, value] of Object.entries(changes)) {
        if (key === 'rttMs' || key === 'keepAliveMs') {
          if (typeof value === 'number' && value >= 0) settings[key] = value;
        } else if (
          (key === 'announceKeepAlive' || key === 'silentClose') &&
          typeof value === 'boolean'
        ) {
          settings[key] = value;
        }
      }
    },
    resetStats: () => {
      Object.assign(stats, {
        connections: 0,
        tlsHandshakes: 0,
        resumedHandshakes: 0,
        closedIdle: 0,
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of relayed) socket.destroy();
        if (front) front.close(() => resolve());
        else resolve();
      }),
  };
};

/**
 * An HTTP or HTTPS server on loopback under the network model: the relay in front when a
 * round-trip time is set, the server alone otherwise.
 */
const startNetworkedServer = async (
  handle: (request: IncomingMessage, response: ServerResponse) => void,
  options: NetworkOptions & { port?: number | undefined; host?: string | undefined } = {},
): Promise<LoopbackServer & { network: Network }> => {
  const host = options.host ?? '127.0.0.1';
  const network = createNetwork(options);
  const loopback = await startLoopbackServer(network.wrap(handle), {
    host,
    port: network.relayed ? 0 : options.port,
    tls: network.tlsOptions,
  });
  network.attach(loopback.server);
  if (!network.relayed) return { ...loopback, network };
  const serverPort = (loopback.server.address() as AddressInfo).port;
  const port = await network.listen(serverPort, { port: options.port ?? 0, host });
  return {
    ...loopback,
    url: `${network.settings.tls ? 'https' : 'http'}://${host}:${port}`,
    network,
    close: async () => {
      await network.close();
      await loopback.close();
    },
  };
};

/** `GET /emulator/network`: settings and counts; `PUT` changes settings; `DELETE` zeroes the counts. */
const handleNetworkControl = async (
  network: Network,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> => {
  if (request.method === 'PUT') {
    const body: unknown = JSON.parse((await readBody(request)) || '{}');
    if (typeof body === 'object' && body !== null) network.update(body);
  } else if (request.method === 'DELETE') {
    network.resetStats();
  }
  sendJson(response, 200, { ...network.settings, relayed: network.relayed, stats: network.stats });
};

export type { Network, NetworkOptions, NetworkStats };
export { handleNetworkControl, startNetworkedServer, TEST_CA_FILE };

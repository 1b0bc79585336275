import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/** What the emulator and the stand-ins need of an HTTP server on loopback. */

interface LoopbackServer {
  server: Server;
  url: string;
  /** Closes the server and every open connection, kept-alive ones included. */
  close: () => Promise<void>;
}

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

/** Answers with `body` as JSON. */
const sendJson = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
};

const startLoopbackServer = async (
  handle: (request: IncomingMessage, response: ServerResponse) => void,
  {
    port = 0,
    host = '127.0.0.1',
    tls,
  }: {
    port?: number | undefined;
    host?: string | undefined;
    /** Serve HTTPS with this certificate and key. */
    tls?: { cert: Buffer; key: Buffer } | undefined;
  } = {},
): Promise<LoopbackServer> => {
  const sockets = new Set<Socket>();
  const server: Server = tls ? createHttpsServer(tls, handle) : createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};

export type { LoopbackServer };
export { readBody, sendJson, startLoopbackServer };

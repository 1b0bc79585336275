import { type Socket, connect as tcpConnect } from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * The network model's relay: each client connection is carried to the server with every byte held
 * half a round trip in each direction, and the client's first bytes one more round trip (the TCP
 * handshake). A close can be kept from the client (`silentClose`), whose next write then gets a reset.
 */

interface RelaySettings {
  rttMs: number;
  silentClose: boolean;
}

/**
 * Delivers actions in order, each not before its time, and late by well under a millisecond:
 * a timer brings it to the last millisecond (timers fire up to a millisecond late), then it polls.
 */
const delayLine = () => {
  const queue: { at: number; action: () => void }[] = [];
  let waiting = false;
  let last = 0;
  const pump = (): void => {
    const now = performance.now();
    while (queue.length > 0 && (queue[0]?.at ?? 0) <= now) queue.shift()?.action();
    const next = queue[0];
    if (!next) {
      waiting = false;
      return;
    }
    const wait = next.at - now;
    if (wait > 1.5) setTimeout(pump, wait - 1.5);
    else setImmediate(pump);
  };
  return {
    push: (at: number, action: () => void): void => {
      last = Math.max(last, at);
      queue.push({ at: last, action });
      if (!waiting) {
        waiting = true;
        pump();
      }
    },
    clear: (): void => {
      queue.length = 0;
    },
  };
};

/** One client connection through the relay: both directions delayed by half a round trip. */
const relay = (client: Socket, serverPort: number, host: string, settings: RelaySettings): void => {
  const rttMs = () => settings.rttMs;
  let serverGone = false;
  const upstream = tcpConnect(serverPort, host);
  const acceptedAt = performance.now();
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  const toServer = delayLine();
  const toClient = delayLine();
  const half = () => rttMs() / 2;
  // The client's bytes reach the server once the TCP handshake's round trip is over.
  const towardServer = () => Math.max(performance.now(), acceptedAt + rttMs()) + half();
  const towardClient = () => performance.now() + half();
  client.on('data', (chunk: Buffer) =>
    toServer.push(towardServer(), () => {
      if (!serverGone && !upstream.destroyed && upstream.writable) upstream.write(chunk);
      else toClient.push(towardClient(), () => client.resetAndDestroy());
    }),
  );
  upstream.on('data', (chunk: Buffer) =>
    toClient.push(towardClient(), () => {
      if (!client.destroyed) client.write(chunk);
    }),
  );
  client.on('end', () => toServer.push(towardServer(), () => upstream.end()));
  upstream.on('end', () => {
    serverGone = true;
    if (!settings.silentClose) toClient.push(towardClient(), () => client.end());
  });
  // A reset travels like any packet: the other side learns of it half a round trip later.
  client.on('error', () => toServer.push(towardServer(), () => upstream.resetAndDestroy()));
  upstream.on('error', () => toClient.push(towardClient(), () => client.resetAndDestroy()));
  client.on('close', () => toServer.push(towardServer(), () => upstream.destroy()));
  upstream.on('close', () => {
    serverGone = true;
    if (settings.silentClose) return;
    toClient.push(towardClient(), () => {
      client.destroy();
      toServer.clear();
    });
  });
};

export type { RelaySettings };
export { relay };

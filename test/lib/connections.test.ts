import { readFile, readFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type NetworkOptions, TEST_CA_FILE } from '../../emulators/tencent-chat/network.ts';
import {
  type RunningEmulator,
  startTencentChatEmulator,
} from '../../emulators/tencent-chat/server.ts';
import {
  ConnectionFailure,
  idleLimitMs,
  postOverKeptConnection,
  preconnect,
  RequestTimeout,
  resetConnections,
} from '../../lib/connections.ts';
import { sleep, waitUntil } from '../support/wait.ts';

let running: RunningEmulator | undefined;

const start = async (network: NetworkOptions) => {
  running = await startTencentChatEmulator({ network });
  return running;
};

/** A POST, which Node's Agent never retries by itself on a connection found dead. */
const post = async (url: string) => {
  const reply = await postOverKeptConnection(url, '/emulator/reset', '{}', {
    signal: AbortSignal.timeout(5_000),
  });
  return reply.status;
};

/**
 * A container Lambda froze for `ms` and then thawed with an invocation: the event loop blocked,
 * then the send starts from an I/O callback, as the runtime's next-invocation reply is one, so
 * it runs before the timers that expired meanwhile.
 */
const thawWith = <T>(ms: number, send: () => Promise<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    readFile(TEST_CA_FILE, () => {
      const until = Date.now() + ms;
      while (Date.now() < until) {}
      send().then(resolve, reject);
    });
  });

beforeAll(() => {
  // As NODE_EXTRA_CA_CERTS would, in this process only: verification stays on.
  setDefaultCACertificates([...getCACertificates('default'), readFileSync(TEST_CA_FILE, 'utf8')]);
});

afterEach(async () => {
  resetConnections();
  await running?.close();
  running = undefined;
});

describe('Module: connections', () => {
  it('opens the connection ahead of the first send, and the send uses it', async () => {
    // Prepare
    const emulator = await start({ tls: true, rttMs: 0 });
    preconnect(emulator.url);
    await waitUntil(() => emulator.network.stats.tlsHandshakes > 0, 2_000);
    await sleep(20);
    const handshakesBefore = emulator.network.stats.tlsHandshakes;

    // Act
    const status = await post(emulator.url);

    // Assess
    expect(status).toBe(200);
    expect(handshakesBefore).toBe(1);
    expect(emulator.network.stats).toMatchObject({ connections: 1, tlsHandshakes: 1 });
  });

  it('reuses a connection across sends while the server keeps it', async () => {
    // Prepare
    const emulator = await start({ tls: true, rttMs: 0, keepAliveMs: 3_000 });

    // Act
    for (let i = 0; i < 3; i += 1) {
      await post(emulator.url);
      await sleep(300);
    }

    // Assess
    expect(idleLimitMs()).toBe(2_000);
    expect(emulator.network.stats).toMatchObject({ connections: 1, tlsHandshakes: 1 });
  });

  it('sends on a new connection after a freeze past the announced keep-alive', async () => {
    // Prepare
    const emulator = await start({ tls: true, rttMs: 20, keepAliveMs: 3_000 });
    await post(emulator.url);

    // Act
    const status = await thawWith(3_500, () => post(emulator.url));

    // Assess
    expect(status).toBe(200);
    expect(emulator.network.stats.connections).toBe(2);
  });

  it('keeps an unannounced connection four seconds at most, as undici assumes', async () => {
    // Prepare
    const emulator = await start({
      rttMs: 0,
      keepAliveMs: 4_500,
      announceKeepAlive: false,
      silentClose: true,
    });
    await post(emulator.url);

    // Act
    const status = await thawWith(4_100, () => post(emulator.url));

    // Assess
    expect(status).toBe(200);
    expect(idleLimitMs()).toBe(4_000);
    expect(emulator.network.stats.connections).toBe(2);
  });

  it('never throws for a base URL it cannot reach', async () => {
    // Act
    const attempt = () => preconnect('https://127.0.0.1:1');

    // Assess
    expect(attempt).not.toThrow();
    await sleep(50);
  });
  it('says whether a failed request may have reached the server', async () => {
    // Prepare
    const command = '/v4/group_open_http_svc/send_group_msg';
    const outcome = (promise: Promise<unknown>) =>
      promise.then(
        () => 'answered',
        (error: unknown) =>
          error instanceof ConnectionFailure
            ? `${error.reason}, may have reached: ${error.mayHaveReachedServer}`
            : error instanceof RequestTimeout
              ? 'timed out'
              : String(error),
      );
    const slow = await start({ tls: true, rttMs: 1_000 });
    const notSetUp = await outcome(
      postOverKeptConnection(slow.url, command, '{}', { signal: AbortSignal.timeout(200) }),
    );
    await slow.close();
    const emulator = await start({ tls: true });
    const refused = await outcome(
      postOverKeptConnection('https://127.0.0.1:1', command, '{}', {
        signal: AbortSignal.timeout(2_000),
      }),
    );
    emulator.emulator.addFault({ drop: 'after' });
    const cutOff = await outcome(
      postOverKeptConnection(emulator.url, command, '{}', { signal: AbortSignal.timeout(2_000) }),
    );
    emulator.emulator.addFault({ delayMs: 1_000 });
    const stalled = await outcome(
      postOverKeptConnection(emulator.url, command, '{}', { signal: AbortSignal.timeout(200) }),
    );

    // Assess
    expect({ notSetUp, refused, cutOff, stalled }).toEqual({
      notSetUp: 'connection not set up in time, may have reached: false',
      refused: 'ECONNREFUSED, may have reached: false',
      cutOff: 'ECONNRESET, may have reached: true',
      stalled: 'timed out',
    });
  });
});

import { readFile, readFileSync } from 'node:fs';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type NetworkOptions, TEST_CA_FILE } from '../../emulators/tencent-chat/network.ts';
import {
  type RunningEmulator,
  startTencentChatEmulator,
} from '../../emulators/tencent-chat/server.ts';
import {
  fetchOverKeptConnections,
  idleLimitMs,
  preconnect,
  resetConnections,
} from '../../lib/connections.ts';

let running: RunningEmulator | undefined;

const start = async (network: NetworkOptions) => {
  running = await startTencentChatEmulator({ network });
  return running;
};

/** A POST, which undici never retries by itself on a connection found dead. */
const post = async (url: string) => {
  const response = await fetchOverKeptConnections(`${url}/emulator/reset`, {
    method: 'POST',
    body: '{}',
  });
  await response.text();
  return response.status;
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    await sleep(100);
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

  it('keeps an unannounced connection no longer than undici does (four seconds)', async () => {
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
});

import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { connect, type TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { type NetworkOptions, TEST_CA_FILE } from '../../emulators/tencent-chat/network.ts';
import {
  type RunningEmulator,
  startTencentChatEmulator,
} from '../../emulators/tencent-chat/server.ts';

const ca = readFileSync(TEST_CA_FILE);
let running: RunningEmulator | undefined;

const start = async (network: NetworkOptions) => {
  running = await startTencentChatEmulator({ network });
  return running;
};

/** A TLS connection to the emulator, resolved once its handshake is done. */
const handshake = (url: string, options: { ca?: Buffer } = { ca }) =>
  new Promise<TLSSocket>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port), ...options });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });

/** One GET on a kept-alive agent, with the reply's headers. */
const get = (url: string, agent: Agent) =>
  new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(url, { agent }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      });
      req.on('error', reject);
      req.end();
    },
  );

const elapsed = async (work: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('Emulator network model', () => {
  it('serves HTTPS with a certificate that verifies against the test CA only', async () => {
    // Prepare
    const { url } = await start({ tls: true });

    // Act
    const trusted = await handshake(url);
    const untrusted = handshake(url, {});

    // Assess
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(trusted.authorized).toBe(true);
    trusted.destroy();
    await expect(untrusted).rejects.toThrow(/self-signed|unable to (get|verify)/i);
  });

  it('adds one round trip for TCP and one for TLS to a new connection, one to each exchange', async () => {
    // Prepare
    const rttMs = 250;
    const { url } = await start({ tls: true, rttMs });
    const agent = new Agent({ keepAlive: true, ca, maxSockets: 1 });

    // Act
    const setUp = await elapsed(async () => (await handshake(url)).destroy());
    const first = await elapsed(() => get(`${url}/emulator/network`, agent));
    const second = await elapsed(() => get(`${url}/emulator/network`, agent));
    agent.destroy();

    // Assess
    // Round trips counted: at least n, and less than n + 1 (room for a loaded machine).
    expect(setUp).toBeGreaterThanOrEqual(2 * rttMs);
    expect(setUp).toBeLessThan(3 * rttMs);
    expect(first).toBeGreaterThanOrEqual(3 * rttMs);
    expect(first).toBeLessThan(4 * rttMs);
    expect(second).toBeGreaterThanOrEqual(rttMs);
    expect(second).toBeLessThan(2 * rttMs);
  });

  it('counts connections and TLS handshakes, and reuses a kept-alive connection', async () => {
    // Prepare
    const emulator = await start({ tls: true, rttMs: 0 });
    const agent = new Agent({ keepAlive: true, ca, maxSockets: 1 });

    // Act
    for (let i = 0; i < 3; i += 1) await get(`${emulator.url}/emulator/state`, agent);
    agent.destroy();
    const other = new Agent({ keepAlive: true, ca, maxSockets: 1 });
    const reply = await get(`${emulator.url}/emulator/network`, other);
    other.destroy();

    // Assess
    expect(JSON.parse(reply.body)).toMatchObject({
      tls: true,
      rttMs: 0,
      stats: { connections: 2, tlsHandshakes: 2 },
    });
  });

  it('announces its keep-alive and closes a connection left idle that long', async () => {
    // Prepare
    const emulator = await start({ tls: true, keepAliveMs: 1_000 });
    const agent = new Agent({ keepAlive: true, ca, maxSockets: 1 });
    const socket = await handshake(emulator.url);
    const closedAfter = elapsed(
      () => new Promise((resolve) => socket.once('end', resolve).resume()),
    );

    // Act
    const reply = await get(`${emulator.url}/emulator/state`, agent);

    // Assess
    expect(reply.headers['keep-alive']).toBe('timeout=1');
    expect(await closedAfter).toBeGreaterThanOrEqual(990);
    expect(await closedAfter).toBeLessThan(2_000);
    expect(emulator.network.stats.closedIdle).toBeGreaterThanOrEqual(1);
    agent.destroy();
  });

  it('keeps its keep-alive unannounced when told to, and the counts can be zeroed', async () => {
    // Prepare
    const emulator = await start({ keepAliveMs: 60_000, announceKeepAlive: false });

    // Act
    const reply = await fetch(`${emulator.url}/emulator/state`);
    const cleared = await fetch(`${emulator.url}/emulator/network`, { method: 'DELETE' });

    // Assess
    expect(reply.headers.get('keep-alive')).toBeNull();
    expect(emulator.url).toMatch(/^http:/);
    expect(await cleared.json()).toMatchObject({ stats: { connections: 0, tlsHandshakes: 0 } });
  });

  it('answers GET /emulator/network with a query string too', async () => {
    // Prepare
    const emulator = await start({ rttMs: 0 });

    // Act
    const reply = await fetch(`${emulator.url}/emulator/network?x`);

    // Assess
    expect(reply.status).toBe(200);
    expect(await reply.json()).toMatchObject({ rttMs: 0, relayed: true, stats: {} });
  });

  it('changes the round-trip time while it runs', async () => {
    // Prepare
    const emulator = await start({ rttMs: 0 });
    await fetch(`${emulator.url}/emulator/network`, {
      method: 'PUT',
      body: JSON.stringify({ rttMs: 80 }),
    });

    // Act
    const took = await elapsed(async () => (await fetch(`${emulator.url}/emulator/state`)).text());

    // Assess
    expect(emulator.network.settings.rttMs).toBe(80);
    expect(took).toBeGreaterThanOrEqual(80);
  });
});

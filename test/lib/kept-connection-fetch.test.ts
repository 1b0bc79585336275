import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConnections } from '../../lib/connections.ts';
import { keptConnectionFetch } from '../../lib/kept-connection-fetch.ts';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const REPLY = '{"ActionStatus":"OK","ErrorCode":0}';
let server: Server;
let baseUrl: string;
let received: Received[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
      });
      response.writeHead(request.url?.startsWith('/busy') ? 503 : 200, {
        'content-type': 'application/json',
        'retry-after': '2',
      });
      response.end(REPLY);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  received = [];
  resetConnections();
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('Module: kept-connection-fetch', () => {
  it('sends the payload given beside a Request that has no body, as JSON', async () => {
    const response = await keptConnectionFetch(
      new Request(`${baseUrl}/v4/svc/cmd?random=1`, { method: 'POST' }),
      { payload: '{"GroupId":"g1"}' },
    );
    expect(received).toEqual([
      expect.objectContaining({
        method: 'POST',
        url: '/v4/svc/cmd?random=1',
        body: '{"GroupId":"g1"}',
        headers: expect.objectContaining({ 'content-type': 'application/json' }),
      }),
    ]);
    expect(response.status).toBe(200);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.text()).toBe(REPLY);
  });

  it("sends the Request's own body when no payload is given", async () => {
    await keptConnectionFetch(
      new Request(`${baseUrl}/v4/svc/cmd`, { method: 'POST', body: '{"RoomId":"r1"}' }),
    );
    expect(received.map((one) => one.body)).toEqual(['{"RoomId":"r1"}']);
  });

  it('shows the reply to the observer first, and what the observer throws fails the fetch', async () => {
    const seen: string[] = [];
    const observer = {
      started: () => seen.push('started'),
      connected: () => seen.push('connected'),
      replied: (status: number, text: string) => {
        seen.push(`replied ${status} ${text}`);
        if (status !== 200) throw new Error(`refused with ${status}`);
      },
    };
    await keptConnectionFetch(new Request(`${baseUrl}/v4/ok`, { method: 'POST' }), {
      payload: '{}',
      attemptObserver: observer,
    });
    expect(seen).toEqual(['started', 'connected', `replied 200 ${REPLY}`]);
    await expect(
      keptConnectionFetch(new Request(`${baseUrl}/busy`, { method: 'POST' }), {
        payload: '{}',
        attemptObserver: observer,
      }),
    ).rejects.toThrow('refused with 503');
  });

  it('refuses anything but POST, before sending', async () => {
    await expect(keptConnectionFetch(new Request(`${baseUrl}/v4/svc/cmd`))).rejects.toThrow(
      'sends POST only, not GET',
    );
    expect(received).toEqual([]);
  });
});

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type RunningEmulator,
  startTencentChatEmulator,
} from '../../emulators/tencent-chat/server.ts';
import type { TimelineEntry } from '../../emulators/tencent-chat/timeline.ts';
import { signedQuery } from '../support/emulator-calls.ts';

/** The console's server side: the timeline of outcomes, its events, the send proxy, the assets. */

let running: RunningEmulator;

const post = (path: string, body: unknown) =>
  fetch(`${running.url}${path}?${signedQuery()}`, { method: 'POST', body: JSON.stringify(body) });

const GROUP = '/v4/group_open_http_svc/send_group_msg';
const BROADCAST = '/v4/group_open_http_svc/send_broadcast_msg';
const text = (Text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text } }];
const fault = (body: unknown) =>
  fetch(`${running.url}/emulator/faults`, { method: 'POST', body: JSON.stringify(body) });
const timeline = async (target?: string): Promise<TimelineEntry[]> =>
  (await fetch(
    `${running.url}/console/timeline${target ? `?target=${encodeURIComponent(target)}` : ''}`,
  ).then((response) => response.json())) as TimelineEntry[];

/** Reads a server-sent event stream until `until` appears in it. */
const readEvents = async (response: Response, until: string): Promise<string> => {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes(until)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  await reader.cancel();
  return text;
};

describe('Tencent Chat emulator console', () => {
  beforeAll(async () => {
    running = await startTencentChatEmulator();
  });
  afterAll(() => running.close());
  beforeEach(() => running.emulator.reset());

  it('keeps what did not arrive in its group: a repeat with its original, a drop, a refusal', async () => {
    // Prepare
    const once = { GroupId: 'live-lobby', Random: 5, MsgBody: text('once') };

    // Act
    await post(GROUP, once);
    await post(GROUP, once);
    await fault({ count: 1, msgDropReason: 'MsgFreqCtrl' });
    await post(GROUP, { ...once, Random: 6 });
    await post(GROUP, { ...once, Random: 7, OnlineOnlyFlag: 1 });

    // Assess
    const [message, duplicate, dropped, refused] = await timeline('live-lobby');
    expect(message).toMatchObject({
      kind: 'message',
      message: { msgSeq: 1, from: 'administrator' },
    });
    expect(duplicate).toMatchObject({
      kind: 'duplicate',
      original: { id: message?.id, msgSeq: 1 },
    });
    expect(dropped).toMatchObject({
      kind: 'dropped',
      dropReason: 'MsgFreqCtrl',
      fault: 'injected: MsgDropReason MsgFreqCtrl',
    });
    expect(refused).toMatchObject({ kind: 'refused', errorCode: 10004, targets: ['live-lobby'] });
    expect(refused?.errorInfo).toContain('OnlineOnlyFlag');
  });

  it('puts a broadcast and its repeat in every AVChatRoom group, and nowhere else', async () => {
    // Act
    await post(BROADCAST, { Random: 1, MsgBody: text('all') });
    running.emulator.limits.broadcastPerSecond = 10;
    await post(BROADCAST, { Random: 1, MsgBody: text('all') });

    // Assess
    for (const group of ['live-lobby', 'live-stage']) {
      expect((await timeline(group)).map((entry) => entry.kind)).toStrictEqual([
        'message',
        'duplicate',
      ]);
    }
    expect(await timeline('@TGS#2C5SZEAEF')).toStrictEqual([]);
  });

  it('shows on the index what names no known target: an unknown group, a lost connection', async () => {
    // Act
    await post(GROUP, { GroupId: 'nope', Random: 1, MsgBody: text('x') });
    await fault({ count: 1, drop: 'before' });
    await post(GROUP, { GroupId: 'live-lobby', Random: 1, MsgBody: text('x') }).catch(() => {});
    await fault({ count: 1, httpStatus: 502 });
    await post(GROUP, { GroupId: 'live-lobby', Random: 2, MsgBody: text('y') });

    // Assess
    expect(await timeline()).toMatchObject([
      { kind: 'refused', errorCode: 10010, targets: ['nope'] },
      { kind: 'lost', targets: [], fault: expect.stringContaining('connection dropped') },
    ]);
    expect(await timeline('live-lobby')).toMatchObject([{ kind: 'refused', httpStatus: 502 }]);
  });

  it('streams each new entry of a page as a server-sent event, from Last-Event-ID on', async () => {
    // Prepare
    await post(GROUP, { GroupId: 'live-lobby', Random: 1, MsgBody: text('first') });
    const [first] = await timeline('live-lobby');
    const events = await fetch(`${running.url}/groups/live-lobby/events`, {
      headers: { 'last-event-id': String(first?.id) },
    });

    // Act
    await post(GROUP, { GroupId: '@TGS#2C5SZEAEF', Random: 2, MsgBody: text('elsewhere') });
    await post(GROUP, { GroupId: 'live-lobby', Random: 3, MsgBody: text('second') });
    const stream = await readEvents(events, 'second');

    // Assess
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream).not.toContain('first');
    expect(stream).not.toContain('elsewhere');
    const entry = JSON.parse(stream.split('data: ')[1]?.split('\n')[0] ?? '');
    expect(entry).toMatchObject({ kind: 'message', message: { msgBody: text('second') } });
    expect(stream).toContain(`id: ${entry.id}\nevent: entry\n`);
  });

  it('tells an open page when the emulator forgets everything', async () => {
    // Prepare
    const events = await fetch(`${running.url}/rooms/room1/events`);

    // Act
    await fetch(`${running.url}/emulator/reset`, { method: 'POST' });

    // Assess
    expect(await readEvents(events, 'event: reset')).toContain('event: reset');
  });

  it('says so when the send form has no API to post through', async () => {
    // Act
    const reply = await fetch(`${running.url}/console/send/group-messages`, {
      method: 'POST',
      body: '{}',
    });

    // Assess
    expect(reply.status).toBe(503);
    expect(((await reply.json()) as { error: string }).error).toContain('npm start');
  });

  it('serves its assets and pages, with a content security policy', async () => {
    // Act
    const script = await fetch(`${running.url}/console/assets/render.js`);
    const missing = await fetch(`${running.url}/console/assets/nothing.js`);
    const page = await fetch(`${running.url}/rooms/room1`);

    // Assess
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain('renderEntry');
    expect(missing.status).toBe(404);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/console/assets/app.js">');
  });
});

describe('Tencent Chat emulator console: send form proxy', () => {
  let api: ReturnType<typeof createServer>;
  let seen: { url: string | undefined; headers: IncomingHttpHeaders; body: string }[] = [];
  let proxied: RunningEmulator;

  beforeAll(async () => {
    // A stand-in for the local API: the proxy is the unit under test here, not the functions.
    api = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        seen.push({ url: request.url, headers: request.headers, body });
        response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        response.end(JSON.stringify({ ok: false, error: { code: 'RATE_LIMITED' } }));
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const { port } = api.address() as AddressInfo;
    proxied = await startTencentChatEmulator({ apiUrl: `http://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    await proxied.close();
    await new Promise((resolve) => api.close(resolve));
  });
  beforeEach(() => {
    seen = [];
  });

  it('passes the request on to the local API and answers with what it sent and got', async () => {
    // Prepare
    const body = JSON.stringify({ RoomId: 'room1', BusinessId: 'gift', Data: 'x' });

    // Act
    const reply = await fetch(`${proxied.url}/console/send/room-custom-messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' },
      body,
    });

    // Assess
    expect(seen).toMatchObject([
      { url: '/v1/room-custom-messages', headers: { 'idempotency-key': 'k-1' }, body },
    ]);
    expect(await reply.json()).toMatchObject({
      request: { method: 'POST', url: expect.stringMatching(/\/v1\/room-custom-messages$/), body },
      status: 429,
      retryAfter: '1',
      result: { ok: false, error: { code: 'RATE_LIMITED' } },
    });
  });

  it('refuses a route that is not one of the four', async () => {
    // Act
    const unknown = await fetch(`${proxied.url}/console/send/admin`, {
      method: 'POST',
      body: '{}',
    });

    // Assess
    expect(unknown.status).toBe(404);
    expect(seen).toStrictEqual([]);
  });
});

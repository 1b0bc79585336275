import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP } from '../../emulators/tencent-chat/emulator.ts';
import {
  type RunningEmulator,
  startTencentChatEmulator,
} from '../../emulators/tencent-chat/server.ts';
import { postCommand, signedQuery } from '../support/emulator-calls.ts';

let running: RunningEmulator;
let now = 1_800_000_000_000;

const query = signedQuery;
const post = (path: string, body: unknown, params = signedQuery()) =>
  postCommand(running.url, path, body, params);

const GROUP = '/v4/group_open_http_svc/send_group_msg';
const TEXT = '/v4/live_engine_http_srv/send_text_msg';
const message = (text: string, random = 1) => ({
  GroupId: '@TGS#2C5SZEAEF',
  Random: random,
  MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }],
});

describe('Tencent Chat emulator', () => {
  beforeAll(async () => {
    running = await startTencentChatEmulator({ now: () => now });
  });
  afterAll(() => running.close());
  beforeEach(() => {
    running.emulator.reset();
    Object.assign(running.emulator.limits, {
      perCommandPerSecond: 200,
      perGroupPerSecond: 40,
      broadcastPerSecond: 1,
    });
    now = Date.now();
  });

  it('answers a group message in the group shape and keeps it', async () => {
    const reply = await post(GROUP, message('hi'));
    expect(reply).toStrictEqual({
      status: 200,
      body: {
        ActionStatus: 'OK',
        ErrorCode: 0,
        ErrorInfo: '',
        MsgTime: Math.floor(now / 1000),
        MsgSeq: 1,
      },
    });
    expect(running.emulator.messagesFor('@TGS#2C5SZEAEF')).toHaveLength(1);
  });

  it('answers a live-room message in the live-room shape, wrapped as Tencent wraps it', async () => {
    const reply = await post(TEXT, {
      RoomId: 'room1',
      Sender_Account: 'u',
      TextContent: 'hey',
      ExtensionInfo: '{"a":1}',
    });
    expect(reply.body).toMatchObject({
      ErrorCode: 0,
      RequestId: expect.stringMatching(/^Id-/),
      Response: { MsgSeq: 1 },
    });
    expect(running.emulator.messages[0]).toMatchObject({
      msgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hey' } }],
      cloudCustomData: '{"a":1}',
    });
  });

  it('discards the same content with the same Random within five minutes, and not after', async () => {
    await post(GROUP, message('once', 5));
    const duplicate = await post(GROUP, message('once', 5));
    const otherRandom = await post(GROUP, message('once', 6));
    now += 5 * 60 * 1000;
    const afterWindow = await post(GROUP, message('once', 5));
    expect(duplicate.body).toMatchObject({ ErrorCode: 0, MsgSeq: 1 });
    expect(otherRandom.body).toMatchObject({ MsgSeq: 2 });
    expect(afterWindow.body).toMatchObject({ MsgSeq: 3 });
    expect(running.emulator.stats.duplicatesDiscarded).toBe(1);
  });

  it('enforces 200 calls a second per command, then 10023', async () => {
    const replies = [];
    for (let i = 0; i < 201; i += 1) replies.push(await post(GROUP, message(`m${i}`, i), query()));
    expect(replies.slice(0, 200).filter((r) => r.body.ErrorCode === 10023)).toHaveLength(0);
    expect(replies[200]?.body.ErrorCode).toBe(10023);
  });

  it('drops past 40 messages a second in one group with MsgDropReason, unless High priority', async () => {
    running.emulator.limits.perCommandPerSecond = 1_000;
    for (let i = 0; i < 40; i += 1) await post(GROUP, message(`m${i}`, i));
    const dropped = await post(GROUP, message('late', 99));
    const high = await post(GROUP, { ...message('urgent', 100), MsgPriority: 'High' });
    expect(dropped.body).toMatchObject({ ErrorCode: 0, MsgDropReason: 'MsgFreqCtrl' });
    expect(high.body).not.toHaveProperty('MsgDropReason');
    expect(running.emulator.messages).toHaveLength(41);
  });

  it('allows one broadcast a second by default', async () => {
    const first = await post('/v4/group_open_http_svc/send_broadcast_msg', {
      Random: 1,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'a' } }],
    });
    const second = await post('/v4/group_open_http_svc/send_broadcast_msg', {
      Random: 2,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'b' } }],
    });
    expect(first.body).toMatchObject({ ErrorCode: 0, MsgSeq: 1 });
    expect(second.body.ErrorCode).toBe(10023);
    expect(running.emulator.messages[0]?.targets).toStrictEqual(['live-lobby', 'live-stage']);
  });

  it.each([
    ['a bad contenttype', { contenttype: 'xml' }, 60002],
    ['a missing random', { random: '' }, 60002],
    ['an unknown SDKAppID', { sdkappid: '1400000001' }, 70020],
    ['a UserSig for another identifier', { identifier: 'someone' }, 70013],
    ['a broken UserSig', { usersig: 'abc' }, 70003],
  ])('refuses %s', async (_, overrides, code) => {
    const reply = await post(GROUP, message('x'), query(overrides));
    expect(reply.body).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: code });
    expect(running.emulator.messages).toHaveLength(0);
  });

  it('refuses a key that changed since signing with 70009', async () => {
    const params = query();
    running.emulator.rotateKey(DEFAULT_APP.sdkAppId, 'new-key');
    const reply = await post(GROUP, message('x'), params);
    running.emulator.rotateKey(DEFAULT_APP.sdkAppId, DEFAULT_APP.secretKey);
    expect(reply.body.ErrorCode).toBe(70009);
  });

  it('refuses a UserSig it accepted before once the key rotates, and once it expires', async () => {
    const params = query();
    const accepted = await post(GROUP, message('a', 1), params);
    running.emulator.rotateKey(DEFAULT_APP.sdkAppId, 'new-key');
    const rotated = await post(GROUP, message('b', 2), params);
    running.emulator.rotateKey(DEFAULT_APP.sdkAppId, DEFAULT_APP.secretKey);
    const again = await post(GROUP, message('c', 3), params);
    now += 86_401_000;
    const expired = await post(GROUP, message('d', 4), params);
    expect(accepted.body.ErrorCode).toBe(0);
    expect(rotated.body.ErrorCode).toBe(70009);
    expect(again.body.ErrorCode).toBe(0);
    expect(expired.body.ErrorCode).toBe(70001);
  });

  it('records the same digest for the same UserSig, and another for another', async () => {
    const params = query();
    await post(GROUP, message('a', 1), params);
    await post(GROUP, message('b', 2), params);
    await post(GROUP, message('c', 3), query({ usersig: `${params.get('usersig')}x` }));
    const digests = running.emulator.requests.map((request) => request.userSigDigest);
    expect(digests[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(digests[1]).toBe(digests[0]);
    expect(digests[2]).not.toBe(digests[0]);
  });

  it.each([
    [GROUP, { GroupId: '@TGS#2C5SZEAEF', MsgBody: [] }, 10004],
    [GROUP, { ...message('x'), GroupId: 'nope' }, 10010],
    [GROUP, { ...message('x'), GroupId: 'live-lobby', OnlineOnlyFlag: 1 }, 10004],
    [
      GROUP,
      {
        ...message('x'),
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x'.repeat(12_300) } }],
      },
      80002,
    ],
    [TEXT, { RoomId: 'room1', TextContent: 'x' }, 100002],
    [TEXT, { RoomId: 'nope', Sender_Account: 'u', TextContent: 'x' }, 100004],
    [TEXT, { RoomId: 'live-lobby', Sender_Account: 'u', TextContent: 'x' }, 100006],
    ['/v4/group_open_http_svc/unknown', {}, 60009],
    [GROUP, '{not json', 60003],
  ])('answers %s %j with %i', async (path, body, code) => {
    const reply = await post(path, body);
    expect(reply.body.ErrorCode).toBe(code);
  });

  it('injects faults from its control endpoint: codes, HTTP status, dropped connections', async () => {
    const control = (body: unknown) =>
      fetch(`${running.url}/emulator/faults`, { method: 'POST', body: JSON.stringify(body) });
    await control({ count: 1, errorCode: 10002 });
    await control({ count: 1, httpStatus: 502 });
    await control({ count: 1, drop: 'before' });
    expect((await post(GROUP, message('a'))).body.ErrorCode).toBe(10002);
    const bad = await fetch(`${running.url}${GROUP}?${query()}`, {
      method: 'POST',
      body: JSON.stringify(message('b')),
    });
    expect(bad.status).toBe(502);
    await expect(post(GROUP, message('c'))).rejects.toThrow();
    expect((await post(GROUP, message('d'))).body.ErrorCode).toBe(0);
    expect(
      running.emulator.messages.map(
        (m) => (m.msgBody[0] as { MsgContent: { Text: string } }).MsgContent.Text,
      ),
    ).toStrictEqual(['d']);
  });

  it('lists delivered messages as JSON and on a console page per group and room', async () => {
    await post(GROUP, message('<b>shown</b>'));
    const json = (await (
      await fetch(`${running.url}/emulator/messages?target=%40TGS%232C5SZEAEF`)
    ).json()) as unknown[];
    const page = await (
      await fetch(`${running.url}/groups/${encodeURIComponent('@TGS#2C5SZEAEF')}`)
    ).text();
    const index = await (await fetch(`${running.url}/`)).text();
    expect(json).toHaveLength(1);
    // The message travels as JSON in the page, with no "<" that could end its script element.
    expect(page).toContain('\\u003cb\\u003eshown\\u003c/b\\u003e');
    expect(page).not.toContain('<b>shown');
    expect(index).toContain('room1');
  });

  it('never records the UserSig itself', async () => {
    const params = query();
    await post(GROUP, message('x'), params);
    const requests = await (await fetch(`${running.url}/emulator/requests`)).text();
    expect(requests).not.toContain(params.get('usersig') as string);
  });
});

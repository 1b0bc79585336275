import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_APP } from '../../emulators/tencent-chat/emulator.ts';
import {
  type RunningEmulator,
  startTencentChatEmulator,
} from '../../emulators/tencent-chat/server.ts';
import { sendBroadcastMsg, sendGroupMsg, sendTextMsg } from '../../lib/commands/index.ts';
import { type CommandTarget, sendToTencent } from '../../lib/tencent-client.ts';
import { clearUserSigCache, getSignedIdentity } from '../../lib/usersig.ts';
import { MINIMAL_REQUESTS } from '../support/requests.ts';

let running: RunningEmulator;
let secretKey = DEFAULT_APP.secretKey;
const identity = vi.fn(async ({ refresh }: { refresh: boolean }) =>
  getSignedIdentity(
    { sdkAppId: DEFAULT_APP.sdkAppId, secretKey, adminIdentifier: 'administrator' },
    86_400,
    {
      renew: refresh,
    },
  ),
);

const groupBody = (text = 'hello') => ({
  ...MINIMAL_REQUESTS.send_group_msg,
  MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }],
  Random: 12345,
});

const send = (command: CommandTarget, body: object, overrides: Record<string, unknown> = {}) => {
  const progress = { attempts: 0 };
  const promise = sendToTencent(
    {
      baseUrl: running.url,
      command,
      body,
      budgetMs: 5_000,
      // Wide enough for a loaded machine; the tests about a stall set 300 ms.
      attemptTimeoutMs: 2_000,
      maxRetries: 3,
      backoffBaseMs: 5,
      backoffMaxMs: 20,
      identity,
      ...overrides,
    },
    progress,
  );
  return { promise, progress };
};

const emulator = () => running.emulator;

describe('Function: sendToTencent', () => {
  beforeAll(async () => {
    running = await startTencentChatEmulator();
  });
  afterAll(() => running.close());
  beforeEach(() => {
    emulator().reset();
    secretKey = DEFAULT_APP.secretKey;
    emulator().rotateKey(DEFAULT_APP.sdkAppId, secretKey);
    clearUserSigCache();
    identity.mockClear();
  });

  it('posts JSON to the command URL with the documented query string and returns the reply', async () => {
    // Act
    const { promise, progress } = send(sendGroupMsg, groupBody());
    const reply = await promise;

    // Assess
    expect(reply).toMatchObject({ errorCode: 0, msgSeq: 1 });
    expect(progress.attempts).toBe(1);
    const [received] = emulator().requests;
    expect(received?.path).toBe('/v4/group_open_http_svc/send_group_msg');
    expect(Object.keys(received?.query ?? {})).toStrictEqual([
      'sdkappid',
      'identifier',
      'random',
      'contenttype',
    ]);
    expect(received?.query).toMatchObject({
      sdkappid: '1400000000',
      identifier: 'administrator',
      contenttype: 'json',
    });
    expect(Number(received?.query.random)).toBeLessThanOrEqual(4294967295);
    expect(received?.contentType).toBe('application/json');
    expect(received?.body).toStrictEqual(groupBody());
  });

  it('retries transient codes with the same body, a fresh query random each attempt', async () => {
    // Prepare
    emulator().addFault({ count: 2, errorCode: 10002 });

    // Act
    const { promise, progress } = send(sendGroupMsg, groupBody());
    await promise;

    // Assess
    expect(progress.attempts).toBe(3);
    const randoms = new Set(emulator().requests.map((r) => r.query.random));
    expect(randoms.size).toBe(3);
    expect(new Set(emulator().requests.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(emulator().messages).toHaveLength(1);
  });

  it('retries HTTP 502 and 503 for group commands', async () => {
    emulator().addFault({ httpStatus: 502 });
    emulator().addFault({ httpStatus: 503 });
    const { promise, progress } = send(sendBroadcastMsg, {
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'b' } }],
      Random: 1,
    });
    await expect(promise).resolves.toMatchObject({ errorCode: 0 });
    expect(progress.attempts).toBe(3);
  });

  it('retries a group send whose connection dropped after delivery: Tencent discards the copy', async () => {
    emulator().addFault({ drop: 'after' });
    const { promise, progress } = send(sendGroupMsg, groupBody('once'));
    await expect(promise).resolves.toMatchObject({ errorCode: 0, msgSeq: 1 });
    expect(progress.attempts).toBe(2);
    expect(emulator().messages).toHaveLength(1);
    expect(emulator().stats.duplicatesDiscarded).toBe(1);
  });

  it('retries a group send that timed out, without a second copy', async () => {
    emulator().addFault({ delayMs: 500 });
    const { promise, progress } = send(sendGroupMsg, groupBody('slow'), { attemptTimeoutMs: 300 });
    await expect(promise).resolves.toMatchObject({ errorCode: 0 });
    expect(progress.attempts).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(emulator().messagesFor('@TGS#2C5SZEAEF')).toHaveLength(1);
  });

  it('waits at least one second before retrying a rate limit', async () => {
    emulator().addFault({ errorCode: 10023 });
    const started = Date.now();
    const { promise, progress } = send(sendGroupMsg, groupBody());
    await promise;
    expect(progress.attempts).toBe(2);
    const [first, second] = emulator().requests;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not retry what cannot succeed', async () => {
    emulator().addFault({ errorCode: 10004 });
    const { promise, progress } = send(sendGroupMsg, groupBody());
    await expect(promise).rejects.toMatchObject({ code: 'INVALID_REQUEST', tencentCode: 10004 });
    expect(progress.attempts).toBe(1);
  });

  it('gives up after the retry budget with the last failure', async () => {
    emulator().addFault({ count: 10, errorCode: 70500 });
    const { promise, progress } = send(sendGroupMsg, groupBody());
    await expect(promise).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      tencentCode: 70500,
    });
    expect(progress.attempts).toBe(4);
  });

  it('re-fetches the secret and signs again once after a signature error', async () => {
    // Prepare: the key changes at Tencent and in the secret.
    secretKey = 'rotated-key';
    emulator().rotateKey(DEFAULT_APP.sdkAppId, secretKey);
    const stale = getSignedIdentity(
      {
        sdkAppId: DEFAULT_APP.sdkAppId,
        secretKey: DEFAULT_APP.secretKey,
        adminIdentifier: 'administrator',
      },
      86_400,
    );
    identity.mockResolvedValueOnce(stale);

    // Act
    const { promise, progress } = send(sendGroupMsg, groupBody());

    // Assess
    await expect(promise).resolves.toMatchObject({ errorCode: 0 });
    expect(progress.attempts).toBe(2);
    expect(identity.mock.calls).toStrictEqual([[{ refresh: false }], [{ refresh: true }]]);
    expect(emulator().requests.map((r) => r.outcome)).toStrictEqual([
      'ErrorCode 70009',
      'ErrorCode 0',
    ]);
  });

  it('keeps its full retry budget for failures after a signature refresh', async () => {
    emulator().addFault({ errorCode: 70001 });
    emulator().addFault({ count: 3, errorCode: 10002 });
    const { promise, progress } = send(sendGroupMsg, groupBody());
    await expect(promise).resolves.toMatchObject({ errorCode: 0 });
    expect(progress.attempts).toBe(5);
  });

  it('reports CONFIGURATION_ERROR when the signature is still refused after one refresh', async () => {
    emulator().addFault({ count: 5, errorCode: 70001 });
    const { promise, progress } = send(sendGroupMsg, groupBody());
    await expect(promise).rejects.toMatchObject({
      code: 'CONFIGURATION_ERROR',
      tencentCode: 70001,
    });
    expect(progress.attempts).toBe(2);
    expect(identity).toHaveBeenCalledTimes(2);
  });

  it('ends within its budget with UPSTREAM_TIMEOUT when Tencent stalls', async () => {
    emulator().addFault({ count: 10, delayMs: 2_000 });
    const started = Date.now();
    const { promise } = send(sendGroupMsg, groupBody(), { budgetMs: 700, attemptTimeoutMs: 300 });
    await expect(promise).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('reports a reply that is not JSON as UPSTREAM_ERROR', async () => {
    emulator().addFault({ httpStatus: 404 });
    const { promise } = send(sendGroupMsg, groupBody());
    await expect(promise).rejects.toMatchObject({
      code: 'UPSTREAM_ERROR',
      message: 'Tencent answered HTTP 404',
    });
  });

  describe('live-room commands (no Random)', () => {
    const room = { ...MINIMAL_REQUESTS.send_text_msg };

    it.each([100001, 100602])(
      'retry %i, which shows Tencent did not take the message',
      async (errorCode) => {
        emulator().addFault({ errorCode });
        const { promise, progress } = send(sendTextMsg, room);
        await expect(promise).resolves.toMatchObject({ errorCode: 0 });
        expect(progress.attempts).toBe(2);
        expect(emulator().messagesFor('room1')).toHaveLength(1);
      },
    );

    it.each([
      [
        'a connection dropped after Tencent received it',
        { drop: 'after' as const },
        'UPSTREAM_UNAVAILABLE',
      ],
      ['a timeout', { delayMs: 500 }, 'UPSTREAM_TIMEOUT'],
      ['HTTP 502', { httpStatus: 502 }, 'UPSTREAM_UNAVAILABLE'],
      ['70500, an internal timeout', { errorCode: 70500 }, 'UPSTREAM_UNAVAILABLE'],
    ])('are not retried after %s', async (_, fault, code) => {
      emulator().addFault(fault);
      const { promise, progress } = send(sendTextMsg, room, { attemptTimeoutMs: 300 });
      await expect(promise).rejects.toMatchObject({ code });
      expect(progress.attempts).toBe(1);
    });

    it('are retried when the connection was refused, before anything was sent', async () => {
      // Prepare: a port nothing listens on.
      const closed = await startTencentChatEmulator();
      await closed.close();

      // Act
      const { promise, progress } = send(sendTextMsg, room, { baseUrl: closed.url });

      // Assess
      await expect(promise).rejects.toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        message: 'Could not reach Tencent (ECONNREFUSED)',
      });
      expect(progress.attempts).toBe(4);
    });
  });

  it('never puts the URL or the UserSig into an error message', async () => {
    emulator().addFault({ count: 10, httpStatus: 502 });
    const { promise } = send(sendGroupMsg, groupBody());
    const error = (await promise.catch((caught: unknown) => caught)) as Error;
    const userSig = (await identity({ refresh: false })).userSig;
    expect(`${error.message} ${error.stack}`).not.toContain(userSig);
    expect(error.message).not.toContain('usersig');
  });
});

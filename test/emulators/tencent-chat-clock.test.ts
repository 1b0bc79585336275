import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningEmulator,
  startTencentChatEmulator,
} from '../../emulators/tencent-chat/server.ts';
import { postCommand } from '../support/emulator-calls.ts';

/** The emulator's clock control: moving it on ends Tencent's five-minute de-duplication window. */

let running: RunningEmulator;

const post = async (body: unknown) =>
  (await postCommand(running.url, '/v4/group_open_http_svc/send_group_msg', body)).body;

const setClock = async (clockOffsetMs: number) =>
  (await fetch(`${running.url}/emulator/settings`, {
    method: 'PUT',
    body: JSON.stringify({ clockOffsetMs }),
  }).then((response) => response.json())) as Record<string, unknown>;

beforeAll(async () => {
  running = await startTencentChatEmulator();
});
afterAll(() => running.close());

describe('Tencent Chat emulator: PUT /emulator/settings { clockOffsetMs }', () => {
  it('moves the clock on, so that the same content and Random is delivered again after five minutes', async () => {
    // Prepare
    const message = {
      GroupId: '@TGS#2C5SZEAEF',
      Random: 42,
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'clock' } }],
    };
    const first = await post(message);
    const duplicate = await post(message);

    // Act
    const settings = await setClock(5 * 60_000 + 1);
    const afterWindow = await post(message);

    // Assess
    expect(settings).toMatchObject({ ok: true, clockOffsetMs: 300_001 });
    expect(duplicate.MsgSeq).toBe(first.MsgSeq);
    expect(afterWindow.MsgSeq).not.toBe(first.MsgSeq);
    expect(running.emulator.messages).toHaveLength(2);
    expect(Number(afterWindow.MsgTime) - Number(first.MsgTime)).toBeGreaterThanOrEqual(300);
  });
});

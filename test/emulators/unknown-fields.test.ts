import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unknownFields } from '../../emulators/tencent-chat/checks.ts';
import {
  type RunningEmulator,
  startTencentChatEmulator,
} from '../../emulators/tencent-chat/server.ts';
import { postCommand } from '../support/emulator-calls.ts';

const text = (Text: string) => ({ MsgType: 'TIMTextElem', MsgContent: { Text } });

describe('Function: unknownFields (the emulator reads bodies as Tencent does)', () => {
  it('finds nothing in a body using documented fields only', () => {
    const body = {
      GroupId: 'g',
      Random: 1,
      MsgBody: [text('hi')],
      OfflinePushInfo: {
        PushTemplateParam: { anything: 'goes' },
        ApnsInfo: { LiveActivity: { LaId: 'l', Event: 'end', ContentState: { free: 1 } } },
        MultiLanguageContent: [{ Language: 'en', Title: 't' }],
      },
      GroupAtInfo: [{ GroupAt_Account: 'tommy' }],
    };
    expect(unknownFields('send_group_msg', body)).toStrictEqual([]);
  });

  it('lists unknown keys at every level, elements read by their MsgType', () => {
    // Prepare
    const relay = {
      MsgType: 'TIMRelayElem',
      MsgContent: { MsgList: [{ MsgBody: [{ ...text('a'), Extra: 1 }], Oops: 2 }] },
    };
    const body = {
      GroupId: 'g',
      Priority: 'High',
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi', Data: 'x' } }, relay],
      OfflinePushInfo: { AndroidInfo: { VIVOClasification: 1 } },
      GroupAtInfo: [{ GroupAtAllFlag: 1, Flag: 1 }],
    };

    // Act
    const found = unknownFields('send_group_msg', body);

    // Assess
    expect(found).toStrictEqual([
      'Priority',
      'OfflinePushInfo.AndroidInfo.VIVOClasification',
      'GroupAtInfo[0].Flag',
      'MsgBody[0].MsgContent.Data',
      'MsgBody[1].MsgContent.MsgList[0].Oops',
      'MsgBody[1].MsgContent.MsgList[0].MsgBody[0].Extra',
    ]);
  });

  it('knows each command apart', () => {
    expect(unknownFields('send_text_msg', { RoomId: 'r', GroupId: 'g' })).toStrictEqual([
      'GroupId',
    ]);
    expect(unknownFields('send_broadcast_msg', { MsgBody: [], OfflinePushInfo: {} })).toStrictEqual(
      ['OfflinePushInfo'],
    );
  });
});

describe('Emulator: unknown fields reach it and are ignored, as by Tencent', () => {
  let running: RunningEmulator;

  beforeAll(async () => {
    running = await startTencentChatEmulator();
  });

  afterAll(async () => {
    await running.close();
  });

  it('delivers the message and records the unknown keys at /emulator/requests', async () => {
    // Prepare
    const body = { GroupId: '@TGS#2C5SZEAEF', Random: 9, MsgBody: [text('hi')], Priorty: 'High' };

    // Act
    const reply = await postCommand(running.url, '/v4/group_open_http_svc/send_group_msg', body);
    const requests = (await (await fetch(`${running.url}/emulator/requests`)).json()) as unknown[];

    // Assess
    expect(reply.body).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
    expect(requests.at(-1)).toMatchObject({ body, unknownFields: ['Priorty'] });
  });
});

import { describe, expect, it } from 'vitest';
import {
  sendBroadcastMsg,
  sendCustomMsg,
  sendGroupMsg,
  sendTextMsg,
} from '../../lib/commands/index.ts';
import { InvalidRequestError, PayloadTooLargeError, SendError } from '../../lib/errors.ts';
import {
  checkRequest,
  MESSAGE_BYTES_LIMIT,
  storedMessageBytes,
  validateRequest,
} from '../../lib/validation.ts';
import {
  MINIMAL_REQUESTS,
  SEED_BROADCAST_REQUEST,
  SEED_CUSTOM_REQUEST,
  SEED_GROUP_REQUESTS,
  SEED_TEXT_REQUEST,
  text,
} from '../support/requests.ts';

const problemsOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof SendError) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('the request was accepted');
};

const group = (overrides: Record<string, unknown>) => ({
  ...MINIMAL_REQUESTS.send_group_msg,
  ...overrides,
});
const element = (MsgType: string, MsgContent: Record<string, unknown>) => ({ MsgType, MsgContent });

const VALID_ELEMENTS = {
  TIMTextElem: element('TIMTextElem', { Text: 'hi' }),
  TIMLocationElem: element('TIMLocationElem', { Desc: 'office', Latitude: 22.5, Longitude: 113.9 }),
  TIMFaceElem: element('TIMFaceElem', { Index: 1, Data: 'smile' }),
  TIMCustomElem: element('TIMCustomElem', {
    Data: 'x',
    Desc: 'd',
    Ext: 'e',
    Sound: 'dingdong.aiff',
  }),
  TIMSoundElem: element('TIMSoundElem', {
    Url: 'https://a/b.mp3',
    UUID: 'u1',
    Size: 10,
    Second: 2,
    Download_Flag: 2,
  }),
  TIMImageElem: element('TIMImageElem', {
    UUID: 'img',
    ImageFormat: 1,
    ImageInfoArray: [{ Type: 1, Size: 100, Width: 10, Height: 20, URL: 'https://a/b.jpg' }],
  }),
  TIMFileElem: element('TIMFileElem', {
    Url: 'https://a/f',
    UUID: 'f',
    FileSize: 5,
    FileName: 'a.txt',
    Download_Flag: 2,
  }),
  TIMVideoFileElem: element('TIMVideoFileElem', {
    VideoUrl: 'https://a/v.mp4',
    VideoUUID: 'v',
    VideoSize: 1,
    VideoSecond: 1,
    VideoFormat: 'mp4',
    VideoDownloadFlag: 2,
    ThumbUrl: 'https://a/t.jpg',
    ThumbUUID: 't',
    ThumbSize: 1,
    ThumbWidth: 10,
    ThumbHeight: 10,
    ThumbFormat: 'JPG',
    ThumbDownloadFlag: 2,
  }),
};

describe('Function: validateRequest', () => {
  it.each(Object.entries(SEED_GROUP_REQUESTS))(
    'accepts the %s example of send_group_msg unchanged',
    (_, request) => {
      // Act
      const accepted = validateRequest(sendGroupMsg, request);

      // Assess
      expect(accepted).toStrictEqual(request);
    },
  );

  it('accepts the examples of the other three commands unchanged', () => {
    expect(validateRequest(sendBroadcastMsg, SEED_BROADCAST_REQUEST)).toStrictEqual(
      SEED_BROADCAST_REQUEST,
    );
    expect(validateRequest(sendTextMsg, SEED_TEXT_REQUEST)).toStrictEqual(SEED_TEXT_REQUEST);
    expect(validateRequest(sendCustomMsg, SEED_CUSTOM_REQUEST)).toStrictEqual(SEED_CUSTOM_REQUEST);
  });

  it.each(Object.entries(VALID_ELEMENTS))(
    'accepts a %s with all its documented fields',
    (_, msgElement) => {
      const request = group({ MsgBody: [msgElement] });
      expect(validateRequest(sendGroupMsg, request)).toStrictEqual(request);
    },
  );

  it.each([
    ['a missing GroupId', { GroupId: undefined }, 'GroupId', 'is required'],
    ['an empty GroupId', { GroupId: '' }, 'GroupId', 'must not be empty'],
    ['a GroupId over 48 bytes', { GroupId: 'g'.repeat(49) }, 'GroupId', 'must be at most 48 bytes'],
    ['a numeric GroupId', { GroupId: 42 }, 'GroupId', 'expected string'],
    ['a negative Random', { Random: -1 }, 'Random', 'must be at least 0'],
    ['a Random over uint32', { Random: 4_294_967_296 }, 'Random', 'must be at most 4294967295'],
    ['a fractional Random', { Random: 1.5 }, 'Random', 'expected int'],
    ['a missing MsgBody', { MsgBody: undefined }, 'MsgBody', 'is required'],
    ['an empty MsgBody', { MsgBody: [] }, 'MsgBody', 'must hold at least one element'],
    [
      'a lower-case MsgPriority',
      { MsgPriority: 'high' },
      'MsgPriority',
      'must be one of "High", "Normal", "Low", "Lowest"',
    ],
    [
      'an unknown ForbidCallbackControl',
      { ForbidCallbackControl: ['Nope'] },
      'ForbidCallbackControl[0]',
      'must be one of',
    ],
    [
      'an unknown SendMsgControl',
      { SendMsgControl: ['NoPush'] },
      'SendMsgControl[0]',
      'must be one of',
    ],
    ['OnlineOnlyFlag 2', { OnlineOnlyFlag: 2 }, 'OnlineOnlyFlag', ''],
    [
      'SendMsgControl with OnlineOnlyFlag 1',
      { OnlineOnlyFlag: 1, SendMsgControl: ['NoUnread'] },
      'SendMsgControl',
      'must be absent when OnlineOnlyFlag is 1',
    ],
    [
      '51 To_Account',
      { To_Account: Array.from({ length: 51 }, (_, i) => `user${i}`) },
      'To_Account',
      'must name at most 50 accounts',
    ],
    ['an empty To_Account', { To_Account: [] }, 'To_Account', 'must name at least one account'],
    [
      'a From_Account over 32 bytes',
      { From_Account: 'u'.repeat(33) },
      'From_Account',
      'must be at most 32 bytes',
    ],
    [
      'a GroupAtInfo without the account',
      { GroupAtInfo: [{ GroupAtAllFlag: 0 }] },
      'GroupAtInfo[0].GroupAt_Account',
      'is required unless GroupAtAllFlag is 1 (@all)',
    ],
    [
      '@all with an account',
      { GroupAtInfo: [{ GroupAtAllFlag: 1, GroupAt_Account: 'x' }] },
      'GroupAtInfo[0].GroupAt_Account',
      'must be absent',
    ],
    [
      'an unknown field',
      { Priority: 'High' },
      'Priority',
      'is not a field of send_group_msg; did you mean MsgPriority?',
    ],
    [
      'an unknown OfflinePushInfo field',
      { OfflinePushInfo: { Sound: 'x' } },
      'OfflinePushInfo.Sound',
      'is not a field of OfflinePushInfo; did you mean OfflinePushInfo.AndroidInfo.Sound?',
    ],
    [
      'a bad HuaWeiImportance',
      { OfflinePushInfo: { AndroidInfo: { HuaWeiImportance: 'HIGH' } } },
      'OfflinePushInfo.AndroidInfo.HuaWeiImportance',
      'must be one of',
    ],
    [
      'an unknown MsgType',
      { MsgBody: [element('TIMGroupTipElem', { Title: 'x' })] },
      'MsgBody[0].MsgType',
      'must be one of',
    ],
    [
      'a text element without Text',
      { MsgBody: [element('TIMTextElem', {})] },
      'MsgBody[0].MsgContent.Text',
      'is required',
    ],
    [
      'an unknown MsgContent field',
      { MsgBody: [element('TIMTextElem', { Text: 'a', Bold: true })] },
      'MsgBody[0].MsgContent.Bold',
      'is not a field',
    ],
    [
      'a latitude out of range',
      { MsgBody: [element('TIMLocationElem', { Desc: 'x', Latitude: 91, Longitude: 0 })] },
      'MsgBody[0].MsgContent.Latitude',
      'must be at most 90',
    ],
    [
      'a sound without Download_Flag 2',
      { MsgBody: [element('TIMSoundElem', { Url: 'u', UUID: 'i', Download_Flag: 1 })] },
      'MsgBody[0].MsgContent.Download_Flag',
      'must be 2',
    ],
    [
      'an image format outside the enumeration',
      {
        MsgBody: [
          element('TIMImageElem', {
            UUID: 'i',
            ImageFormat: 5,
            ImageInfoArray: [{ Type: 1, Width: 1, Height: 1, URL: 'u' }],
          }),
        ],
      },
      'MsgBody[0].MsgContent.ImageFormat',
      '',
    ],
    [
      'an image without URL',
      {
        MsgBody: [
          element('TIMImageElem', {
            UUID: 'i',
            ImageFormat: 1,
            ImageInfoArray: [{ Type: 1, Width: 1, Height: 1 }],
          }),
        ],
      },
      'MsgBody[0].MsgContent.ImageInfoArray[0].URL',
      'is required',
    ],
    [
      'a file without UUID',
      { MsgBody: [element('TIMFileElem', { Url: 'u', Download_Flag: 2 })] },
      'MsgBody[0].MsgContent.UUID',
      'is required',
    ],
    [
      'a video without ThumbWidth',
      {
        MsgBody: [
          element('TIMVideoFileElem', {
            ...VALID_ELEMENTS.TIMVideoFileElem.MsgContent,
            ThumbWidth: undefined,
          }),
        ],
      },
      'MsgBody[0].MsgContent.ThumbWidth',
      'is required',
    ],
    [
      'two custom elements',
      { MsgBody: [VALID_ELEMENTS.TIMCustomElem, text('a'), VALID_ELEMENTS.TIMCustomElem] },
      'MsgBody[2].MsgType',
      'at most one TIMCustomElem',
    ],
  ])('rejects %s, naming the field', (_, overrides, path, message) => {
    // Act
    const { code, details } = problemsOf(() => validateRequest(sendGroupMsg, group(overrides)));

    // Assess
    expect(code).toBe('INVALID_REQUEST');
    expect(details).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it.each([
    [
      sendBroadcastMsg,
      { MsgBody: [text('x')], GroupId: 'g' },
      'GroupId',
      'is not a field of send_broadcast_msg',
    ],
    [sendTextMsg, { RoomId: 'r', TextContent: 'x' }, 'Sender_Account', 'is required'],
    [
      sendTextMsg,
      { ...SEED_TEXT_REQUEST, ExtensionInfo: 'not json' },
      'ExtensionInfo',
      'must be JSON text',
    ],
    [sendTextMsg, { ...SEED_TEXT_REQUEST, Random: 1 }, 'Random', 'is not a field of send_text_msg'],
    [
      sendCustomMsg,
      { ...SEED_CUSTOM_REQUEST, Data: 12 },
      'Data',
      'expected string (Tencent takes Data as a string)',
    ],
    [sendCustomMsg, { RoomId: 'r', Data: 'x' }, 'BusinessId', 'is required'],
  ])(
    'rejects bad %#th requests of the other commands, naming the field',
    (command, request, path, message) => {
      const { code, details } = problemsOf(() =>
        validateRequest(command as typeof sendTextMsg, request),
      );
      expect(code).toBe('INVALID_REQUEST');
      expect(details).toContainEqual({ path, message });
    },
  );

  it('rejects a request that is not an object', () => {
    const { details } = problemsOf(() => validateRequest(sendGroupMsg, ['GroupId']));
    expect(details).toStrictEqual([{ path: '', message: 'expected object' }]);
  });

  it('lists every problem of a request, with a summary naming the first', () => {
    // Act
    let error: unknown;
    try {
      validateRequest(sendGroupMsg, { GroupId: 1, MsgBody: [], Extra: true });
    } catch (caught) {
      error = caught;
    }

    // Assess
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).details.map((d) => d.path).sort()).toStrictEqual([
      'Extra',
      'GroupId',
      'MsgBody',
    ]);
    expect((error as InvalidRequestError).message).toMatch(
      /^Invalid request: \w+: .+ \(and 2 more\)$/,
    );
  });
});

describe('Function: storedMessageBytes and the 12 KB limit', () => {
  it('counts the UTF-8 bytes of the MsgBody JSON plus CloudCustomData', () => {
    const msgBody = [text('é')];
    expect(storedMessageBytes({ MsgBody: msgBody, CloudCustomData: '€' })).toBe(
      Buffer.byteLength(JSON.stringify(msgBody)) + 3,
    );
  });

  it('accepts a group message of exactly the limit and rejects one byte more', () => {
    // Prepare
    const overhead = storedMessageBytes({ MsgBody: [text('')] });
    const atLimit = group({ MsgBody: [text('a'.repeat(MESSAGE_BYTES_LIMIT - overhead))] });
    const overLimit = group({ MsgBody: [text('a'.repeat(MESSAGE_BYTES_LIMIT - overhead + 1))] });

    // Act & Assess
    expect(validateRequest(sendGroupMsg, atLimit)).toStrictEqual(atLimit);
    expect(() => validateRequest(sendGroupMsg, overLimit)).toThrow(PayloadTooLargeError);
  });

  it('counts a live-room text as Tencent wraps it, ExtensionInfo included', () => {
    const request = {
      ...SEED_TEXT_REQUEST,
      ExtensionInfo: JSON.stringify({ pad: 'x'.repeat(MESSAGE_BYTES_LIMIT) }),
    };
    const { code, details } = problemsOf(() => validateRequest(sendTextMsg, request));
    expect(code).toBe('PAYLOAD_TOO_LARGE');
    expect(details[0]?.path).toBe('MsgBody');
  });

  it('counts a custom live-room message as the JSON of BusinessId and Data', () => {
    const request = { ...SEED_CUSTOM_REQUEST, Data: 'é'.repeat(MESSAGE_BYTES_LIMIT / 2) };
    expect(problemsOf(() => validateRequest(sendCustomMsg, request)).code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
  });
});

describe('Function: checkRequest, the whole documented field set', () => {
  it.each([
    [
      'GroupAtInfo naming an account without GroupAtAllFlag',
      { GroupAtInfo: [{ GroupAt_Account: 'tommy' }] },
    ],
    [
      'VIVOClassification as the string "1"',
      { OfflinePushInfo: { AndroidInfo: { VIVOClassification: '1' } } },
    ],
    [
      'VIVONotifyType as a string or an integer',
      { OfflinePushInfo: { AndroidInfo: { VIVONotifyType: 2 } } },
    ],
    [
      'every SendMsgControl value',
      { SendMsgControl: ['NoLastMsg', 'NoUnread', 'WithMuteNotifications', 'NoMsgCheck'] },
    ],
    ['NeedReadReceipt', { NeedReadReceipt: 1 }],
    ['an empty CloudCustomData', { CloudCustomData: '' }],
    [
      'BadgeAddNum 1 and BadgeSetNum 999',
      { OfflinePushInfo: { BadgeAddNum: 1, BadgeSetNum: 999 } },
    ],
    [
      'a LiveActivity',
      {
        OfflinePushInfo: {
          ApnsInfo: {
            LiveActivity: { LaId: 'l'.repeat(64), Event: 'end', ContentState: { a: [1] } },
          },
        },
      },
    ],
  ])("accepts %s, returning the caller's own object", (_, overrides) => {
    // Prepare
    const request = group(overrides);

    // Act
    const { request: checked, warnings } = checkRequest(sendGroupMsg, request);

    // Assess
    expect(checked).toBe(request);
    expect(warnings).toStrictEqual([]);
  });

  it.each([
    [
      'BadgeAddNum 0',
      { OfflinePushInfo: { BadgeAddNum: 0 } },
      'OfflinePushInfo.BadgeAddNum',
      'must be at least 1',
    ],
    [
      'BadgeAddNum 100',
      { OfflinePushInfo: { BadgeAddNum: 100 } },
      'OfflinePushInfo.BadgeAddNum',
      'must be at most 99',
    ],
    [
      'BadgeSetNum 1000',
      { OfflinePushInfo: { BadgeSetNum: 1000 } },
      'OfflinePushInfo.BadgeSetNum',
      'must be at most 999',
    ],
    [
      'SoundDuration 61',
      { OfflinePushInfo: { HarmonyInfo: { SoundDuration: 61 } } },
      'OfflinePushInfo.HarmonyInfo.SoundDuration',
      'must be at most 60',
    ],
    [
      'PushTemplateParam as JSON text',
      { OfflinePushInfo: { PushTemplateParam: '{"a":"b"}' } },
      'OfflinePushInfo.PushTemplateParam',
      'expected record',
    ],
    [
      'VIVOClassification "2"',
      { OfflinePushInfo: { AndroidInfo: { VIVOClassification: '2' } } },
      'OfflinePushInfo.AndroidInfo.VIVOClassification',
      'must be one of',
    ],
    [
      'OPPONotifyLevel 3',
      { OfflinePushInfo: { AndroidInfo: { OPPONotifyLevel: 3 } } },
      'OfflinePushInfo.AndroidInfo.OPPONotifyLevel',
      'must be one of',
    ],
    [
      'a LiveActivity without LaId',
      { OfflinePushInfo: { ApnsInfo: { LiveActivity: { Event: 'end', ContentState: {} } } } },
      'OfflinePushInfo.ApnsInfo.LiveActivity.LaId',
      'is required',
    ],
    [
      'a LaId over 64 bytes',
      {
        OfflinePushInfo: {
          ApnsInfo: { LiveActivity: { LaId: 'l'.repeat(65), Event: 'end', ContentState: {} } },
        },
      },
      'OfflinePushInfo.ApnsInfo.LiveActivity.LaId',
      'must be at most 64 bytes',
    ],
    [
      'a LiveActivity event "start"',
      {
        OfflinePushInfo: {
          ApnsInfo: { LiveActivity: { LaId: 'l', Event: 'start', ContentState: {} } },
        },
      },
      'OfflinePushInfo.ApnsInfo.LiveActivity.Event',
      'must be one of',
    ],
    [
      'an InterruptionLevel in capitals',
      { OfflinePushInfo: { ApnsInfo: { InterruptionLevel: 'Active' } } },
      'OfflinePushInfo.ApnsInfo.InterruptionLevel',
      'must be one of',
    ],
    [
      'a GroupAtInfo entry with neither field',
      { GroupAtInfo: [{}] },
      'GroupAtInfo[0].GroupAt_Account',
      'is required unless',
    ],
    [
      'a merged message without MsgBody',
      { MsgBody: [element('TIMRelayElem', { MsgList: [{ MsgSeq: 1 }] })] },
      'MsgBody[0].MsgContent.MsgList[0].MsgBody',
      'is required',
    ],
  ])('rejects %s, naming the field', (_, overrides, path, message) => {
    const { code, details } = problemsOf(() => checkRequest(sendGroupMsg, group(overrides)));
    expect(code).toBe('INVALID_REQUEST');
    expect(details).toContainEqual({ path, message: expect.stringContaining(message) });
  });
});

describe('Function: checkRequest, forward mode', () => {
  it("keeps the unknown fields in the caller's object and lists each as a warning", () => {
    // Prepare
    const request = group({
      Priority: 'High',
      OfflinePushInfo: { AndroidInfo: { VIVOClasification: 1 }, FuturePushOption: '' },
    });
    const before = JSON.stringify(request);

    // Act
    const { request: checked, warnings } = checkRequest(sendGroupMsg, request, 'forward');

    // Assess
    expect(checked).toBe(request);
    expect(JSON.stringify(checked)).toBe(before);
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    expect([...warnings].sort(byPath)).toStrictEqual([
      {
        path: 'OfflinePushInfo.AndroidInfo.VIVOClasification',
        message:
          'is not a field of OfflinePushInfo.AndroidInfo; did you mean OfflinePushInfo.AndroidInfo.VIVOClassification? (sent to Tencent as given)',
      },
      {
        path: 'OfflinePushInfo.FuturePushOption',
        message: 'is not a field of OfflinePushInfo (sent to Tencent as given)',
      },
      {
        path: 'Priority',
        message:
          'is not a field of send_group_msg; did you mean MsgPriority? (sent to Tencent as given)',
      },
    ]);
  });

  it('still checks every documented field', () => {
    const request = group({ Zebra: 1, MsgPriority: 'Urgent' });
    const { details } = problemsOf(() => checkRequest(sendGroupMsg, request, 'forward'));
    expect(details).toStrictEqual([
      { path: 'MsgPriority', message: 'must be one of "High", "Normal", "Low", "Lowest"' },
    ]);
  });

  it('counts forwarded fields inside MsgBody towards the 12 KB limit', () => {
    const overhead = storedMessageBytes({ MsgBody: [{ ...text(''), Pad: '' }] });
    const request = group({
      MsgBody: [{ ...text(''), Pad: 'a'.repeat(MESSAGE_BYTES_LIMIT - overhead + 1) }],
    });
    expect(problemsOf(() => checkRequest(sendGroupMsg, request, 'forward')).code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
  });
});

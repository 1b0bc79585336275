/**
 * A conversation to look at: every element type, a mention, badges, a de-duplicated repeat, a
 * refusal the function retried and a drop by frequency control, sent through the local API.
 */

const GROUP = 'live-lobby';
const ROOM = 'room1';

const post = async (api: string, route: string, body: unknown, headers = {}) => {
  const response = await fetch(`${api}/v1/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, result: (await response.json()) as Record<string, unknown> };
};

const fault = (emulator: string, body: unknown) =>
  fetch(`${emulator}/emulator/faults`, { method: 'POST', body: JSON.stringify(body) });

const text = (Text: string) => ({ MsgType: 'TIMTextElem', MsgContent: { Text } });

const ELEMENTS = {
  image: (emulator: string) => ({
    MsgType: 'TIMImageElem',
    MsgContent: {
      UUID: 'demo-image',
      ImageFormat: 255,
      ImageInfoArray: [
        {
          Type: 1,
          Size: 48_213,
          Width: 640,
          Height: 360,
          URL: `${emulator}/console/assets/sample.svg`,
        },
        {
          Type: 3,
          Size: 6_120,
          Width: 198,
          Height: 111,
          URL: `${emulator}/console/assets/sample.svg`,
        },
      ],
    },
  }),
  file: {
    MsgType: 'TIMFileElem',
    MsgContent: {
      Url: 'https://example.com/files/agenda.pdf',
      UUID: 'demo-file',
      FileSize: 182_044,
      FileName: 'agenda.pdf',
      Download_Flag: 2,
    },
  },
  sound: {
    MsgType: 'TIMSoundElem',
    MsgContent: {
      Url: 'https://example.com/voice/1.m4a',
      UUID: 'demo-sound',
      Size: 23_511,
      Second: 14,
      Download_Flag: 2,
    },
  },
  video: (emulator: string) => ({
    MsgType: 'TIMVideoFileElem',
    MsgContent: {
      VideoUrl: 'https://example.com/video/clip.mp4',
      VideoUUID: 'demo-video',
      VideoSize: 2_340_112,
      VideoSecond: 75,
      VideoFormat: 'mp4',
      VideoDownloadFlag: 2,
      ThumbUrl: `${emulator}/console/assets/sample.svg`,
      ThumbUUID: 'demo-thumb',
      ThumbWidth: 320,
      ThumbHeight: 180,
      ThumbDownloadFlag: 2,
    },
  }),
  location: {
    MsgType: 'TIMLocationElem',
    MsgContent: { Desc: 'Tencent Binhai Towers', Latitude: 22.5224, Longitude: 113.9355 },
  },
  face: { MsgType: 'TIMFaceElem', MsgContent: { Index: 3 } },
  custom: { MsgType: 'TIMCustomElem', MsgContent: { Data: '{"kind":"poll","question":"Lunch?"}' } },
};

const sendDemo = async (api: string, emulator: string): Promise<void> => {
  await post(api, 'group-messages', {
    GroupId: GROUP,
    From_Account: 'host',
    MsgBody: [text('Welcome @alice and @all!')],
    GroupAtInfo: [{ GroupAtAllFlag: 0, GroupAt_Account: 'alice' }, { GroupAtAllFlag: 1 }],
    MsgPriority: 'High',
    OfflinePushInfo: { Title: 'Stage opens' },
  });
  await post(api, 'group-messages', {
    GroupId: GROUP,
    From_Account: 'alice',
    MsgBody: [
      text('Here is the view and where we are:'),
      ELEMENTS.image(emulator),
      ELEMENTS.location,
    ],
  });
  await post(api, 'group-messages', {
    GroupId: GROUP,
    MsgBody: [ELEMENTS.file, ELEMENTS.sound, ELEMENTS.video(emulator)],
  });
  const repeated = { GroupId: GROUP, Random: 4242, MsgBody: [text('Said twice'), ELEMENTS.face] };
  await post(api, 'group-messages', repeated);
  await post(api, 'group-messages', repeated);
  await fault(emulator, { count: 1, errorCode: 10002, command: 'send_group_msg' });
  await post(api, 'group-messages', { GroupId: GROUP, MsgBody: [ELEMENTS.custom] });
  await post(api, 'broadcast-messages', {
    MsgBody: [text('Broadcast: the show starts in 5 minutes')],
  });

  await post(api, 'room-text-messages', {
    RoomId: ROOM,
    Sender_Account: 'host',
    TextContent: 'Welcome to the show <b>everyone</b>',
    ExtensionInfo: '{"color":"gold"}',
  });
  await post(api, 'room-custom-messages', {
    RoomId: ROOM,
    BusinessId: 'gift',
    Data: '{"gift":"rose","count":3}',
  });
  await fault(emulator, { count: 1, msgDropReason: 'MsgFreqCtrl', command: 'send_text_msg' });
  await post(api, 'room-text-messages', {
    RoomId: ROOM,
    Sender_Account: 'bob',
    TextContent: 'Hi!',
  });
};

export { GROUP, post, ROOM, sendDemo };

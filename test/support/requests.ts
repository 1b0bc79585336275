/** Requests used across the tests: the examples from Tencent's own pages (shared/seeds) first. */

const text = (Text: string) => ({ MsgType: 'TIMTextElem', MsgContent: { Text } });

const face = { MsgType: 'TIMFaceElem', MsgContent: { Index: 6, Data: 'abc\u0000\u0001' } };

/** seed 004, every example of send_group_msg. */
const SEED_GROUP_REQUESTS = {
  basic: {
    GroupId: '@TGS#2C5SZEAEF',
    Random: 8912345,
    MsgBody: [text('red packet'), face],
    CloudCustomData: 'your cloud custom data',
    SupportMessageExtension: 0,
    OfflinePushInfo: {
      PushFlag: 0,
      Desc: '离线推送内容',
      Ext: '这是透传的内容',
      AndroidInfo: { Sound: 'android.mp3' },
      ApnsInfo: {
        Sound: 'apns.mp3',
        BadgeMode: 1,
        Title: 'apns title',
        SubTitle: 'apns subtitle',
        Image: 'www.image.com',
      },
    },
  },
  fromAccount: {
    GroupId: '@TGS#2C5SZEAEF',
    From_Account: 'leckie',
    Random: 8912345,
    MsgBody: [text('red packet'), face],
  },
  toAccount: {
    GroupId: '@TGS#12DEVUDHQ',
    Random: 2784275388,
    MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: '1cddddddddq1' } }],
    To_Account: ['brennanli2', 'brennanli3'],
  },
  sendMsgControl: {
    GroupId: '@TGS#2C5SZEAEF',
    Random: 8912346,
    SendMsgControl: ['NoLastMsg'],
    MsgBody: [text('red packet'), face],
  },
  priority: {
    GroupId: '@TGS#2C5SZEAEF',
    Random: 8912347,
    MsgPriority: 'High',
    MsgBody: [text('red packet'), face],
  },
  forbidCallback: {
    GroupId: '@TGS#2C5SZEAEF',
    Random: 8912348,
    ForbidCallbackControl: ['ForbidBeforeSendMsgCallback', 'ForbidAfterSendMsgCallback'],
    MsgBody: [text('red packet'), face],
  },
  mentions: {
    GroupId: '@TGS#2C5SZEAEF',
    Random: 8912349,
    MsgBody: [text('red @all @tommy @brennanli packet')],
    GroupAtInfo: [
      { GroupAtAllFlag: 1 },
      { GroupAtAllFlag: 0, GroupAt_Account: 'tommy' },
      { GroupAtAllFlag: 0, GroupAt_Account: 'brennanli' },
    ],
  },
  onlineOnly: {
    GroupId: '@TGS#2C5SZEAEF',
    Random: 8912350,
    OnlineOnlyFlag: 1,
    MsgBody: [text('red packet'), face],
  },
};

/** seed 002. */
const SEED_BROADCAST_REQUEST = {
  From_Account: 'test',
  Random: 8912345,
  MsgBody: [
    { MsgType: 'TIMCustomElem', MsgContent: { Data: '{ "type":1, "content":"hello world"}' } },
  ],
  CloudCustomData: 'your cloud custom data',
};

/** seed 000. */
const SEED_TEXT_REQUEST = {
  RoomId: 'room1',
  Sender_Account: 'user1',
  TextContent: 'msg',
  ExtensionInfo: '{"data":1,"value":2}',
};

/** seed 001. */
const SEED_CUSTOM_REQUEST = {
  RoomId: 'room1',
  Sender_Account: 'user1',
  BusinessId: 'xxxxx',
  Data: 'zzzzzzz',
};

/** The smallest valid request per command, without Random. */
const MINIMAL_REQUESTS = {
  send_group_msg: { GroupId: '@TGS#2C5SZEAEF', MsgBody: [text('hello')] },
  send_broadcast_msg: { MsgBody: [text('hello everyone')] },
  send_text_msg: { RoomId: 'room1', Sender_Account: 'host', TextContent: 'hello room' },
  send_custom_msg: { RoomId: 'room1', BusinessId: 'gift', Data: '{"gift":"rose"}' },
} as const;

export {
  face,
  MINIMAL_REQUESTS,
  SEED_BROADCAST_REQUEST,
  SEED_CUSTOM_REQUEST,
  SEED_GROUP_REQUESTS,
  SEED_TEXT_REQUEST,
  text,
};

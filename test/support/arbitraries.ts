import fc from 'fast-check';

/** fast-check generators of requests the functions must accept, field for field. */

const account = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
const shortText = fc.string({ maxLength: 40 });
const nonEmptyText = fc.string({ minLength: 1, maxLength: 40 });
const flag = fc.constantFrom(0, 1);
const natural = fc.nat({ max: 1_000_000 });

const element = <T>(MsgType: string, MsgContent: fc.Arbitrary<T>) =>
  fc.record({ MsgType: fc.constant(MsgType), MsgContent });

const elements = {
  text: element('TIMTextElem', fc.record({ Text: shortText })),
  location: element(
    'TIMLocationElem',
    fc.record({
      Desc: shortText,
      Latitude: fc.double({ min: -90, max: 90, noNaN: true }),
      Longitude: fc.double({ min: -180, max: 180, noNaN: true }),
    }),
  ),
  face: element(
    'TIMFaceElem',
    fc.record({ Index: fc.integer(), Data: shortText }, { requiredKeys: ['Index'] }),
  ),
  custom: element(
    'TIMCustomElem',
    fc.record(
      { Data: shortText, Desc: shortText, Ext: shortText, Sound: shortText },
      { requiredKeys: ['Data'] },
    ),
  ),
  sound: element(
    'TIMSoundElem',
    fc.record(
      {
        Url: nonEmptyText,
        UUID: nonEmptyText,
        Size: natural,
        Second: natural,
        Download_Flag: fc.constant(2),
      },
      { requiredKeys: ['Url', 'UUID', 'Download_Flag'] },
    ),
  ),
  image: element(
    'TIMImageElem',
    fc.record({
      UUID: nonEmptyText,
      ImageFormat: fc.constantFrom(1, 2, 3, 4, 255),
      ImageInfoArray: fc.array(
        fc.record(
          {
            Type: fc.constantFrom(1, 2, 3),
            Size: natural,
            Width: natural,
            Height: natural,
            URL: nonEmptyText,
          },
          { requiredKeys: ['Type', 'Width', 'Height', 'URL'] },
        ),
        { minLength: 1, maxLength: 3 },
      ),
    }),
  ),
  file: element(
    'TIMFileElem',
    fc.record(
      {
        Url: nonEmptyText,
        UUID: nonEmptyText,
        FileSize: natural,
        FileName: shortText,
        Download_Flag: fc.constant(2),
      },
      { requiredKeys: ['Url', 'UUID', 'Download_Flag'] },
    ),
  ),
  video: element(
    'TIMVideoFileElem',
    fc.record(
      {
        VideoUrl: nonEmptyText,
        VideoUUID: nonEmptyText,
        VideoSize: natural,
        VideoSecond: natural,
        VideoFormat: shortText,
        VideoDownloadFlag: fc.constant(2),
        ThumbUrl: nonEmptyText,
        ThumbUUID: nonEmptyText,
        ThumbSize: natural,
        ThumbWidth: natural,
        ThumbHeight: natural,
        ThumbFormat: shortText,
        ThumbDownloadFlag: fc.constant(2),
      },
      {
        requiredKeys: [
          'VideoUrl',
          'VideoUUID',
          'VideoDownloadFlag',
          'ThumbUrl',
          'ThumbUUID',
          'ThumbWidth',
          'ThumbHeight',
          'ThumbDownloadFlag',
        ],
      },
    ),
  ),
};

const messageBody = fc
  .array(fc.oneof(...Object.values(elements)), { minLength: 1, maxLength: 4 })
  .filter((body) => body.filter((e) => e.MsgType === 'TIMCustomElem').length <= 1);

const offlinePushInfo = fc.record(
  {
    PushFlag: flag,
    Title: shortText,
    Desc: shortText,
    Ext: shortText,
    AndroidInfo: fc.record(
      {
        Sound: shortText,
        HuaWeiImportance: fc.constantFrom('LOW', 'NORMAL'),
        VIVOClassification: flag,
      },
      { requiredKeys: [] },
    ),
    ApnsInfo: fc.record(
      {
        Sound: shortText,
        BadgeMode: flag,
        Title: shortText,
        SubTitle: shortText,
        Image: shortText,
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const groupAt = fc.oneof(
  fc.constant({ GroupAtAllFlag: 1 }),
  fc.record({ GroupAtAllFlag: fc.constant(0), GroupAt_Account: account }),
);

const random = fc.integer({ min: 0, max: 4_294_967_295 });

const sendGroupMsgRequest = fc
  .record(
    {
      GroupId: fc.constantFrom('@TGS#2C5SZEAEF', '@TGS#12DEVUDHQ'),
      Random: random,
      MsgBody: messageBody,
      MsgPriority: fc.constantFrom('High', 'Normal', 'Low', 'Lowest'),
      From_Account: account,
      OfflinePushInfo: offlinePushInfo,
      ForbidCallbackControl: fc.subarray([
        'ForbidBeforeSendMsgCallback',
        'ForbidAfterSendMsgCallback',
      ]),
      OnlineOnlyFlag: flag,
      SendMsgControl: fc.subarray(['NoLastMsg', 'NoUnread']),
      CloudCustomData: shortText,
      SupportMessageExtension: flag,
      NeedReadReceipt: flag,
      To_Account: fc.array(account, { minLength: 1, maxLength: 50 }),
      TopicId: nonEmptyText,
      GroupAtInfo: fc.array(groupAt, { maxLength: 4 }),
    },
    { requiredKeys: ['GroupId', 'MsgBody'] },
  )
  .filter((request) => !(request.OnlineOnlyFlag === 1 && request.SendMsgControl !== undefined));

const sendBroadcastMsgRequest = fc.record(
  { From_Account: account, Random: random, MsgBody: messageBody, CloudCustomData: shortText },
  { requiredKeys: ['MsgBody'] },
);

const sendTextMsgRequest = fc.record(
  {
    RoomId: fc.constant('room1'),
    Sender_Account: account,
    TextContent: shortText,
    ExtensionInfo: fc.json({ maxDepth: 2 }),
  },
  { requiredKeys: ['RoomId', 'Sender_Account', 'TextContent'] },
);

const sendCustomMsgRequest = fc.record(
  {
    RoomId: fc.constant('room1'),
    Sender_Account: account,
    BusinessId: nonEmptyText,
    Data: shortText,
  },
  { requiredKeys: ['RoomId', 'BusinessId', 'Data'] },
);

const VALID_REQUESTS = {
  send_group_msg: sendGroupMsgRequest,
  send_broadcast_msg: sendBroadcastMsgRequest,
  send_text_msg: sendTextMsgRequest,
  send_custom_msg: sendCustomMsgRequest,
} as const;

/** Anything at all, and things shaped nearly like the three kinds of event. */
const anyEvent = fc.oneof(
  fc.jsonValue(),
  fc.anything(),
  fc.record(
    {
      requestContext: fc.oneof(fc.jsonValue(), fc.record({ http: fc.jsonValue() })),
      body: fc.oneof(fc.string(), fc.jsonValue()),
      isBase64Encoded: fc.boolean(),
      headers: fc.jsonValue(),
    },
    { requiredKeys: ['requestContext'] },
  ),
  fc.record(
    { 'detail-type': fc.string(), detail: fc.jsonValue(), id: fc.jsonValue() },
    { requiredKeys: ['detail-type', 'detail'] },
  ),
  fc.record(
    { request: fc.jsonValue(), idempotencyKey: fc.jsonValue() },
    { requiredKeys: ['request'] },
  ),
);

export { anyEvent, VALID_REQUESTS };

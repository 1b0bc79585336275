import fc from 'fast-check';

/** fast-check generators of requests the functions must accept, field for field. */

const account = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
const shortText = fc.string({ maxLength: 40 });
const nonEmptyText = fc.string({ minLength: 1, maxLength: 40 });
const flag = fc.constantFrom(0, 1);
const natural = fc.nat({ max: 1_000_000 });
/** A JSON object of the caller's own keys (template variables, vendor maps, ContentState). */
const jsonObject = fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), {
  maxKeys: 4,
});

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

const basicMessageBody = fc
  .array(fc.oneof(...Object.values(elements)), { minLength: 1, maxLength: 2 })
  .filter((body) => body.filter((e) => e.MsgType === 'TIMCustomElem').length <= 1);

const relay = element(
  'TIMRelayElem',
  fc.record(
    {
      Title: shortText,
      MsgNum: natural,
      CompatibleText: shortText,
      AbstractList: fc.array(shortText, { maxLength: 3 }),
      MsgList: fc.array(
        fc.record(
          {
            From_Account: account,
            To_Account: account,
            GroupId: nonEmptyText,
            MsgSeq: natural,
            MsgRandom: fc.integer({ min: 0, max: 4_294_967_295 }),
            MsgTimeStamp: natural,
            MsgBody: basicMessageBody,
            CloudCustomData: shortText,
          },
          { requiredKeys: ['MsgBody'] },
        ),
        { maxLength: 2 },
      ),
      JsonMsgKey: shortText,
    },
    { requiredKeys: [] },
  ),
);

const messageBody = fc
  .array(fc.oneof(...Object.values(elements), relay), { minLength: 1, maxLength: 4 })
  .filter((body) => body.filter((e) => e.MsgType === 'TIMCustomElem').length <= 1);

const optionalKeys = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) =>
  fc.record(fields, { requiredKeys: [] });

/** Every field of OfflinePushInfo (reference B.5.3), in every JSON type Tencent takes. */
const offlinePushInfo = optionalKeys({
  PushFlag: flag,
  Title: shortText,
  Desc: shortText,
  MultiLanguageContent: fc.array(
    fc.record(
      { Language: nonEmptyText, Title: shortText, Desc: shortText },
      { requiredKeys: ['Language'] },
    ),
    { maxLength: 3 },
  ),
  Ext: shortText,
  AndroidInfo: optionalKeys({
    Sound: shortText,
    PushStyle: flag,
    XiaoMiChannelID: shortText,
    OPPOChannelID: shortText,
    OPPOCategory: shortText,
    OPPOPrivateMsgTemplateId: shortText,
    OPPOPrivateTitleParameters: jsonObject,
    OPPOPrivateContentParameters: jsonObject,
    OPPONotifyLevel: fc.constantFrom(1, 2, 16),
    VIVOClassification: fc.constantFrom(0, 1, '0', '1'),
    VIVOCategory: shortText,
    VIVONotifyType: fc.constantFrom('1', '2', '3', '4', 1, 2, 3, 4),
    HuaWeiImportance: fc.constantFrom('LOW', 'NORMAL'),
    HuaWeiCategory: shortText,
    HuaWeiImage: shortText,
    HuaWeiChannelID: shortText,
    HonorImage: shortText,
    HonorImportance: fc.constantFrom('LOW', 'NORMAL'),
    GoogleImage: shortText,
    GooglePriority: fc.constantFrom('normal', 'high'),
    GoogleChannelID: shortText,
    MeiZuNoticeMsgType: flag,
    ExtAsHuaweiIntentParam: flag,
  }),
  ApnsInfo: optionalKeys({
    Sound: shortText,
    BadgeMode: flag,
    Title: shortText,
    SubTitle: shortText,
    Image: shortText,
    MutableContent: flag,
    InterruptionLevel: fc.constantFrom('active', 'critical', 'passive', 'time-sensitive'),
    ContentAvailable: flag,
    IsVoipPush: flag,
    LiveActivity: fc.record(
      {
        LaId: fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/),
        Event: fc.constantFrom('update', 'end'),
        ContentState: jsonObject,
        DismissalDate: natural,
      },
      { requiredKeys: ['LaId', 'Event', 'ContentState'] },
    ),
  }),
  HarmonyInfo: optionalKeys({
    Title: shortText,
    Category: shortText,
    Image: shortText,
    Sound: shortText,
    SoundDuration: fc.integer({ min: 1, max: 60 }),
  }),
  BadgeAddNum: fc.integer({ min: 1, max: 99 }),
  BadgeSetNum: fc.integer({ min: 0, max: 999 }),
  PushTemplateId: shortText,
  PushTemplateParam: jsonObject,
});

const groupAt = fc.oneof(
  fc.constant({ GroupAtAllFlag: 1 }),
  fc.record({ GroupAtAllFlag: fc.constant(0), GroupAt_Account: account }),
  fc.record({ GroupAt_Account: account }),
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
      SendMsgControl: fc.subarray(['NoLastMsg', 'NoUnread', 'WithMuteNotifications', 'NoMsgCheck']),
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

/**
 * Names no schema knows (a random suffix on a prefix no documented field starts with), to put into
 * valid requests at the top and inside OfflinePushInfo.
 */
const unknownKey = fc.stringMatching(/^[a-z]{1,8}$/).map((suffix) => `Zz${suffix}`);

export { anyEvent, unknownKey, VALID_REQUESTS };

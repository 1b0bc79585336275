/** Messages the browser tests send or draw, beyond what the form builds from its fields. */

const FILES_BODY = {
  GroupId: '@TGS#2C5SZEAEF',
  MsgBody: [
    {
      MsgType: 'TIMFileElem',
      MsgContent: {
        Url: 'https://example.com/agenda.pdf',
        UUID: 'f1',
        FileSize: 182_044,
        FileName: 'agenda.pdf',
        Download_Flag: 2,
      },
    },
    {
      MsgType: 'TIMSoundElem',
      MsgContent: {
        Url: 'https://example.com/1.m4a',
        UUID: 's1',
        Size: 23_511,
        Second: 14,
        Download_Flag: 2,
      },
    },
    {
      MsgType: 'TIMVideoFileElem',
      MsgContent: {
        VideoUrl: 'https://example.com/clip.mp4',
        VideoUUID: 'v1',
        VideoSize: 2_340_112,
        VideoSecond: 75,
        VideoFormat: 'mp4',
        VideoDownloadFlag: 2,
        ThumbUrl: 'https://example.com/clip.jpg',
        ThumbUUID: 't1',
        ThumbWidth: 320,
        ThumbHeight: 180,
        ThumbDownloadFlag: 2,
      },
    },
  ],
};

/** A forwarded chat history (TIMRelayElem), as the transcript receives it. */
const RELAY_ENTRY = {
  id: 1,
  at: Date.now(),
  kind: 'message',
  command: 'send_group_msg',
  targets: ['g'],
  request: {},
  message: {
    msgSeq: 9,
    from: 'carol',
    msgBody: [
      {
        MsgType: 'TIMRelayElem',
        MsgContent: {
          Title: 'Chat history of alice and bob',
          AbstractList: ['alice: hi', 'bob: <b>hello</b>'],
          MsgList: [
            {
              From_Account: 'alice',
              MsgSeq: 1,
              MsgTimeStamp: 1_750_000_000,
              MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }],
            },
            {
              From_Account: 'bob',
              MsgSeq: 2,
              MsgTimeStamp: 1_750_000_060,
              MsgBody: [{ MsgType: 'TIMFaceElem', MsgContent: { Index: 4 } }],
            },
          ],
        },
      },
    ],
  },
};

export { FILES_BODY, RELAY_ENTRY };

/**
 * What the send form knows of the four routes and of the elements it can build, as data: the
 * fields each element asks for (name, default) and how its MsgBody element is made from them.
 */

const COMMANDS = {
  group: {
    label: 'Group message',
    route: 'group-messages',
    target: 'GroupId',
    sender: 'From_Account',
  },
  broadcast: {
    label: 'Broadcast to every AVChatRoom group',
    route: 'broadcast-messages',
    sender: 'From_Account',
  },
  text: {
    label: 'Live-room text',
    route: 'room-text-messages',
    target: 'RoomId',
    sender: 'Sender_Account',
  },
  custom: {
    label: 'Live-room custom',
    route: 'room-custom-messages',
    target: 'RoomId',
    sender: 'Sender_Account',
  },
};
const BY_PAGE = {
  group: ['group', 'broadcast'],
  room: ['text', 'custom'],
  index: Object.keys(COMMANDS),
};

const sampleImage = () => `${location.origin}/console/assets/sample.svg`;
const IMAGE_FORMATS = { jpg: 1, jpeg: 1, gif: 2, png: 3, bmp: 4 };

const ELEMENTS = {
  text: [
    ['Text', 'Hello @alice, welcome!'],
    (v) => ({ MsgType: 'TIMTextElem', MsgContent: { Text: v.Text } }),
  ],
  face: [
    ['Index', '1'],
    (v) => ({ MsgType: 'TIMFaceElem', MsgContent: { Index: Number(v.Index) } }),
  ],
  location: [
    ['Desc', 'Tencent Binhai Towers', 'Latitude', '22.5224', 'Longitude', '113.9355'],
    (v) => ({
      MsgType: 'TIMLocationElem',
      MsgContent: { Desc: v.Desc, Latitude: Number(v.Latitude), Longitude: Number(v.Longitude) },
    }),
  ],
  custom: [
    ['Data', '{"kind":"poll","question":"Lunch at noon?"}'],
    (v) => ({ MsgType: 'TIMCustomElem', MsgContent: { Data: v.Data } }),
  ],
  image: [
    ['URL', '', 'Width', '640', 'Height', '360'],
    (v) => {
      const url = v.URL || sampleImage();
      const [width, height] = [Number(v.Width), Number(v.Height)];
      const scale = Math.min(1, 198 / Math.max(width, height, 1));
      const thumb = { Width: Math.round(width * scale), Height: Math.round(height * scale) };
      return {
        MsgType: 'TIMImageElem',
        MsgContent: {
          UUID: `console-${[...url].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7)}`,
          ImageFormat: IMAGE_FORMATS[url.split('.').pop()?.toLowerCase()] ?? 255,
          ImageInfoArray: [
            { Type: 1, Width: width, Height: height, URL: url },
            { Type: 3, ...thumb, URL: url },
          ],
        },
      };
    },
  ],
};

/** @-tokens of the texts, in order, as Tencent wants them in GroupAtInfo. */
const mentionsOf = (texts) =>
  [...texts.join(' ').matchAll(/@([A-Za-z0-9_.-]+)/g)].map(([, name]) =>
    name.toLowerCase() === 'all'
      ? { GroupAtAllFlag: 1 }
      : { GroupAtAllFlag: 0, GroupAt_Account: name },
  );

export { BY_PAGE, COMMANDS, ELEMENTS, mentionsOf };

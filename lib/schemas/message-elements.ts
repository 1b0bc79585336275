import * as z from 'zod/mini';
import { nonNegativeInt, requiredText, text, uint32 } from './fields.ts';

/**
 * The eight element types Tencent accepts over REST, each with its MsgContent, and TIMRelayElem
 * (merged messages), which Tencent documents as a received format: we forward it and let Tencent
 * decide (reference B.5).
 */

const downloadFlag = () => z.literal(2, { error: 'must be 2' });

/**
 * An element: its MsgType, and its MsgContent's schema built when an element of that type is first
 * checked. Building zod schemas is most of what they cost a cold start, and most containers only
 * ever meet one or two element types.
 */
const element = <Type extends string, Content extends z.ZodMiniType>(
  type: Type,
  content: () => Content,
) => z.strictObject({ MsgType: z.literal(type), MsgContent: z.lazy(content) });

const textElem = element('TIMTextElem', () => z.strictObject({ Text: text() }));

const locationElem = element('TIMLocationElem', () =>
  z.strictObject({
    Desc: text(),
    Latitude: z.number().check(z.gte(-90), z.lte(90)),
    Longitude: z.number().check(z.gte(-180), z.lte(180)),
  }),
);

const faceElem = element('TIMFaceElem', () =>
  z.strictObject({ Index: z.int(), Data: z.optional(text()) }),
);

const customElem = element('TIMCustomElem', () =>
  z.strictObject({
    Data: text(),
    Desc: z.optional(text()),
    Ext: z.optional(text()),
    Sound: z.optional(text()),
  }),
);

const soundElem = element('TIMSoundElem', () =>
  z.strictObject({
    Url: requiredText(),
    UUID: requiredText(),
    Size: z.optional(nonNegativeInt()),
    Second: z.optional(nonNegativeInt()),
    Download_Flag: downloadFlag(),
  }),
);

const imageInfo = () =>
  z.strictObject({
    Type: z.union([z.literal(1), z.literal(2), z.literal(3)]),
    Size: z.optional(nonNegativeInt()),
    Width: nonNegativeInt(),
    Height: nonNegativeInt(),
    URL: requiredText(),
  });

const imageElem = element('TIMImageElem', () =>
  z.strictObject({
    UUID: requiredText(),
    ImageFormat: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(255)]),
    ImageInfoArray: z.array(imageInfo()).check(z.minLength(1, 'must list at least one image')),
  }),
);

const fileElem = element('TIMFileElem', () =>
  z.strictObject({
    Url: requiredText(),
    UUID: requiredText(),
    FileSize: z.optional(nonNegativeInt()),
    FileName: z.optional(text()),
    Download_Flag: downloadFlag(),
  }),
);

const videoFileElem = element('TIMVideoFileElem', () =>
  z.strictObject({
    VideoUrl: requiredText(),
    VideoUUID: requiredText(),
    VideoSize: z.optional(nonNegativeInt()),
    VideoSecond: z.optional(nonNegativeInt()),
    VideoFormat: z.optional(text()),
    VideoDownloadFlag: downloadFlag(),
    ThumbUrl: requiredText(),
    ThumbUUID: requiredText(),
    ThumbSize: z.optional(nonNegativeInt()),
    ThumbWidth: nonNegativeInt(),
    ThumbHeight: nonNegativeInt(),
    ThumbFormat: z.optional(text()),
    ThumbDownloadFlag: downloadFlag(),
  }),
);

const BASIC_ELEMENTS = [
  textElem,
  locationElem,
  faceElem,
  customElem,
  soundElem,
  imageElem,
  fileElem,
  videoFileElem,
] as const;

/** One message inside a merged message. Its own MsgBody holds the eight basic elements. */
const relayedMessage = () =>
  z.strictObject({
    From_Account: z.optional(text()),
    To_Account: z.optional(text()),
    GroupId: z.optional(text()),
    MsgSeq: z.optional(nonNegativeInt()),
    MsgRandom: z.optional(uint32()),
    MsgTimeStamp: z.optional(nonNegativeInt()),
    MsgBody: z
      .array(z.discriminatedUnion('MsgType', BASIC_ELEMENTS))
      .check(z.minLength(1, 'must hold at least one element')),
    CloudCustomData: z.optional(text()),
  });

const relayElem = element('TIMRelayElem', () =>
  z.strictObject({
    Title: z.optional(text()),
    MsgNum: z.optional(nonNegativeInt()),
    CompatibleText: z.optional(text()),
    AbstractList: z.optional(z.array(text())),
    MsgList: z.optional(z.array(relayedMessage())),
    JsonMsgKey: z.optional(text()),
  }),
);

const messageElement = z.discriminatedUnion('MsgType', [...BASIC_ELEMENTS, relayElem]);

type MessageElement = z.infer<typeof messageElement>;

/** A message: one or more elements, at most one of them a TIMCustomElem. */
const messageBody = z.array(messageElement).check(
  z.minLength(1, 'must hold at least one element'),
  z.superRefine((elements, context) => {
    elements.forEach((element, index) => {
      const earlier = elements.findIndex((other) => other.MsgType === 'TIMCustomElem');
      if (element.MsgType === 'TIMCustomElem' && earlier < index) {
        context.addIssue({
          code: 'custom',
          path: [index, 'MsgType'],
          message: 'a message holds at most one TIMCustomElem',
          input: element,
        });
      }
    });
  }),
);

export type { MessageElement };
export { messageBody };

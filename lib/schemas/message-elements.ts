import * as z from 'zod/mini';
import { flag, nonNegativeInt, requiredText, text } from './fields.ts';

/** The eight element types Tencent accepts over REST (reference B.5), each with its MsgContent. */

const downloadFlag = () => z.literal(2, { error: 'must be 2' });

const textElem = z.strictObject({
  MsgType: z.literal('TIMTextElem'),
  MsgContent: z.strictObject({ Text: text() }),
});

const locationElem = z.strictObject({
  MsgType: z.literal('TIMLocationElem'),
  MsgContent: z.strictObject({
    Desc: text(),
    Latitude: z.number().check(z.gte(-90), z.lte(90)),
    Longitude: z.number().check(z.gte(-180), z.lte(180)),
  }),
});

const faceElem = z.strictObject({
  MsgType: z.literal('TIMFaceElem'),
  MsgContent: z.strictObject({ Index: z.int(), Data: z.optional(text()) }),
});

const customElem = z.strictObject({
  MsgType: z.literal('TIMCustomElem'),
  MsgContent: z.strictObject({
    Data: text(),
    Desc: z.optional(text()),
    Ext: z.optional(text()),
    Sound: z.optional(text()),
  }),
});

const soundElem = z.strictObject({
  MsgType: z.literal('TIMSoundElem'),
  MsgContent: z.strictObject({
    Url: requiredText(),
    UUID: requiredText(),
    Size: z.optional(nonNegativeInt()),
    Second: z.optional(nonNegativeInt()),
    Download_Flag: downloadFlag(),
  }),
});

const imageInfo = z.strictObject({
  Type: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  Size: z.optional(nonNegativeInt()),
  Width: nonNegativeInt(),
  Height: nonNegativeInt(),
  URL: requiredText(),
});

const imageElem = z.strictObject({
  MsgType: z.literal('TIMImageElem'),
  MsgContent: z.strictObject({
    UUID: requiredText(),
    ImageFormat: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(255)]),
    ImageInfoArray: z.array(imageInfo).check(z.minLength(1, 'must list at least one image')),
  }),
});

const fileElem = z.strictObject({
  MsgType: z.literal('TIMFileElem'),
  MsgContent: z.strictObject({
    Url: requiredText(),
    UUID: requiredText(),
    FileSize: z.optional(nonNegativeInt()),
    FileName: z.optional(text()),
    Download_Flag: downloadFlag(),
  }),
});

const videoFileElem = z.strictObject({
  MsgType: z.literal('TIMVideoFileElem'),
  MsgContent: z.strictObject({
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
});

const messageElement = z.discriminatedUnion('MsgType', [
  textElem,
  locationElem,
  faceElem,
  customElem,
  soundElem,
  imageElem,
  fileElem,
  videoFileElem,
]);

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

const androidInfo = z.strictObject({
  Sound: z.optional(text()),
  HuaWeiChannelID: z.optional(text()),
  XiaoMiChannelID: z.optional(text()),
  OPPOChannelID: z.optional(text()),
  GoogleChannelID: z.optional(text()),
  VIVOClassification: z.optional(flag()),
  VIVOCategory: z.optional(text()),
  HuaWeiImportance: z.optional(z.enum(['LOW', 'NORMAL'])),
  HuaWeiCategory: z.optional(text()),
  HuaWeiImage: z.optional(text()),
  HonorImage: z.optional(text()),
  HonorImportance: z.optional(text()),
  GoogleImage: z.optional(text()),
  ExtAsHuaweiIntentParam: z.optional(flag()),
  PushStyle: z.optional(z.int()),
});

const apnsInfo = z.strictObject({
  Sound: z.optional(text()),
  BadgeMode: z.optional(flag()),
  Title: z.optional(text()),
  SubTitle: z.optional(text()),
  Image: z.optional(text()),
  MutableContent: z.optional(flag()),
  InterruptionLevel: z.optional(text()),
  ContentAvailable: z.optional(flag()),
});

const offlinePushInfo = z.strictObject({
  PushFlag: z.optional(flag()),
  Title: z.optional(text()),
  Desc: z.optional(text()),
  Ext: z.optional(text()),
  AndroidInfo: z.optional(androidInfo),
  ApnsInfo: z.optional(apnsInfo),
});

export type { MessageElement };
export { messageBody, offlinePushInfo };

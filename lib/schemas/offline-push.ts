import * as z from 'zod/mini';
import {
  boundedId,
  deferred,
  flag,
  flagOrFlagText,
  intRange,
  jsonObject,
  nonNegativeInt,
  requiredText,
  text,
} from './fields.ts';

/**
 * OfflinePushInfo as Tencent's current "Common Parameters (OfflinePushInfo Description)" documents
 * it (trtc.io/document/77715, reference B.5.3), in the widest reading of Tencent's pages.
 */

const optionalText = () => z.optional(text());

/**
 * Built when a request first carries OfflinePushInfo: some 60 fields that a container sending
 * without push options never needs to build.
 */
const buildOfflinePushInfo = () => {
  const androidInfo = z.strictObject({
    Sound: optionalText(),
    PushStyle: z.optional(flag()),
    XiaoMiChannelID: optionalText(),
    OPPOChannelID: optionalText(),
    OPPOCategory: optionalText(),
    OPPOPrivateMsgTemplateId: optionalText(),
    OPPOPrivateTitleParameters: z.optional(jsonObject()),
    OPPOPrivateContentParameters: z.optional(jsonObject()),
    OPPONotifyLevel: z.optional(z.union([z.literal(1), z.literal(2), z.literal(16)])),
    VIVOClassification: z.optional(flagOrFlagText()),
    VIVOCategory: optionalText(),
    // "String" on the OfflinePushInfo page, "Integer" on the SDK's vendorParams page: both are taken.
    VIVONotifyType: z.optional(z.union([z.enum(['1', '2', '3', '4']), intRange(1, 4)])),
    HuaWeiImportance: z.optional(z.enum(['LOW', 'NORMAL'])),
    HuaWeiCategory: optionalText(),
    HuaWeiImage: optionalText(),
    HuaWeiChannelID: optionalText(),
    HonorImage: optionalText(),
    HonorImportance: z.optional(z.enum(['LOW', 'NORMAL'])),
    GoogleImage: optionalText(),
    GooglePriority: z.optional(z.enum(['normal', 'high'])),
    GoogleChannelID: optionalText(),
    MeiZuNoticeMsgType: z.optional(flag()),
    ExtAsHuaweiIntentParam: z.optional(flag()),
  });

  const liveActivity = z.strictObject({
    LaId: boundedId(64),
    Event: z.enum(['update', 'end']),
    ContentState: jsonObject(),
    DismissalDate: z.optional(nonNegativeInt()),
  });

  const apnsInfo = z.strictObject({
    Sound: optionalText(),
    BadgeMode: z.optional(flag()),
    Title: optionalText(),
    SubTitle: optionalText(),
    Image: optionalText(),
    MutableContent: z.optional(flag()),
    InterruptionLevel: z.optional(z.enum(['active', 'critical', 'passive', 'time-sensitive'])),
    ContentAvailable: z.optional(flag()),
    IsVoipPush: z.optional(flag()),
    LiveActivity: z.optional(liveActivity),
  });

  const harmonyInfo = z.strictObject({
    Title: optionalText(),
    Category: optionalText(),
    Image: optionalText(),
    Sound: optionalText(),
    SoundDuration: z.optional(intRange(1, 60)),
  });

  const languageContent = z.strictObject({
    Language: requiredText(),
    Title: optionalText(),
    Desc: optionalText(),
  });

  return z.strictObject({
    PushFlag: z.optional(flag()),
    Title: optionalText(),
    Desc: optionalText(),
    MultiLanguageContent: z.optional(z.array(languageContent)),
    Ext: optionalText(),
    AndroidInfo: z.optional(androidInfo),
    ApnsInfo: z.optional(apnsInfo),
    HarmonyInfo: z.optional(harmonyInfo),
    // APNs, Huawei, Honor and Harmony take 1-99 as an increment.
    BadgeAddNum: z.optional(intRange(1, 99)),
    // APNs takes 0-999 (Huawei, Honor and Harmony 0-99): the widest reading is kept.
    BadgeSetNum: z.optional(intRange(0, 999)),
    PushTemplateId: optionalText(),
    PushTemplateParam: z.optional(jsonObject()),
  });
};

const offlinePushInfo = deferred(buildOfflinePushInfo);

export { offlinePushInfo };

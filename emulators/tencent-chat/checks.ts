/**
 * The emulator's own reading of Tencent's documented body rules (seeds 000-004). It is written
 * apart from lib/schemas on purpose: the product's checks are tested against it, not with it.
 */

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isText = (value: unknown): value is string => typeof value === 'string';
const isFilledText = (value: unknown): value is string => isText(value) && value !== '';
const isUint32 = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 4_294_967_295;

const ELEMENT_TYPES = new Set([
  'TIMTextElem',
  'TIMLocationElem',
  'TIMFaceElem',
  'TIMCustomElem',
  'TIMSoundElem',
  'TIMImageElem',
  'TIMFileElem',
  'TIMVideoFileElem',
  'TIMRelayElem',
]);

/** A message's size as Tencent counts it against its 12 KB: the body and CloudCustomData. */
const messageBytes = (msgBody: unknown, cloudCustomData: unknown): number =>
  Buffer.byteLength(JSON.stringify(msgBody)) +
  Buffer.byteLength(typeof cloudCustomData === 'string' ? cloudCustomData : '');

/** A reason the message body is invalid, or undefined. */
const msgBodyProblem = (msgBody: unknown): string | undefined => {
  if (!Array.isArray(msgBody) || msgBody.length === 0) return 'MsgBody must be a non-empty array';
  let customElements = 0;
  for (const element of msgBody) {
    if (!isRecord(element) || !isText(element.MsgType) || !isRecord(element.MsgContent)) {
      return 'each MsgBody element needs MsgType and MsgContent';
    }
    if (!ELEMENT_TYPES.has(element.MsgType)) return `unknown MsgType ${element.MsgType}`;
    if (element.MsgType === 'TIMCustomElem') customElements += 1;
    if (element.MsgType === 'TIMTextElem' && !isText(element.MsgContent.Text)) {
      return 'TIMTextElem needs Text';
    }
    if (element.MsgType === 'TIMCustomElem' && !isText(element.MsgContent.Data)) {
      return 'TIMCustomElem needs Data';
    }
  }
  return customElements > 1 ? 'at most one TIMCustomElem per message' : undefined;
};

const groupMessageProblem = (body: Json): string | undefined => {
  if (!isFilledText(body.GroupId)) return 'GroupId is required';
  if (!isUint32(body.Random)) return 'Random must be a 32-bit unsigned integer';
  if (Array.isArray(body.To_Account) && body.To_Account.length > 50) {
    return 'To_Account names more than 50 accounts';
  }
  if (body.OnlineOnlyFlag === 1 && body.SendMsgControl !== undefined) {
    return 'SendMsgControl is not allowed with OnlineOnlyFlag 1';
  }
  return msgBodyProblem(body.MsgBody);
};

const broadcastProblem = (body: Json): string | undefined => {
  if (!isUint32(body.Random)) return 'Random must be a 32-bit unsigned integer';
  return msgBodyProblem(body.MsgBody);
};

const textMessageProblem = (body: Json): string | undefined => {
  if (!isFilledText(body.RoomId)) return 'RoomId is required';
  if (!isFilledText(body.Sender_Account)) return 'Sender_Account is required';
  if (!isText(body.TextContent)) return 'TextContent is required';
  if (body.ExtensionInfo !== undefined) {
    try {
      JSON.parse(body.ExtensionInfo as string);
    } catch {
      return 'ExtensionInfo must be JSON';
    }
  }
  return undefined;
};

const customMessageProblem = (body: Json): string | undefined => {
  if (!isFilledText(body.RoomId)) return 'RoomId is required';
  if (!isFilledText(body.BusinessId)) return 'BusinessId is required';
  if (!isText(body.Data)) return 'Data is required';
  return undefined;
};

/**
 * The keys Tencent documents, as a tree: `true` for a leaf, a tree for an object, `[tree]` for an
 * array of objects, `'any'` for an object of the caller's own keys. Tencent ignores other keys; the
 * emulator does too, and lists them so that tests can see what reached it.
 */
type Known = true | 'any' | Fields | [Fields];
interface Fields {
  [key: string]: Known;
}

const leaves = (names: string): Fields =>
  Object.fromEntries(names.split(' ').map((name) => [name, true]));

const CONTENT_BY_TYPE: Record<string, Fields> = {
  TIMTextElem: leaves('Text'),
  TIMLocationElem: leaves('Desc Latitude Longitude'),
  TIMFaceElem: leaves('Index Data'),
  TIMCustomElem: leaves('Data Desc Ext Sound'),
  TIMSoundElem: leaves('Url UUID Size Second Download_Flag'),
  TIMImageElem: {
    ...leaves('UUID ImageFormat'),
    ImageInfoArray: [leaves('Type Size Width Height URL')],
  },
  TIMFileElem: leaves('Url UUID FileSize FileName Download_Flag'),
  TIMVideoFileElem: leaves(
    'VideoUrl VideoUUID VideoSize VideoSecond VideoFormat VideoDownloadFlag ThumbUrl ThumbUUID ThumbSize ThumbWidth ThumbHeight ThumbFormat ThumbDownloadFlag',
  ),
  TIMRelayElem: {
    ...leaves('Title MsgNum CompatibleText AbstractList JsonMsgKey'),
    MsgList: [
      leaves(
        'From_Account To_Account GroupId MsgSeq MsgRandom MsgTimeStamp MsgBody CloudCustomData',
      ),
    ],
  },
};

const OFFLINE_PUSH_INFO: Fields = {
  ...leaves('PushFlag Title Desc Ext BadgeAddNum BadgeSetNum PushTemplateId'),
  PushTemplateParam: 'any',
  MultiLanguageContent: [leaves('Language Title Desc')],
  AndroidInfo: {
    ...leaves(
      'Sound PushStyle XiaoMiChannelID OPPOChannelID OPPOCategory OPPOPrivateMsgTemplateId OPPONotifyLevel VIVOClassification VIVOCategory VIVONotifyType HuaWeiImportance HuaWeiCategory HuaWeiImage HuaWeiChannelID HonorImage HonorImportance GoogleImage GooglePriority GoogleChannelID MeiZuNoticeMsgType ExtAsHuaweiIntentParam',
    ),
    OPPOPrivateTitleParameters: 'any',
    OPPOPrivateContentParameters: 'any',
  },
  ApnsInfo: {
    ...leaves(
      'Sound BadgeMode Title SubTitle Image MutableContent InterruptionLevel ContentAvailable IsVoipPush',
    ),
    LiveActivity: { ...leaves('LaId Event DismissalDate'), ContentState: 'any' },
  },
  HarmonyInfo: leaves('Title Category Image Sound SoundDuration'),
};

const REQUEST_FIELDS: Record<string, Fields> = {
  send_group_msg: {
    ...leaves(
      'GroupId Random MsgBody MsgPriority From_Account ForbidCallbackControl OnlineOnlyFlag SendMsgControl CloudCustomData SupportMessageExtension NeedReadReceipt To_Account TopicId',
    ),
    OfflinePushInfo: OFFLINE_PUSH_INFO,
    GroupAtInfo: [leaves('GroupAtAllFlag GroupAt_Account')],
  },
  send_broadcast_msg: leaves('From_Account Random MsgBody CloudCustomData'),
  send_text_msg: leaves('RoomId Sender_Account TextContent ExtensionInfo'),
  send_custom_msg: leaves('RoomId Sender_Account BusinessId Data'),
};

const joinPath = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

const unknownIn = (value: unknown, fields: Known, path: string, found: string[]): void => {
  if (fields === true || fields === 'any') return;
  if (Array.isArray(fields)) {
    if (!Array.isArray(value)) return;
    value.forEach((item, index) => {
      unknownIn(item, fields[0], `${path}[${index}]`, found);
    });
    return;
  }
  if (!isRecord(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const known = fields[key];
    if (known === undefined) found.push(joinPath(path, key));
    else unknownIn(child, known, joinPath(path, key), found);
  }
};

/** Elements are read by their MsgType, at the top of a message and inside merged messages. */
const unknownInMessageBody = (msgBody: unknown, path: string, found: string[]): void => {
  if (!Array.isArray(msgBody)) return;
  msgBody.forEach((element, index) => {
    const at = `${path}[${index}]`;
    if (!isRecord(element)) return;
    const content = CONTENT_BY_TYPE[String(element.MsgType)];
    if (!content) return;
    unknownIn(element, { MsgType: true, MsgContent: content }, at, found);
    const list = isRecord(element.MsgContent) ? element.MsgContent.MsgList : undefined;
    if (!Array.isArray(list)) return;
    list.forEach((relayed, item) => {
      if (isRecord(relayed)) {
        unknownInMessageBody(relayed.MsgBody, `${at}.MsgContent.MsgList[${item}].MsgBody`, found);
      }
    });
  });
};

/** The paths of the keys in `body` that Tencent does not document for `command`. */
const unknownFields = (command: string, body: unknown): string[] => {
  const fields = REQUEST_FIELDS[command];
  if (!fields || !isRecord(body)) return [];
  const found: string[] = [];
  unknownIn(body, fields, '', found);
  unknownInMessageBody(body.MsgBody, 'MsgBody', found);
  return found;
};

export type { Json };
export {
  broadcastProblem,
  customMessageProblem,
  groupMessageProblem,
  isRecord,
  messageBytes,
  textMessageProblem,
  unknownFields,
};

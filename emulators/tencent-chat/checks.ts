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
]);

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

export type { Json };
export {
  broadcastProblem,
  customMessageProblem,
  groupMessageProblem,
  isRecord,
  textMessageProblem,
};

import { SendError } from './errors.ts';
import { isRecord } from './events.ts';
import { errorCodeForTencent } from './tencent-codes.ts';

/**
 * Tencent's answer in one shape. Group commands put MsgSeq, MsgTime and MsgDropReason at the top
 * level; live-room commands put them under `Response` (reference B.2, B.4).
 */
interface TencentReply {
  errorCode: number;
  errorInfo: string;
  requestId: string | undefined;
  msgSeq: number | undefined;
  msgTime: number | undefined;
  msgDropReason: string | undefined;
}

type Json = Record<string, unknown>;

const numberField = (record: Json, name: string): number | undefined =>
  typeof record[name] === 'number' ? record[name] : undefined;

const stringField = (record: Json, name: string): string | undefined =>
  typeof record[name] === 'string' ? record[name] : undefined;

const notTencentJson = (): SendError =>
  new SendError('UPSTREAM_ERROR', "Tencent's reply was not the JSON it documents");

const parseReply = (text: string): TencentReply => {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw notTencentJson();
  }
  if (!isRecord(body) || typeof body.ErrorCode !== 'number') throw notTencentJson();
  const message = isRecord(body.Response) ? body.Response : body;
  return {
    errorCode: body.ErrorCode,
    errorInfo: stringField(body, 'ErrorInfo') ?? '',
    requestId: stringField(body, 'RequestId'),
    msgSeq: numberField(message, 'MsgSeq'),
    msgTime: numberField(message, 'MsgTime'),
    msgDropReason: stringField(message, 'MsgDropReason') || undefined,
  };
};

/** The failure a reply stands for, or undefined when Tencent took the message. */
const failureOfReply = (reply: TencentReply): SendError | undefined => {
  const tencent = {
    tencentCode: reply.errorCode,
    tencentInfo: reply.errorInfo,
    requestId: reply.requestId,
  };
  if (reply.errorCode !== 0) {
    const code = errorCodeForTencent(reply.errorCode);
    return new SendError(code, `Tencent refused the message (${reply.errorCode})`, tencent);
  }
  if (reply.msgDropReason !== undefined) {
    // ErrorCode 0 with a drop reason: frequency control discarded the message, so it was not sent.
    return new SendError(
      'RATE_LIMITED',
      `Tencent dropped the message (MsgDropReason ${reply.msgDropReason})`,
      tencent,
    );
  }
  return undefined;
};

export type { TencentReply };
export { failureOfReply, parseReply };

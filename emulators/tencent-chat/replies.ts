import { randomUUID } from 'node:crypto';
import type { Json } from './checks.ts';
import { type CommandName, isLiveRoomCommand } from './commands.ts';

/** Tencent's reply bodies, shaped per service: live_engine_http_srv nests and adds a RequestId. */

interface Reply {
  status: number;
  body: Json | string;
}

const requestId = (): string => `Id-${randomUUID()}`;

const okReply = (
  command: CommandName,
  { msgSeq, msgTime }: { msgSeq: number; msgTime: number },
  msgDropReason?: string,
): Reply => {
  const status = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' };
  const drop = msgDropReason ? { MsgDropReason: msgDropReason } : {};
  if (isLiveRoomCommand(command)) {
    return {
      status: 200,
      body: {
        ...status,
        RequestId: requestId(),
        Response: { MsgTime: msgTime, MsgSeq: msgSeq, ...drop },
      },
    };
  }
  // Tencent documents no MsgDropReason for broadcasts; if one is ever dropped, the reply says so.
  if (command === 'send_broadcast_msg') {
    return { status: 200, body: { ...status, MsgSeq: msgSeq, ...drop } };
  }
  return { status: 200, body: { ...status, MsgTime: msgTime, MsgSeq: msgSeq, ...drop } };
};

const failureReply = (
  command: CommandName | undefined,
  errorCode: number,
  errorInfo: string,
): Reply => {
  const body: Json = { ActionStatus: 'FAIL', ErrorCode: errorCode, ErrorInfo: errorInfo };
  if (command && isLiveRoomCommand(command)) body.RequestId = requestId();
  return { status: 200, body };
};

export type { Reply };
export { failureReply, okReply };

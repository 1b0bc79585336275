import { customMessageProblem, type Json, messageBytes, textMessageProblem } from './checks.ts';
import { failureReply, okReply, type Reply } from './replies.ts';
import type { ServiceContext } from './service-context.ts';

/** live_engine_http_srv: send_text_msg and send_custom_msg into TRTC live rooms. */

type RoomCommand = 'send_text_msg' | 'send_custom_msg';

// Tencent wraps live-room messages into group messages (seeds 000 and 001).
const wrappedBody = (command: RoomCommand, body: Json): unknown[] =>
  command === 'send_text_msg'
    ? [{ MsgType: 'TIMTextElem', MsgContent: { Text: body.TextContent } }]
    : [
        {
          MsgType: 'TIMCustomElem',
          MsgContent: { Data: JSON.stringify({ BusinessId: body.BusinessId, Data: body.Data }) },
        },
      ];

const sendRoomMessage = (context: ServiceContext, command: RoomCommand, body: Json): Reply => {
  const { state, rates } = context;
  const limits = context.limits();
  const problem =
    command === 'send_text_msg' ? textMessageProblem(body) : customMessageProblem(body);
  if (problem) return failureReply(command, 100002, problem);
  const roomId = body.RoomId as string;
  if (!state.rooms.has(roomId)) {
    return state.groups.has(roomId)
      ? failureReply(command, 100006, 'not a live room')
      : failureReply(command, 100004, 'the room does not exist');
  }
  const from = typeof body.Sender_Account === 'string' ? body.Sender_Account : 'administrator';
  if (state.mutedAccounts.has(from)) return failureReply(command, 100601, 'the sender is muted');
  const msgBody = wrappedBody(command, body);
  const cloudCustomData =
    command === 'send_text_msg' ? (body.ExtensionInfo as string | undefined) : undefined;
  if (messageBytes(msgBody, cloudCustomData) > limits.maxMessageBytes) {
    return failureReply(command, 100603, 'the message is longer than 12 KB');
  }
  if (!rates.allow(`group:${roomId}`, limits.perGroupPerSecond)) {
    return context.dropped(command, 'MsgFreqCtrl');
  }
  const delivered = state.deliver(command, [roomId], body, {
    from,
    msgBody,
    ...(cloudCustomData !== undefined && { cloudCustomData }),
  });
  return okReply(command, delivered);
};

const sendTextMessage = (context: ServiceContext, body: Json): Reply =>
  sendRoomMessage(context, 'send_text_msg', body);

const sendCustomMessage = (context: ServiceContext, body: Json): Reply =>
  sendRoomMessage(context, 'send_custom_msg', body);

export { sendCustomMessage, sendTextMessage };

import { broadcastProblem, groupMessageProblem, type Json, messageBytes } from './checks.ts';
import { dedupKey } from './dedup.ts';
import { failureReply, okReply, type Reply } from './replies.ts';
import type { ServiceContext } from './service-context.ts';

/** group_open_http_svc: send_group_msg and send_broadcast_msg. */

const senderOf = (body: Json): string =>
  typeof body.From_Account === 'string' ? body.From_Account : 'administrator';

const sendGroupMessage = (context: ServiceContext, body: Json): Reply => {
  const { state, rates, dedup } = context;
  const limits = context.limits();
  const problem = groupMessageProblem(body);
  if (problem) return failureReply('send_group_msg', 10004, problem);
  const groupId = body.GroupId as string;
  const type = state.groups.get(groupId);
  if (!type) return failureReply('send_group_msg', 10010, 'the group does not exist');
  if (
    type === 'AVChatRoom' &&
    (body.OnlineOnlyFlag !== undefined || body.SendMsgControl !== undefined)
  ) {
    return failureReply(
      'send_group_msg',
      10004,
      'AVChatRoom takes neither OnlineOnlyFlag nor SendMsgControl',
    );
  }
  const from = senderOf(body);
  if (state.mutedAccounts.has(from)) {
    return failureReply('send_group_msg', 10017, 'the sender is muted');
  }
  if (messageBytes(body.MsgBody, body.CloudCustomData) > limits.maxMessageBytes) {
    return failureReply('send_group_msg', 80002, 'the message is longer than 12 KB');
  }
  const key = dedupKey(['group', groupId, body.MsgBody, body.CloudCustomData ?? null, body.Random]);
  const original = dedup.originalOf(key);
  if (original) {
    state.stats.duplicatesDiscarded += 1;
    return okReply('send_group_msg', original);
  }
  // High-priority messages are exempt from the per-group frequency control.
  if (body.MsgPriority !== 'High' && !rates.allow(`group:${groupId}`, limits.perGroupPerSecond)) {
    return context.dropped('send_group_msg', 'MsgFreqCtrl');
  }
  const delivered = state.deliver('send_group_msg', [groupId], body, {
    from,
    random: body.Random as number,
    msgBody: body.MsgBody as unknown[],
    cloudCustomData: body.CloudCustomData as string | undefined,
  });
  dedup.remember(key, delivered);
  return okReply('send_group_msg', delivered);
};

const sendBroadcast = (context: ServiceContext, body: Json): Reply => {
  const { state, dedup } = context;
  const problem = broadcastProblem(body);
  if (problem) return failureReply('send_broadcast_msg', 10004, problem);
  if (!context.broadcastEnabled()) {
    return failureReply(
      'send_broadcast_msg',
      10007,
      'broadcast messaging is not enabled in the console',
    );
  }
  if (messageBytes(body.MsgBody, body.CloudCustomData) > context.limits().maxMessageBytes) {
    return failureReply('send_broadcast_msg', 80002, 'the message is longer than 12 KB');
  }
  const key = dedupKey(['broadcast', body.MsgBody, body.CloudCustomData ?? null, body.Random]);
  const original = dedup.originalOf(key);
  if (original) {
    state.stats.duplicatesDiscarded += 1;
    return okReply('send_broadcast_msg', original);
  }
  const delivered = state.deliver('send_broadcast_msg', state.liveGroups(), body, {
    from: senderOf(body),
    random: body.Random as number,
    msgBody: body.MsgBody as unknown[],
    cloudCustomData: body.CloudCustomData as string | undefined,
  });
  dedup.remember(key, delivered);
  return okReply('send_broadcast_msg', delivered);
};

export { sendBroadcast, sendGroupMessage };

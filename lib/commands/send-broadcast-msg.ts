import {
  type SendBroadcastMsgRequest,
  sendBroadcastMsgRequest,
} from '../schemas/send-broadcast-msg.ts';
import type { Command } from './command.ts';

const sendBroadcastMsg: Command<SendBroadcastMsgRequest> = {
  name: 'send_broadcast_msg',
  service: 'group_open_http_svc',
  schema: sendBroadcastMsgRequest,
  deduplicatedByRandom: true,
  storedMessage: ({ MsgBody, CloudCustomData }) => ({ MsgBody, CloudCustomData }),
};

export { sendBroadcastMsg };

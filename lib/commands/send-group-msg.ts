import { type SendGroupMsgRequest, sendGroupMsgRequest } from '../schemas/send-group-msg.ts';
import type { Command } from './command.ts';

const sendGroupMsg: Command<SendGroupMsgRequest> = {
  name: 'send_group_msg',
  service: 'group_open_http_svc',
  schema: sendGroupMsgRequest,
  deduplicatedByRandom: true,
  storedMessage: ({ MsgBody, CloudCustomData }) => ({ MsgBody, CloudCustomData }),
};

export { sendGroupMsg };

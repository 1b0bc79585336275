import { type SendCustomMsgRequest, sendCustomMsgRequest } from '../schemas/send-custom-msg.ts';
import type { Command } from './command.ts';

// Tencent wraps a live-room custom message into a TIMCustomElem as its page describes (seed 001).
const sendCustomMsg: Command<SendCustomMsgRequest> = {
  name: 'send_custom_msg',
  service: 'live_engine_http_srv',
  schema: sendCustomMsgRequest,
  deduplicatedByRandom: false,
  storedMessage: ({ BusinessId, Data }) => ({
    MsgBody: [
      { MsgType: 'TIMCustomElem', MsgContent: { Data: JSON.stringify({ BusinessId, Data }) } },
    ],
  }),
};

export { sendCustomMsg };

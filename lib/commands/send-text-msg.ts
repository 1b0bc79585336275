import { type SendTextMsgRequest, sendTextMsgRequest } from '../schemas/send-text-msg.ts';
import type { Command } from './command.ts';

// Tencent wraps a live-room text into a group message as its page describes (seed 000).
const sendTextMsg: Command<SendTextMsgRequest> = {
  name: 'send_text_msg',
  service: 'live_engine_http_srv',
  schema: sendTextMsgRequest,
  deduplicatedByRandom: false,
  storedMessage: ({ TextContent, ExtensionInfo }) => ({
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: TextContent } }],
    CloudCustomData: ExtensionInfo,
  }),
};

export { sendTextMsg };

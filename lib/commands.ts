import type * as z from 'zod/mini';
import {
  type SendBroadcastMsgRequest,
  type SendCustomMsgRequest,
  type SendGroupMsgRequest,
  type SendTextMsgRequest,
  sendBroadcastMsgRequest,
  sendCustomMsgRequest,
  sendGroupMsgRequest,
  sendTextMsgRequest,
} from './schemas/commands.ts';

type CommandName = 'send_group_msg' | 'send_broadcast_msg' | 'send_text_msg' | 'send_custom_msg';

/** The message as Tencent stores it: what its 12 KB limit applies to. */
interface StoredMessage {
  MsgBody: readonly unknown[];
  CloudCustomData?: string | undefined;
}

/** What the shared pipeline needs to know about one Tencent command. */
interface Command<Request extends object = object> {
  name: CommandName;
  service: 'group_open_http_svc' | 'live_engine_http_srv';
  schema: z.ZodMiniType<Request>;
  /**
   * Group commands carry a body `Random` that Tencent de-duplicates on, so any retry is safe.
   * Live-room commands have none, so a retry is made only when Tencent cannot have taken the message.
   */
  deduplicatedByRandom: boolean;
  storedMessage: (request: Request) => StoredMessage;
}

const sendGroupMsg: Command<SendGroupMsgRequest> = {
  name: 'send_group_msg',
  service: 'group_open_http_svc',
  schema: sendGroupMsgRequest,
  deduplicatedByRandom: true,
  storedMessage: ({ MsgBody, CloudCustomData }) => ({ MsgBody, CloudCustomData }),
};

const sendBroadcastMsg: Command<SendBroadcastMsgRequest> = {
  name: 'send_broadcast_msg',
  service: 'group_open_http_svc',
  schema: sendBroadcastMsgRequest,
  deduplicatedByRandom: true,
  storedMessage: ({ MsgBody, CloudCustomData }) => ({ MsgBody, CloudCustomData }),
};

// Tencent wraps live-room messages into group messages as its pages describe (seeds 000, 001).
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

const COMMANDS = [sendGroupMsg, sendBroadcastMsg, sendTextMsg, sendCustomMsg] as const;

export type { Command, CommandName, StoredMessage };
export { COMMANDS, sendBroadcastMsg, sendCustomMsg, sendGroupMsg, sendTextMsg };

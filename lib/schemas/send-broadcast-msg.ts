import * as z from 'zod/mini';
import { account, text, uint32 } from './fields.ts';
import { messageBody } from './message-elements.ts';

/** The body of send_broadcast_msg (seeds 002 and 003, reference B.3). */

const sendBroadcastMsgRequest = z.strictObject({
  From_Account: z.optional(account()),
  Random: z.optional(uint32()),
  MsgBody: messageBody,
  CloudCustomData: z.optional(text()),
});

type SendBroadcastMsgRequest = z.infer<typeof sendBroadcastMsgRequest>;

export type { SendBroadcastMsgRequest };
export { sendBroadcastMsgRequest };

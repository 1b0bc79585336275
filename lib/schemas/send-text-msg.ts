import * as z from 'zod/mini';
import { account, jsonText, requiredText, text } from './fields.ts';

/** The body of live_engine send_text_msg (seed 000, reference B.4). */

const sendTextMsgRequest = z.strictObject({
  RoomId: requiredText(),
  Sender_Account: account(),
  TextContent: text(),
  ExtensionInfo: z.optional(jsonText()),
});

type SendTextMsgRequest = z.infer<typeof sendTextMsgRequest>;

export type { SendTextMsgRequest };
export { sendTextMsgRequest };

import * as z from 'zod/mini';
import { account, requiredText } from './fields.ts';

/** The body of live_engine send_custom_msg (seed 001, reference B.4). */

const sendCustomMsgRequest = z.strictObject({
  RoomId: requiredText(),
  Sender_Account: z.optional(account()),
  BusinessId: requiredText(),
  // Tencent's English table says Integer; its sample and Chinese page send a string, as we must.
  Data: z.string({ error: 'expected string (Tencent takes Data as a string)' }),
});

type SendCustomMsgRequest = z.infer<typeof sendCustomMsgRequest>;

export type { SendCustomMsgRequest };
export { sendCustomMsgRequest };

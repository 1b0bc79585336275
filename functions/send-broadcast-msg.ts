import { sendBroadcastMsg } from '../lib/commands/send-broadcast-msg.ts';
import { createHandler } from '../lib/pipeline.ts';

export const handler = createHandler(sendBroadcastMsg);

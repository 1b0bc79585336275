import { sendTextMsg } from '../lib/commands/send-text-msg.ts';
import { createHandler } from '../lib/pipeline.ts';

export const handler = createHandler(sendTextMsg);

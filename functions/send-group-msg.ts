import { sendGroupMsg } from '../lib/commands/send-group-msg.ts';
import { createHandler } from '../lib/pipeline.ts';

export const handler = createHandler(sendGroupMsg);

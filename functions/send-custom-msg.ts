import { sendCustomMsg } from '../lib/commands/send-custom-msg.ts';
import { createHandler } from '../lib/pipeline.ts';

export const handler = createHandler(sendCustomMsg);

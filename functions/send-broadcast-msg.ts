import { sendBroadcastMsg } from '../lib/commands.ts';
import { createHandler } from '../lib/pipeline.ts';

export const handler = createHandler(sendBroadcastMsg);

import { startSendFunction } from '../lib/connect-early.ts';

export const handler = await startSendFunction(async () => {
  const { sendBroadcastMsg } = await import('../lib/commands/send-broadcast-msg.ts');
  return sendBroadcastMsg;
});

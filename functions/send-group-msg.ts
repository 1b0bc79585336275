import { startSendFunction } from '../lib/connect-early.ts';

export const handler = await startSendFunction(async () => {
  const { sendGroupMsg } = await import('../lib/commands/send-group-msg.ts');
  return sendGroupMsg;
});

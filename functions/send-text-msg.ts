import { startSendFunction } from '../lib/connect-early.ts';

export const handler = await startSendFunction(async () => {
  const { sendTextMsg } = await import('../lib/commands/send-text-msg.ts');
  return sendTextMsg;
});

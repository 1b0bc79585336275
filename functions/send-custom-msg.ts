import { startSendFunction } from '../lib/connect-early.ts';

export const handler = await startSendFunction(async () => {
  const { sendCustomMsg } = await import('../lib/commands/send-custom-msg.ts');
  return sendCustomMsg;
});

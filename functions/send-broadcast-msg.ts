import { connectEarly } from '../lib/connect-early.ts';

// The connection to Tencent is set up while the rest loads (lib/connect-early.ts): one turn of
// the event loop, and it is on its way.
connectEarly();
await new Promise(setImmediate);
const [{ createHandler }, { sendBroadcastMsg }] = await Promise.all([
  import('../lib/pipeline.ts'),
  import('../lib/commands/send-broadcast-msg.ts'),
]);

export const handler = createHandler(sendBroadcastMsg);

// Init ends a turn later, once the TLS hello and the secret fetch are on their way (lib/warm-up.ts).
await new Promise(setImmediate);

import { connectEarly } from '../lib/connect-early.ts';

// The connection to Tencent is set up while the rest loads (lib/connect-early.ts): one turn of
// the event loop, and it is on its way.
connectEarly();
await new Promise(setImmediate);
const [{ createHandler }, { sendCustomMsg }] = await Promise.all([
  import('../lib/pipeline.ts'),
  import('../lib/commands/send-custom-msg.ts'),
]);

export const handler = createHandler(sendCustomMsg);

// Init ends a turn later, once the TLS hello and the secret fetch are on their way (lib/warm-up.ts).
await new Promise(setImmediate);

import { DEFAULT_APP } from './emulator.ts';
import { startTencentChatEmulator } from './server.ts';

// `npm run emulator`: the Tencent Chat emulator alone, on TENCENT_EMULATOR_PORT (default 4100).
// TENCENT_EMULATOR_REPLY_DELAY_MS adds a delay before every reply.
const port = Number(process.env.TENCENT_EMULATOR_PORT ?? 4100);
const replyDelayMs = Number(process.env.TENCENT_EMULATOR_REPLY_DELAY_MS ?? 0);
const running = await startTencentChatEmulator({ port, replyDelayMs });
console.log(`Tencent Chat emulator on ${running.url}`);
console.log(
  `  SDKAppID ${DEFAULT_APP.sdkAppId}, admin "${DEFAULT_APP.admins[0]}"; groups and rooms: ${running.url}/`,
);
const stop = () => running.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

import { DEFAULT_APP } from './config.ts';
import { startTencentChatEmulator } from './server.ts';

// `npm run emulator`: the Tencent Chat emulator alone, on TENCENT_EMULATOR_PORT (default 4100).
// TENCENT_EMULATOR_REPLY_DELAY_MS adds a delay before every reply.
const port = Number(process.env.TENCENT_EMULATOR_PORT ?? 4100);
const replyDelayMs = Number(process.env.TENCENT_EMULATOR_REPLY_DELAY_MS ?? 0);
// The network model (network.ts): TENCENT_EMULATOR_TLS=1 serves HTTPS (trust tls/ca.pem through
// NODE_EXTRA_CA_CERTS), TENCENT_EMULATOR_RTT_MS adds a round-trip time, TENCENT_EMULATOR_KEEP_ALIVE_MS
// sets the keep-alive, TENCENT_EMULATOR_ANNOUNCE_KEEP_ALIVE=0 leaves it unannounced.
const env = process.env;
const network = {
  tls: env.TENCENT_EMULATOR_TLS === '1',
  ...(env.TENCENT_EMULATOR_RTT_MS && { rttMs: Number(env.TENCENT_EMULATOR_RTT_MS) }),
  ...(env.TENCENT_EMULATOR_KEEP_ALIVE_MS && {
    keepAliveMs: Number(env.TENCENT_EMULATOR_KEEP_ALIVE_MS),
  }),
  announceKeepAlive: env.TENCENT_EMULATOR_ANNOUNCE_KEEP_ALIVE !== '0',
};
const running = await startTencentChatEmulator({ port, replyDelayMs, network });
console.log(`Tencent Chat emulator on ${running.url}`);
console.log(
  `  SDKAppID ${DEFAULT_APP.sdkAppId}, admin "${DEFAULT_APP.admins[0]}"; groups and rooms: ${running.url}/`,
);
const stop = () => running.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

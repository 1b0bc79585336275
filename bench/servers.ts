import { startLocalSecretsManager } from '../emulators/local-environment.ts';
import { NO_RATE_LIMITS } from '../emulators/tencent-chat/emulator.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';

/**
 * The benchmark's servers, in a process of their own so that their work does not share the
 * measuring process's event loop. Tencent's rate limits are lifted: the benchmark measures the
 * sender, not the limits. Prints the URLs as one JSON line, then serves until killed.
 */

const tencent = await startTencentChatEmulator({
  limits: NO_RATE_LIMITS,
});
const secrets = await startLocalSecretsManager();
// Keep memory flat over tens of thousands of requests: the benchmark reads only counters.
setInterval(() => {
  tencent.emulator.messages.length = 0;
  if (tencent.emulator.requests.length > 5_000) tencent.emulator.requests.splice(0, 4_000);
}, 1_000).unref();

console.log(JSON.stringify({ tencentUrl: tencent.url, secretsUrl: secrets.url }));
process.on('SIGTERM', () => {
  Promise.all([tencent.close(), secrets.close()]).then(() => process.exit(0));
});

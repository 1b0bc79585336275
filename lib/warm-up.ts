import { readConfig } from './config.ts';
import { identityProvider } from './identity.ts';
import { loadTencentClient } from './load-tencent-client.ts';

/**
 * At init, once the code is loaded and when the configuration is valid, starts the secret fetch
 * (and the signature) that the first invocation would otherwise begin with; the connection to
 * Tencent is already being set up (lib/connect-early.ts). Then, while both wait on the network,
 * loads the Tencent client (ky, which loads Node's undici as it is imported). The first invocation
 * joins all three. Nothing here throws or rejects unhandled: a failure is reported by the
 * invocation that meets it (contract section 2).
 */

let warmed = false;

const warmUp = (): void => {
  if (warmed) return;
  warmed = true;
  try {
    const config = readConfig();
    // A turn later: a connection waiting for its TCP set-up to be seen sends its TLS hello
    // first, before the AWS SDK's first call takes the CPU for a while.
    setImmediate(() => {
      identityProvider(config)({ refresh: false }).catch(() => {});
      // Another turn: the secret request is written before ky and undici take the CPU.
      setImmediate(() => loadTencentClient().catch(() => {}));
    });
  } catch {
    // An invalid configuration is reported by the first invocation, naming the variable.
  }
};

export { warmUp };

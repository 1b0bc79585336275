import { readConfig } from './config.ts';
import { preconnect } from './connections.ts';
import { identityProvider } from './send.ts';

/**
 * At init, when the configuration is valid, starts at once what the first invocation would
 * otherwise do one after the other: the secret fetch (and the signature) and the connection to
 * Tencent. The first invocation joins both. Nothing here throws or rejects unhandled: a failure is
 * reported by the invocation that meets it (contract section 2).
 */

let warmed = false;

const warmUp = (): void => {
  if (warmed) return;
  warmed = true;
  try {
    const config = readConfig();
    preconnect(config.baseUrl);
    // A turn later: a connection waiting for its TCP set-up to be seen sends its TLS hello
    // first, before the AWS SDK's first call takes the CPU for a while.
    setImmediate(() => identityProvider(config)({ refresh: false }).catch(() => {}));
  } catch {
    // An invalid configuration is reported by the first invocation, naming the variable.
  }
};

export { warmUp };

import { readConfig } from './config.ts';
import { preconnect } from './connections.ts';

/**
 * The first thing a send function does when its container starts: open the connection to
 * Tencent, before loading the rest of its code. Loading takes tens of milliseconds of CPU; the
 * connection's set-up is round trips of waiting (DNS, TCP, TLS) that go on meanwhile, and the
 * secret fetch starts once the AWS SDK is loaded (lib/warm-up.ts). Never throws: an invalid
 * configuration is reported by the first invocation, naming the variable.
 */
const connectEarly = (): void => {
  try {
    preconnect(readConfig().baseUrl);
  } catch {
    // The first invocation reports it.
  }
};

export { connectEarly };

import type { Command } from './commands/command.ts';
import { readConfig } from './config.ts';
import { preconnect } from './connections.ts';

/**
 * A send function's init, in the order that makes its first send fast. Loading the code takes
 * tens of milliseconds of CPU, and the connection's set-up is round trips of waiting (DNS, TCP,
 * TLS), so the connection to Tencent is opened first and, after one turn of the event loop, is on
 * its way while the rest loads. Then the handler is made, which starts the secret fetch a turn
 * later (lib/warm-up.ts), so that a connection whose TCP set-up has completed meanwhile sends its
 * TLS hello first; init ends after that turn, with both on their way.
 *
 * Never throws for the configuration: an invalid one is reported by the first invocation, naming
 * the variable.
 */
const startSendFunction = async <Request extends object>(
  loadCommand: () => Promise<Command<Request>>,
) => {
  try {
    preconnect(readConfig().baseUrl);
  } catch {
    // The first invocation reports it.
  }
  await new Promise(setImmediate);
  const [{ createHandler }, command] = await Promise.all([import('./pipeline.ts'), loadCommand()]);
  const handler = createHandler(command);
  await new Promise(setImmediate);
  return handler;
};

export { startSendFunction };

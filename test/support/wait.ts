import { setTimeout as sleep } from 'node:timers/promises';

type Check = () => boolean | Promise<boolean>;

/**
 * Polls `check` until it holds or `timeoutMs` has passed; answers whether it held. For waiting on
 * what happens after the awaited call returns (a queue's poller, a log line, a stalled reply), so
 * that the assertions after it report what was missing.
 */
const waitUntil = async (check: Check, timeoutMs = 10_000, intervalMs = 10): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
  return true;
};

/** As `waitUntil`, failing the test when the condition never holds. */
const waitFor = async (check: Check, timeoutMs = 5_000): Promise<void> => {
  if (!(await waitUntil(check, timeoutMs))) throw new Error('condition not met in time');
};

export { sleep, waitFor, waitUntil };

import type { Context } from 'aws-lambda';

/** Used when the context cannot say how long the invocation may run (a plain test call). */
const DEFAULT_REMAINING_MS = 30_000;

/** The invocation's time left, from Lambda's context. */
const remainingMs = (context: Partial<Context> | undefined): number =>
  typeof context?.getRemainingTimeInMillis === 'function'
    ? context.getRemainingTimeInMillis()
    : DEFAULT_REMAINING_MS;

/** Settles with `promise`, or rejects with `onTimeout()` once `deadline` (epoch ms) has passed. */
const beforeDeadline = <T>(
  promise: Promise<T>,
  deadline: number,
  onTimeout: () => Error,
): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, deadline - Date.now()));
    timer.unref();
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
};

export { beforeDeadline, remainingMs };

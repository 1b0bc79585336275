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

export { beforeDeadline };

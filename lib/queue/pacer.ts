import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A token bucket with a burst of one, kept as the time of the next free slot: each caller reserves
 * a slot and waits for it, so concurrent callers queue up in order and never exceed the rate in
 * any window. `pause` pushes every future slot back (after Tencent answers a rate limit).
 */
interface TokenBucket {
  /** Reserves the next slot; resolves at its time, or with false if that is after `latest`. */
  take(latest?: number): Promise<boolean>;
  pause(ms: number): void;
  /** True when no slot is reserved ahead of now (an idle per-group bucket can be dropped). */
  idle(): boolean;
}

interface BucketOptions {
  ratePerSecond: number;
  /** Put the first slot anywhere in the first interval (for a container's command bucket). */
  spreadStart?: boolean;
  now?: () => number;
}

const createTokenBucket = ({
  ratePerSecond,
  spreadStart = false,
  now = Date.now,
}: BucketOptions): TokenBucket => {
  const intervalMs = 1000 / ratePerSecond;
  // Containers starting together do not all send at once: each one's first slot falls anywhere
  // in its first interval.
  let nextFree = spreadStart ? now() + Math.random() * intervalMs : 0;
  // Timers that fire late fire together: the starts of the last second are counted too, so that
  // no second ever holds more than the rate, whatever the event loop did.
  const perSecond = Math.max(1, Math.floor(ratePerSecond));
  const starts: number[] = [];
  return {
    take: async (latest = Number.POSITIVE_INFINITY) => {
      const slot = Math.max(nextFree, now());
      if (slot > latest) return false;
      nextFree = slot + intervalMs;
      const wait = slot - now();
      if (wait > 0) await sleep(wait);
      for (;;) {
        while (starts.length > 0 && (starts[0] ?? 0) <= now() - 1000) starts.shift();
        if (starts.length < perSecond) break;
        const until = (starts[0] ?? 0) + 1000;
        if (until > latest) return false;
        await sleep(until - now());
      }
      starts.push(now());
      return true;
    },
    pause: (ms) => {
      nextFree = Math.max(nextFree, now() + ms);
    },
    idle: () => nextFree <= now(),
  };
};

/** The container's pace: one bucket for the command, one per group within it. */
interface Pacer {
  /** Waits for a slot for `groupId` (if any) and the command; false if none comes before `latest`. */
  take(groupId: string | undefined, latest: number): Promise<boolean>;
  /** Tencent answered a rate limit: nobody in this container starts a send for `ms`. */
  slowDown(ms: number): void;
}

interface PacerOptions {
  sendsPerSecond: number;
  groupSendsPerSecond: number;
  now?: () => number;
}

const createPacer = ({ sendsPerSecond, groupSendsPerSecond, now }: PacerOptions): Pacer => {
  const command = createTokenBucket({ ratePerSecond: sendsPerSecond, spreadStart: true, now });
  const groups = new Map<string, TokenBucket>();
  const groupBucket = (groupId: string): TokenBucket => {
    let bucket = groups.get(groupId);
    if (!bucket) {
      if (groups.size > 10_000) {
        for (const [id, other] of groups) if (other.idle()) groups.delete(id);
      }
      bucket = createTokenBucket({ ratePerSecond: groupSendsPerSecond, now });
      groups.set(groupId, bucket);
    }
    return bucket;
  };
  return {
    take: async (groupId, latest) => {
      if (groupId !== undefined && !(await groupBucket(groupId).take(latest))) return false;
      return command.take(latest);
    },
    slowDown: (ms) => command.pause(ms),
  };
};

export type { Pacer };
export { createPacer, createTokenBucket };

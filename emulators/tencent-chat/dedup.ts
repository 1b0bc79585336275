import { createHash } from 'node:crypto';

/** Same content and Random within the window: Tencent keeps the first and discards the later. */

interface Original {
  msgSeq: number;
  msgTime: number;
}

/** The key of a message's content: its kind and target, body, CloudCustomData and Random. */
const dedupKey = (parts: unknown[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('hex');

class Deduplicator {
  private readonly seen = new Map<string, Original & { at: number }>();
  private readonly now: () => number;
  private readonly windowMs: () => number;

  /** `windowMs` is read on every call: the window can be changed while the emulator runs. */
  constructor(now: () => number, windowMs: () => number) {
    this.now = now;
    this.windowMs = windowMs;
  }

  /** The earlier message with this key within the window, if any. */
  originalOf(key: string): Original | undefined {
    const earlier = this.seen.get(key);
    if (earlier && this.now() - earlier.at < this.windowMs()) return earlier;
    return undefined;
  }

  remember(key: string, { msgSeq, msgTime }: Original): void {
    this.seen.set(key, { msgSeq, msgTime, at: this.now() });
  }

  clear(): void {
    this.seen.clear();
  }
}

export { Deduplicator, dedupKey };

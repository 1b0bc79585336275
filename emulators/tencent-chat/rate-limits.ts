import { type CommandName, isLiveRoomCommand } from './commands.ts';
import type { Limits } from './config.ts';

/** Tencent's per-second limits: per command (a refusal) and per group (a silent drop). */

class RateWindows {
  private readonly windows = new Map<string, number[]>();
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  /** Counts one call against `key` if fewer than `perSecond` fell in the last second. */
  allow(key: string, perSecond: number): boolean {
    const now = this.now();
    const recent = (this.windows.get(key) ?? []).filter((at) => now - at < 1000);
    const allowed = recent.length < perSecond;
    if (allowed) recent.push(now);
    this.windows.set(key, recent);
    return allowed;
  }

  clear(): void {
    this.windows.clear();
  }
}

const commandLimit = (command: CommandName, limits: Limits): number =>
  command === 'send_broadcast_msg' ? limits.broadcastPerSecond : limits.perCommandPerSecond;

/** The ErrorCode of a call over its command's limit: each service has its own. */
const commandRateErrorCode = (command: CommandName): number =>
  isLiveRoomCommand(command) ? 100602 : 10023;

export { commandLimit, commandRateErrorCode, RateWindows };

import type { CommandName } from './commands.ts';
import type { Limits } from './config.ts';
import type { Deduplicator } from './dedup.ts';
import type { RateWindows } from './rate-limits.ts';
import type { Reply } from './replies.ts';
import type { ChatState } from './state.ts';

/** What a service's command handlers work with; the emulator builds it once. */
interface ServiceContext {
  readonly state: ChatState;
  readonly rates: RateWindows;
  readonly dedup: Deduplicator;
  /** Read on every call: the control endpoint changes them while the emulator runs. */
  limits(): Limits;
  broadcastEnabled(): boolean;
  /** The reply of a message dropped by frequency control, counted as dropped. */
  dropped(command: CommandName, msgDropReason: string): Reply;
}

export type { ServiceContext };

import type { Json } from './checks.ts';
import type { CommandName } from './commands.ts';
import {
  type App,
  DEFAULT_APP,
  DEFAULT_GROUPS,
  DEFAULT_ROOMS,
  type EmulatorOptions,
  type GroupType,
} from './config.ts';

/** What a local Tencent Chat holds: its apps, groups and rooms, the messages they received. */

interface DeliveredMessage {
  command: CommandName;
  /** Group or room ids that received it (every AVChatRoom group for a broadcast). */
  targets: string[];
  msgSeq: number;
  msgTime: number;
  from: string;
  random: number | undefined;
  msgBody: unknown[];
  cloudCustomData: string | undefined;
  /** The request body as it arrived. */
  request: Json;
  deliveredAt: number;
}

interface OutgoingMessage {
  from: string;
  random?: number;
  msgBody: unknown[];
  cloudCustomData?: string;
}

interface Stats {
  received: number;
  delivered: number;
  duplicatesDiscarded: number;
  dropped: number;
  faults: number;
}

const zeroStats = (): Stats => ({
  received: 0,
  delivered: 0,
  duplicatesDiscarded: 0,
  dropped: 0,
  faults: 0,
});

class ChatState {
  readonly apps = new Map<number, App>();
  readonly groups = new Map<string, GroupType>();
  readonly rooms = new Set<string>();
  readonly mutedAccounts = new Set<string>();
  readonly messages: DeliveredMessage[] = [];
  readonly stats: Stats = zeroStats();
  private readonly sequences = new Map<string, number>();
  private readonly now: () => number;

  constructor(options: EmulatorOptions, now: () => number) {
    for (const app of options.apps ?? [DEFAULT_APP]) this.apps.set(app.sdkAppId, { ...app });
    for (const [id, type] of Object.entries(options.groups ?? DEFAULT_GROUPS)) {
      this.groups.set(id, type);
    }
    for (const room of options.rooms ?? DEFAULT_ROOMS) this.rooms.add(room);
    for (const account of options.mutedAccounts ?? []) this.mutedAccounts.add(account);
    this.now = now;
  }

  /** Forgets messages, sequence numbers and counts; apps, groups and rooms stay. */
  reset(): void {
    this.messages.length = 0;
    this.sequences.clear();
    // The same object: the console and callers may hold it.
    Object.assign(this.stats, zeroStats());
  }

  rotateKey(sdkAppId: number, secretKey: string): void {
    const app = this.apps.get(sdkAppId);
    if (!app) throw new Error(`no app ${sdkAppId}`);
    app.secretKey = secretKey;
  }

  /** Messages a group or room received, in order. */
  messagesFor(target: string): DeliveredMessage[] {
    return this.messages.filter((message) => message.targets.includes(target));
  }

  /** The AVChatRoom groups, the ones a broadcast reaches. */
  liveGroups(): string[] {
    return [...this.groups].filter(([, type]) => type === 'AVChatRoom').map(([id]) => id);
  }

  /** Stores a message with the target's next MsgSeq (a broadcast counts on its first group). */
  deliver(
    command: CommandName,
    targets: string[],
    body: Json,
    message: OutgoingMessage,
  ): DeliveredMessage {
    const delivered: DeliveredMessage = {
      command,
      targets,
      msgSeq: this.nextSeq(targets[0] ?? 'broadcast'),
      msgTime: Math.floor(this.now() / 1000),
      from: message.from,
      random: message.random,
      msgBody: message.msgBody,
      cloudCustomData: message.cloudCustomData,
      request: body,
      deliveredAt: this.now(),
    };
    this.messages.push(delivered);
    this.stats.delivered += 1;
    return delivered;
  }

  private nextSeq(target: string): number {
    const seq = (this.sequences.get(target) ?? 0) + 1;
    this.sequences.set(target, seq);
    return seq;
  }
}

export type { DeliveredMessage };
export { ChatState };

/** What a local Tencent Chat starts with: apps, groups, rooms and Tencent's documented limits. */

type GroupType = 'Private' | 'Public' | 'ChatRoom' | 'AVChatRoom' | 'Community';

interface App {
  sdkAppId: number;
  secretKey: string;
  admins: string[];
}

interface Limits {
  /** Calls per second per command (Tencent: 200). */
  perCommandPerSecond: number;
  /** Broadcast calls per second (Tencent: 1 on Pro, 5 on Pro Plus and Enterprise). */
  broadcastPerSecond: number;
  /** Messages per second per group before frequency control drops them (Tencent: 40). */
  perGroupPerSecond: number;
  /** Tencent's message size limit, "12 KB". */
  maxMessageBytes: number;
  /** Same content and Random within this window: the later message is discarded. */
  dedupWindowMs: number;
}

interface EmulatorOptions {
  apps?: App[];
  groups?: Record<string, GroupType>;
  rooms?: string[];
  mutedAccounts?: string[];
  broadcastEnabled?: boolean;
  limits?: Partial<Limits>;
  /** Added before every reply, like the network between AWS and Tencent. */
  replyDelayMs?: number;
  now?: () => number;
}

const DEFAULT_LIMITS: Limits = {
  perCommandPerSecond: 200,
  broadcastPerSecond: 1,
  perGroupPerSecond: 40,
  maxMessageBytes: 12 * 1024,
  dedupWindowMs: 5 * 60 * 1000,
};

const DEFAULT_APP: App = {
  sdkAppId: 1400000000,
  secretKey: 'local-emulator-secret-key-not-for-production',
  admins: ['administrator'],
};

const DEFAULT_GROUPS: Record<string, GroupType> = {
  '@TGS#2C5SZEAEF': 'Public',
  '@TGS#12DEVUDHQ': 'Public',
  'demo-work-group': 'Private',
  'demo-meeting': 'ChatRoom',
  'live-lobby': 'AVChatRoom',
  'live-stage': 'AVChatRoom',
  'demo-community': 'Community',
};

const DEFAULT_ROOMS = ['room1', 'live-show'];

/** Tencent's rate limits lifted, for runs that measure the sender rather than the limits. */
const NO_RATE_LIMITS: Partial<Limits> = {
  perCommandPerSecond: 1_000_000_000,
  broadcastPerSecond: 1_000_000_000,
  perGroupPerSecond: 1_000_000_000,
};

/** The default app's admin secret as Secrets Manager holds it (contract section 2). */
const defaultAdminSecret = (overrides: Record<string, unknown> = {}): string =>
  JSON.stringify({
    sdkAppId: DEFAULT_APP.sdkAppId,
    secretKey: DEFAULT_APP.secretKey,
    adminIdentifier: DEFAULT_APP.admins[0],
    ...overrides,
  });

export type { App, EmulatorOptions, GroupType, Limits };
export {
  DEFAULT_APP,
  DEFAULT_GROUPS,
  DEFAULT_LIMITS,
  DEFAULT_ROOMS,
  defaultAdminSecret,
  NO_RATE_LIMITS,
};

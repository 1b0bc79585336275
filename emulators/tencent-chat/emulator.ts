import { createHash, randomUUID } from 'node:crypto';
import {
  broadcastProblem,
  customMessageProblem,
  groupMessageProblem,
  isRecord,
  type Json,
  textMessageProblem,
  unknownFields,
} from './checks.ts';
import { Timeline } from './timeline.ts';
import { userSigVerifier } from './usersig.ts';

/** The state and rules of a local Tencent Chat: apps, groups, rooms, limits, de-duplication. */

type GroupType = 'Private' | 'Public' | 'ChatRoom' | 'AVChatRoom' | 'Community';
type CommandName = 'send_group_msg' | 'send_broadcast_msg' | 'send_text_msg' | 'send_custom_msg';

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

interface ReceivedRequest {
  command: string;
  path: string;
  query: Record<string, string>;
  /** The first 16 hex digits of the UserSig's SHA-256, never the UserSig itself. */
  userSigDigest: string | undefined;
  contentType: string | undefined;
  body: unknown;
  /** Paths of the body's keys Tencent does not document (Tencent ignores them). */
  unknownFields: string[];
  receivedAt: number;
  outcome?: string;
}

interface Fault {
  remaining: number;
  command?: string;
  errorCode?: number;
  httpStatus?: number;
  delayMs?: number;
  /** Close the connection: before processing the request, or after delivering it. */
  drop?: 'before' | 'after';
  /** Answer ErrorCode 0 with this MsgDropReason, without delivering (frequency control). */
  msgDropReason?: string;
}

interface Reply {
  status: number;
  body: Json | string;
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

const COMMAND_PATHS: Record<string, CommandName> = {
  '/v4/group_open_http_svc/send_group_msg': 'send_group_msg',
  '/v4/group_open_http_svc/send_broadcast_msg': 'send_broadcast_msg',
  '/v4/live_engine_http_srv/send_text_msg': 'send_text_msg',
  '/v4/live_engine_http_srv/send_custom_msg': 'send_custom_msg',
};

const isLiveRoomCommand = (command: CommandName): boolean =>
  command === 'send_text_msg' || command === 'send_custom_msg';

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

class TencentChatEmulator {
  readonly apps = new Map<number, App>();
  readonly groups = new Map<string, GroupType>();
  readonly rooms = new Set<string>();
  readonly mutedAccounts = new Set<string>();
  readonly messages: DeliveredMessage[] = [];
  readonly requests: ReceivedRequest[] = [];
  readonly stats = { received: 0, delivered: 0, duplicatesDiscarded: 0, dropped: 0, faults: 0 };
  /** Every outcome per group and room, for the console pages (fed by the server). */
  readonly timeline: Timeline;
  broadcastEnabled: boolean;
  limits: Limits;
  replyDelayMs: number;
  /** Moves the emulator's clock on (de-duplication window, rate windows, MsgTime), not the process's. */
  clockOffsetMs = 0;
  private faults: Fault[] = [];
  private readonly seen = new Map<string, { msgSeq: number; msgTime: number; at: number }>();
  private readonly windows = new Map<string, number[]>();
  private readonly sequences = new Map<string, number>();
  private readonly userSigs = userSigVerifier();
  private readonly now: () => number;

  constructor(options: EmulatorOptions = {}) {
    for (const app of options.apps ?? [DEFAULT_APP]) this.apps.set(app.sdkAppId, { ...app });
    for (const [id, type] of Object.entries(options.groups ?? DEFAULT_GROUPS)) {
      this.groups.set(id, type);
    }
    for (const room of options.rooms ?? DEFAULT_ROOMS) this.rooms.add(room);
    for (const account of options.mutedAccounts ?? []) this.mutedAccounts.add(account);
    this.broadcastEnabled = options.broadcastEnabled ?? true;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.replyDelayMs = options.replyDelayMs ?? 0;
    const clock = options.now ?? Date.now;
    this.now = () => clock() + this.clockOffsetMs;
    this.timeline = new Timeline(this.now);
  }

  /** Forgets messages, requests, de-duplication, rate windows and faults. */
  reset(): void {
    this.messages.length = 0;
    this.requests.length = 0;
    this.faults = [];
    this.seen.clear();
    this.windows.clear();
    this.sequences.clear();
    this.timeline.clear();
    this.userSigs.clearCaches();
    Object.assign(this.stats, {
      received: 0,
      delivered: 0,
      duplicatesDiscarded: 0,
      dropped: 0,
      faults: 0,
    });
  }

  addFault(fault: Omit<Fault, 'remaining'> & { count?: number }): void {
    const { count = 1, ...rest } = fault;
    this.faults.push({ ...rest, remaining: count });
  }

  clearFaults(): void {
    this.faults = [];
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

  commandFor(path: string): CommandName | undefined {
    return COMMAND_PATHS[path];
  }

  /** Takes the next matching fault, if any. */
  takeFault(command: string): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && (!f.command || f.command === command));
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    this.stats.faults += 1;
    return fault;
  }

  record(
    path: string,
    query: URLSearchParams,
    contentType: string | undefined,
    body: unknown,
  ): ReceivedRequest {
    const entries = Object.fromEntries([...query.entries()].filter(([key]) => key !== 'usersig'));
    const userSig = query.get('usersig');
    const request: ReceivedRequest = {
      command: COMMAND_PATHS[path] ?? path,
      path,
      query: entries,
      userSigDigest: userSig === null ? undefined : digest(userSig).slice(0, 16),
      contentType,
      body,
      unknownFields: unknownFields(COMMAND_PATHS[path] ?? path, body),
      receivedAt: this.now(),
    };
    this.requests.push(request);
    this.stats.received += 1;
    return request;
  }

  /** Answers one command as Tencent would. `bodyText` is the raw request body. */
  handle(path: string, query: URLSearchParams, bodyText: string): Reply {
    const command = COMMAND_PATHS[path];
    if (!command) return this.failure(undefined, 60009, 'bad resource: unknown service or command');
    const queryError = this.checkQuery(query);
    if (queryError) return this.failure(command, queryError[0], queryError[1]);
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      return this.failure(command, 60003, 'request body is not JSON');
    }
    if (!isRecord(body)) return this.failure(command, 60003, 'request body is not a JSON object');
    if (!this.withinRate(`command:${command}`, this.commandLimit(command))) {
      return this.failure(
        command,
        isLiveRoomCommand(command) ? 100602 : 10023,
        'send frequency limit reached',
      );
    }
    switch (command) {
      case 'send_group_msg':
        return this.sendGroupMessage(body);
      case 'send_broadcast_msg':
        return this.sendBroadcast(body);
      case 'send_text_msg':
      case 'send_custom_msg':
        return this.sendRoomMessage(command, body);
    }
  }

  private commandLimit(command: CommandName): number {
    return command === 'send_broadcast_msg'
      ? this.limits.broadcastPerSecond
      : this.limits.perCommandPerSecond;
  }

  private checkQuery(query: URLSearchParams): [number, string] | undefined {
    if (query.get('contenttype') !== 'json') return [60002, 'contenttype must be json'];
    const random = query.get('random');
    if (random === null || !/^\d+$/.test(random) || Number(random) > 4_294_967_295) {
      return [60002, 'random must be a 32-bit unsigned integer'];
    }
    const sdkAppIdText = query.get('sdkappid');
    if (!sdkAppIdText) return [60012, 'sdkappid is missing'];
    const app = this.apps.get(Number(sdkAppIdText));
    if (!app) return [70020, 'SDKAppID not found: check the SDKAppID and the data center'];
    const identifier = query.get('identifier');
    if (!identifier) return [60004, 'identifier is missing'];
    const sigError = this.userSigs.verify(query.get('usersig') ?? '', {
      sdkAppId: app.sdkAppId,
      identifier,
      key: app.secretKey,
      nowSeconds: Math.floor(this.now() / 1000),
    });
    if (sigError !== 0) return [sigError, 'UserSig verification failed'];
    if (!app.admins.includes(identifier)) return [60010, 'the identifier is not an App admin'];
    return undefined;
  }

  private withinRate(key: string, perSecond: number): boolean {
    const now = this.now();
    const recent = (this.windows.get(key) ?? []).filter((at) => now - at < 1000);
    const allowed = recent.length < perSecond;
    if (allowed) recent.push(now);
    this.windows.set(key, recent);
    return allowed;
  }

  private messageBytes(msgBody: unknown, cloudCustomData: unknown): number {
    return (
      Buffer.byteLength(JSON.stringify(msgBody)) +
      Buffer.byteLength(typeof cloudCustomData === 'string' ? cloudCustomData : '')
    );
  }

  private nextSeq(target: string): number {
    const seq = (this.sequences.get(target) ?? 0) + 1;
    this.sequences.set(target, seq);
    return seq;
  }

  /** Same content and Random within the window: Tencent keeps the first and discards the later. */
  private duplicateOf(key: string): { msgSeq: number; msgTime: number } | undefined {
    const earlier = this.seen.get(key);
    if (earlier && this.now() - earlier.at < this.limits.dedupWindowMs) return earlier;
    return undefined;
  }

  private deliver(
    command: CommandName,
    targets: string[],
    body: Json,
    message: { from: string; random?: number; msgBody: unknown[]; cloudCustomData?: string },
    dedupKey?: string,
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
    if (dedupKey) {
      this.seen.set(dedupKey, {
        msgSeq: delivered.msgSeq,
        msgTime: delivered.msgTime,
        at: this.now(),
      });
    }
    return delivered;
  }

  private sendGroupMessage(body: Json): Reply {
    const problem = groupMessageProblem(body);
    if (problem) return this.failure('send_group_msg', 10004, problem);
    const groupId = body.GroupId as string;
    const type = this.groups.get(groupId);
    if (!type) return this.failure('send_group_msg', 10010, 'the group does not exist');
    if (
      type === 'AVChatRoom' &&
      (body.OnlineOnlyFlag !== undefined || body.SendMsgControl !== undefined)
    ) {
      return this.failure(
        'send_group_msg',
        10004,
        'AVChatRoom takes neither OnlineOnlyFlag nor SendMsgControl',
      );
    }
    const from = typeof body.From_Account === 'string' ? body.From_Account : 'administrator';
    if (this.mutedAccounts.has(from))
      return this.failure('send_group_msg', 10017, 'the sender is muted');
    if (this.messageBytes(body.MsgBody, body.CloudCustomData) > this.limits.maxMessageBytes) {
      return this.failure('send_group_msg', 80002, 'the message is longer than 12 KB');
    }
    const dedupKey = digest(
      JSON.stringify(['group', groupId, body.MsgBody, body.CloudCustomData ?? null, body.Random]),
    );
    const duplicate = this.duplicateOf(dedupKey);
    if (duplicate) {
      this.stats.duplicatesDiscarded += 1;
      return this.ok('send_group_msg', duplicate);
    }
    if (
      body.MsgPriority !== 'High' &&
      !this.withinRate(`group:${groupId}`, this.limits.perGroupPerSecond)
    ) {
      return this.dropped('send_group_msg', 'MsgFreqCtrl');
    }
    const delivered = this.deliver(
      'send_group_msg',
      [groupId],
      body,
      {
        from,
        random: body.Random as number,
        msgBody: body.MsgBody as unknown[],
        cloudCustomData: body.CloudCustomData as string | undefined,
      },
      dedupKey,
    );
    return this.ok('send_group_msg', delivered);
  }

  private sendBroadcast(body: Json): Reply {
    const problem = broadcastProblem(body);
    if (problem) return this.failure('send_broadcast_msg', 10004, problem);
    if (!this.broadcastEnabled) {
      return this.failure(
        'send_broadcast_msg',
        10007,
        'broadcast messaging is not enabled in the console',
      );
    }
    if (this.messageBytes(body.MsgBody, body.CloudCustomData) > this.limits.maxMessageBytes) {
      return this.failure('send_broadcast_msg', 80002, 'the message is longer than 12 KB');
    }
    const dedupKey = digest(
      JSON.stringify(['broadcast', body.MsgBody, body.CloudCustomData ?? null, body.Random]),
    );
    const duplicate = this.duplicateOf(dedupKey);
    if (duplicate) {
      this.stats.duplicatesDiscarded += 1;
      return this.ok('send_broadcast_msg', duplicate);
    }
    const targets = [...this.groups].filter(([, type]) => type === 'AVChatRoom').map(([id]) => id);
    const delivered = this.deliver(
      'send_broadcast_msg',
      targets,
      body,
      {
        from: typeof body.From_Account === 'string' ? body.From_Account : 'administrator',
        random: body.Random as number,
        msgBody: body.MsgBody as unknown[],
        cloudCustomData: body.CloudCustomData as string | undefined,
      },
      dedupKey,
    );
    return this.ok('send_broadcast_msg', delivered);
  }

  private sendRoomMessage(command: 'send_text_msg' | 'send_custom_msg', body: Json): Reply {
    const problem =
      command === 'send_text_msg' ? textMessageProblem(body) : customMessageProblem(body);
    if (problem) return this.failure(command, 100002, problem);
    const roomId = body.RoomId as string;
    if (!this.rooms.has(roomId)) {
      const code = this.groups.has(roomId) ? 100006 : 100004;
      return this.failure(
        command,
        code,
        code === 100006 ? 'not a live room' : 'the room does not exist',
      );
    }
    const from = typeof body.Sender_Account === 'string' ? body.Sender_Account : 'administrator';
    if (this.mutedAccounts.has(from)) return this.failure(command, 100601, 'the sender is muted');
    // Tencent wraps live-room messages into group messages (seeds 000 and 001).
    const msgBody =
      command === 'send_text_msg'
        ? [{ MsgType: 'TIMTextElem', MsgContent: { Text: body.TextContent } }]
        : [
            {
              MsgType: 'TIMCustomElem',
              MsgContent: {
                Data: JSON.stringify({ BusinessId: body.BusinessId, Data: body.Data }),
              },
            },
          ];
    const cloudCustomData =
      command === 'send_text_msg' ? (body.ExtensionInfo as string | undefined) : undefined;
    if (this.messageBytes(msgBody, cloudCustomData) > this.limits.maxMessageBytes) {
      return this.failure(command, 100603, 'the message is longer than 12 KB');
    }
    if (!this.withinRate(`group:${roomId}`, this.limits.perGroupPerSecond)) {
      return this.dropped(command, 'MsgFreqCtrl');
    }
    const delivered = this.deliver(command, [roomId], body, {
      from,
      msgBody,
      ...(cloudCustomData !== undefined && { cloudCustomData }),
    });
    return this.ok(command, delivered);
  }

  private ok(
    command: CommandName,
    { msgSeq, msgTime }: { msgSeq: number; msgTime: number },
    msgDropReason?: string,
  ): Reply {
    const status = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' };
    const drop = msgDropReason ? { MsgDropReason: msgDropReason } : {};
    if (isLiveRoomCommand(command)) {
      return {
        status: 200,
        body: {
          ...status,
          RequestId: `Id-${randomUUID()}`,
          Response: { MsgTime: msgTime, MsgSeq: msgSeq, ...drop },
        },
      };
    }
    // Tencent documents no MsgDropReason for broadcasts; if one is ever dropped, the reply says so.
    if (command === 'send_broadcast_msg') {
      return { status: 200, body: { ...status, MsgSeq: msgSeq, ...drop } };
    }
    return { status: 200, body: { ...status, MsgTime: msgTime, MsgSeq: msgSeq, ...drop } };
  }

  /** The reply of a message dropped by frequency control: ErrorCode 0, nothing delivered. */
  dropped(command: CommandName, msgDropReason: string): Reply {
    this.stats.dropped += 1;
    return this.ok(command, { msgSeq: 0, msgTime: Math.floor(this.now() / 1000) }, msgDropReason);
  }

  failure(command: CommandName | undefined, errorCode: number, errorInfo: string): Reply {
    const body: Json = { ActionStatus: 'FAIL', ErrorCode: errorCode, ErrorInfo: errorInfo };
    if (command && isLiveRoomCommand(command)) body.RequestId = `Id-${randomUUID()}`;
    return { status: 200, body };
  }
}

export type {
  App,
  CommandName,
  DeliveredMessage,
  EmulatorOptions,
  Fault,
  GroupType,
  Limits,
  ReceivedRequest,
  Reply,
};

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

export {
  DEFAULT_APP,
  DEFAULT_GROUPS,
  DEFAULT_LIMITS,
  DEFAULT_ROOMS,
  defaultAdminSecret,
  NO_RATE_LIMITS,
  TencentChatEmulator,
};

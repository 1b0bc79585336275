import { type QueryChecker, queryChecker } from './auth.ts';
import { isRecord, type Json } from './checks.ts';
import { type CommandName, commandAt } from './commands.ts';
import { DEFAULT_LIMITS, type EmulatorOptions, type Limits } from './config.ts';
import { Deduplicator } from './dedup.ts';
import { type Fault, FaultQueue, type FaultRequest } from './faults.ts';
import { sendBroadcast, sendGroupMessage } from './group-service.ts';
import { sendCustomMessage, sendTextMessage } from './live-service.ts';
import { commandLimit, commandRateErrorCode, RateWindows } from './rate-limits.ts';
import { type ReceivedRequest, receivedRequest } from './recording.ts';
import { failureReply, okReply, type Reply } from './replies.ts';
import type { ServiceContext } from './service-context.ts';
import { ChatState, type DeliveredMessage } from './state.ts';
import { Timeline } from './timeline.ts';

/**
 * A local Tencent Chat: the state, the checks and the services composed, answering one command
 * at a time. The server (server.ts) puts it on HTTP; the console reads its timeline.
 */

const HANDLERS: Record<CommandName, (context: ServiceContext, body: Json) => Reply> = {
  send_group_msg: sendGroupMessage,
  send_broadcast_msg: sendBroadcast,
  send_text_msg: sendTextMessage,
  send_custom_msg: sendCustomMessage,
};

class TencentChatEmulator {
  readonly apps: ChatState['apps'];
  readonly groups: ChatState['groups'];
  readonly rooms: ChatState['rooms'];
  readonly mutedAccounts: ChatState['mutedAccounts'];
  readonly messages: DeliveredMessage[];
  readonly stats: ChatState['stats'];
  readonly requests: ReceivedRequest[] = [];
  /** Every outcome per group and room, for the console pages (fed by the server). */
  readonly timeline: Timeline;
  broadcastEnabled: boolean;
  limits: Limits;
  replyDelayMs: number;
  /** Moves the emulator's clock on (de-duplication window, rate windows, MsgTime), not the process's. */
  clockOffsetMs = 0;
  private readonly state: ChatState;
  private readonly faults = new FaultQueue();
  private readonly rates: RateWindows;
  private readonly dedup: Deduplicator;
  private readonly queryCheck: QueryChecker;
  private readonly services: ServiceContext;
  private readonly now: () => number;

  constructor(options: EmulatorOptions = {}) {
    const clock = options.now ?? Date.now;
    this.now = () => clock() + this.clockOffsetMs;
    this.state = new ChatState(options, this.now);
    this.apps = this.state.apps;
    this.groups = this.state.groups;
    this.rooms = this.state.rooms;
    this.mutedAccounts = this.state.mutedAccounts;
    this.messages = this.state.messages;
    this.stats = this.state.stats;
    this.broadcastEnabled = options.broadcastEnabled ?? true;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.replyDelayMs = options.replyDelayMs ?? 0;
    this.timeline = new Timeline(this.now);
    this.rates = new RateWindows(this.now);
    this.dedup = new Deduplicator(this.now, () => this.limits.dedupWindowMs);
    this.queryCheck = queryChecker(this.apps, this.now);
    this.services = {
      state: this.state,
      rates: this.rates,
      dedup: this.dedup,
      limits: () => this.limits,
      broadcastEnabled: () => this.broadcastEnabled,
      dropped: (command, msgDropReason) => this.dropped(command, msgDropReason),
    };
  }

  /** Forgets messages, requests, de-duplication, rate windows and faults. */
  reset(): void {
    this.state.reset();
    this.requests.length = 0;
    this.faults.clear();
    this.dedup.clear();
    this.rates.clear();
    this.timeline.clear();
    this.queryCheck.clearCaches();
  }

  addFault(fault: FaultRequest): void {
    this.faults.add(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  rotateKey(sdkAppId: number, secretKey: string): void {
    this.state.rotateKey(sdkAppId, secretKey);
  }

  /** Messages a group or room received, in order. */
  messagesFor(target: string): DeliveredMessage[] {
    return this.state.messagesFor(target);
  }

  commandFor(path: string): CommandName | undefined {
    return commandAt(path);
  }

  /** Takes the next matching fault, if any. */
  takeFault(command: string): Fault | undefined {
    const fault = this.faults.take(command);
    if (fault) this.stats.faults += 1;
    return fault;
  }

  record(
    path: string,
    query: URLSearchParams,
    contentType: string | undefined,
    body: unknown,
  ): ReceivedRequest {
    const request = receivedRequest(path, query, contentType, body, this.now());
    this.requests.push(request);
    this.stats.received += 1;
    return request;
  }

  /** Answers one command as Tencent would. `bodyText` is the raw request body. */
  handle(path: string, query: URLSearchParams, bodyText: string): Reply {
    const command = commandAt(path);
    if (!command) return failureReply(undefined, 60009, 'bad resource: unknown service or command');
    const queryError = this.queryCheck.check(query);
    if (queryError) return failureReply(command, ...queryError);
    let body: unknown;
    try {
      body = JSON.parse(bodyText);
    } catch {
      return failureReply(command, 60003, 'request body is not JSON');
    }
    if (!isRecord(body)) return failureReply(command, 60003, 'request body is not a JSON object');
    if (!this.rates.allow(`command:${command}`, commandLimit(command, this.limits))) {
      return failureReply(command, commandRateErrorCode(command), 'send frequency limit reached');
    }
    return HANDLERS[command](this.services, body);
  }

  /** The reply of a message dropped by frequency control: ErrorCode 0, nothing delivered. */
  dropped(command: CommandName, msgDropReason: string): Reply {
    this.stats.dropped += 1;
    return okReply(command, { msgSeq: 0, msgTime: Math.floor(this.now() / 1000) }, msgDropReason);
  }

  failure(command: CommandName | undefined, errorCode: number, errorInfo: string): Reply {
    return failureReply(command, errorCode, errorInfo);
  }
}

// Re-exported so that the tests, bench and fault suite keep importing them from here.
export type { CommandName } from './commands.ts';
export type { App, EmulatorOptions, GroupType, Limits } from './config.ts';
export {
  DEFAULT_APP,
  DEFAULT_GROUPS,
  DEFAULT_LIMITS,
  DEFAULT_ROOMS,
  defaultAdminSecret,
  NO_RATE_LIMITS,
} from './config.ts';
export type { Fault } from './faults.ts';
export type { ReceivedRequest } from './recording.ts';
export type { Reply } from './replies.ts';
export type { DeliveredMessage } from './state.ts';
export { TencentChatEmulator };

import { isRecord } from './checks.ts';
import type { DeliveredMessage } from './state.ts';

/**
 * What happened to each request, in order, per group and room: the messages that arrived and the
 * ones that did not (a de-duplicated repeat, a drop by frequency control, a refusal, a lost
 * connection). The console pages read it; it does not change what the emulator answers.
 */

type EntryKind = 'message' | 'duplicate' | 'dropped' | 'refused' | 'lost';

interface TimelineEntry {
  /** Increases by one per entry, across every target: the order of events. */
  id: number;
  at: number;
  kind: EntryKind;
  command: string;
  /** Groups or rooms it concerns; empty when the request named none (shown on the index page). */
  targets: string[];
  /** The request body as it arrived (for a message: as Tencent stored it too). */
  request: unknown;
  /** A delivered message: what the group or room received. */
  message?: Omit<DeliveredMessage, 'request' | 'targets'>;
  /** A duplicate: the entry and MsgSeq of the message it repeats. */
  original?: { id: number | undefined; msgSeq: number };
  /** A drop: Tencent's MsgDropReason. */
  dropReason?: string;
  /** A refusal: Tencent's ErrorCode and ErrorInfo, or the HTTP status of a non-JSON reply. */
  errorCode?: number;
  errorInfo?: string;
  httpStatus?: number;
  /** The fault injected from the control endpoint that caused this outcome, if any. */
  fault?: string;
}

type Listener = (event: { type: 'entry'; entry: TimelineEntry } | { type: 'reset' }) => void;

/** What the server knows of a fault when the reply is chosen. */
interface FaultFacts {
  errorCode?: number;
  httpStatus?: number;
  delayMs?: number;
  drop?: 'before' | 'after';
  msgDropReason?: string;
}

const MAX_ENTRIES = 10_000;

/** The group or room a request names, if any. */
const namedTargets = (body: unknown): string[] => {
  if (!isRecord(body)) return [];
  const target = body.GroupId ?? body.RoomId;
  return typeof target === 'string' && target !== '' ? [target] : [];
};

const describeFault = (fault: FaultFacts | undefined): string | undefined => {
  if (!fault) return undefined;
  const parts = [
    fault.errorCode !== undefined && `ErrorCode ${fault.errorCode}`,
    fault.httpStatus !== undefined && `HTTP ${fault.httpStatus}`,
    fault.msgDropReason !== undefined && `MsgDropReason ${fault.msgDropReason}`,
    fault.delayMs !== undefined && `${fault.delayMs} ms delay`,
    fault.drop === 'before' && 'connection dropped before reading the request',
    fault.drop === 'after' && 'connection dropped after answering (the reply never arrived)',
  ].filter((part): part is string => typeof part === 'string');
  return parts.length > 0 ? `injected: ${parts.join(', ')}` : undefined;
};

class Timeline {
  readonly entries: TimelineEntry[] = [];
  private nextId = 1;
  private readonly listeners = new Set<Listener>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Calls `listener` for every new entry and reset; returns the function that stops it. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear(): void {
    this.entries.length = 0;
    for (const listener of this.listeners) listener({ type: 'reset' });
  }

  /** Entries for one group or room (or, with no target, the ones no known target shows), after `afterId`. */
  select(filter: (entry: TimelineEntry) => boolean, afterId = 0): TimelineEntry[] {
    return this.entries.filter((entry) => entry.id > afterId && filter(entry));
  }

  /**
   * Records the outcome of one command request: `delivered` are the messages this request
   * delivered (none for a duplicate, a drop or a refusal), `reply` is Tencent's JSON reply body.
   */
  replied(
    command: string,
    request: unknown,
    reply: unknown,
    delivered: DeliveredMessage[],
    fault?: FaultFacts,
  ): void {
    const base = { command, request, fault: describeFault(fault) };
    for (const { request: _, targets, ...message } of delivered) {
      this.add({ ...base, kind: 'message', targets, message });
    }
    if (delivered.length > 0 || !isRecord(reply)) return;
    const nested = isRecord(reply.Response) ? reply.Response : reply;
    if (reply.ErrorCode !== 0) {
      this.add({
        ...base,
        kind: 'refused',
        targets: namedTargets(request),
        errorCode: Number(reply.ErrorCode),
        errorInfo: String(reply.ErrorInfo ?? ''),
      });
    } else if (typeof nested.MsgDropReason === 'string' && nested.MsgDropReason !== '') {
      this.add({
        ...base,
        kind: 'dropped',
        targets: namedTargets(request),
        dropReason: nested.MsgDropReason,
      });
    } else {
      this.add({ ...base, kind: 'duplicate', ...this.originalOf(command, request, nested.MsgSeq) });
    }
  }

  /** A reply that never carried Tencent's JSON: an injected HTTP status or a dropped connection. */
  failed(command: string, request: unknown, fault: FaultFacts): void {
    this.add({
      command,
      request,
      kind: fault.httpStatus !== undefined ? 'refused' : 'lost',
      targets: namedTargets(request),
      ...(fault.httpStatus !== undefined && { httpStatus: fault.httpStatus }),
      fault: describeFault(fault),
    });
  }

  private originalOf(
    command: string,
    request: unknown,
    msgSeq: unknown,
  ): Pick<TimelineEntry, 'targets' | 'original'> {
    const named = namedTargets(request);
    const original = this.entries.findLast(
      (entry) =>
        entry.kind === 'message' &&
        entry.command === command &&
        entry.message?.msgSeq === msgSeq &&
        (named.length === 0 || entry.targets.includes(named[0] as string)),
    );
    return {
      targets: original?.targets ?? named,
      original: { id: original?.id, msgSeq: Number(msgSeq) },
    };
  }

  private add(entry: Omit<TimelineEntry, 'id' | 'at'>): void {
    const full = { id: this.nextId, at: this.now(), ...entry } as TimelineEntry;
    this.nextId += 1;
    this.entries.push(full);
    if (this.entries.length > MAX_ENTRIES)
      this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    for (const listener of this.listeners) listener({ type: 'entry', entry: full });
  }
}

export type { EntryKind, FaultFacts, Listener, TimelineEntry };
export { Timeline };

import { createHash } from 'node:crypto';
import type { Command } from '../commands/command.ts';
import type { Invocation } from '../events.ts';
import type { SendBroadcastMsgRequest } from '../schemas/send-broadcast-msg.ts';
import { MESSAGE_BYTES_LIMIT, storedMessageBytes, validateRequest } from '../validation.ts';

/**
 * Broadcast merging (README, "Queue mode"): Tencent allows one broadcast a second (five on higher
 * editions) and advises merging messages above that. Broadcasts taken together from one batch
 * are merged, in arrival order, when their From_Account and CloudCustomData agree, the merged
 * MsgBody keeps at most one TIMCustomElem and the merged message stays within 12,000 bytes.
 * A broadcast with its own Random is never merged (its Random is the caller's promise).
 */

interface MergedBroadcast {
  messageIds: string[];
  /** What sendOne reads for the merged send. */
  invocation: Invocation;
}

interface Candidate {
  messageId: string;
  read: () => Invocation;
}

const customElements = (body: readonly unknown[]): number =>
  body.filter((element) => (element as { MsgType?: unknown }).MsgType === 'TIMCustomElem').length;

/** The merged send's key: derived from every merged record's key, so a re-delivery reuses it. */
const mergedKey = (keys: string[]): string =>
  `merged:${createHash('sha256').update(keys.join('\n'), 'utf8').digest('hex')}`;

/** Plans the merges of one batch; records not in a plan are sent one by one. */
const planMerges = (
  command: Command<SendBroadcastMsgRequest>,
  candidates: Candidate[],
): MergedBroadcast[] => {
  const open = new Map<
    string,
    { request: SendBroadcastMsgRequest; ids: string[]; keys: string[] }
  >();
  const groups: { request: SendBroadcastMsgRequest; ids: string[]; keys: string[] }[] = [];
  for (const { messageId, read } of candidates) {
    let invocation: Invocation;
    let request: SendBroadcastMsgRequest;
    try {
      invocation = read();
      request = validateRequest(command, invocation.request);
    } catch {
      continue;
    }
    if (request.Random !== undefined || invocation.idempotencyKey === undefined) continue;
    const sameSender = JSON.stringify([
      request.From_Account ?? null,
      request.CloudCustomData ?? null,
    ]);
    const group = open.get(sameSender);
    const merged = group && {
      ...group.request,
      MsgBody: [...group.request.MsgBody, ...request.MsgBody],
    };
    if (
      group &&
      merged &&
      customElements(merged.MsgBody) <= 1 &&
      storedMessageBytes(merged) <= MESSAGE_BYTES_LIMIT
    ) {
      group.request = merged;
      group.ids.push(messageId);
      group.keys.push(invocation.idempotencyKey);
      continue;
    }
    const fresh = { request, ids: [messageId], keys: [invocation.idempotencyKey] };
    open.set(sameSender, fresh);
    groups.push(fresh);
  }
  return groups
    .filter((group) => group.ids.length > 1)
    .map((group) => ({
      messageIds: group.ids,
      invocation: { kind: 'sqs', request: group.request, idempotencyKey: mergedKey(group.keys) },
    }));
};

export { planMerges };

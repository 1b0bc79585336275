import type { FanOutConfig } from '../config.ts';
import type { ErrorCode } from '../errors.ts';
import { logger } from '../logger.ts';
import type { SendResult } from '../results.ts';
import { fanOutState } from './cancellation.ts';
import { finishIfDone } from './finished-event.ts';
import { type Recorded, recordOutcome } from './record-outcome.ts';
import type { Outcome } from './report-items.ts';

/**
 * What the send-group-msg consumer does for the records a fan-out queued (contract section 10):
 * skip and count the groups of a cancelled fan-out, count each send's outcome once, and put the
 * finished event when the last group is counted. Loaded only by containers that receive them.
 */

interface FanOutGroup {
  fanoutId: string;
  groupId: string;
  /** The record's ApproximateReceiveCount. */
  receiveCount: number;
}

/** Failures a later receive may turn into a send: counted failed on the last receive only. */
const MAY_GET_BETTER: ReadonlySet<ErrorCode> = new Set(['CONFIGURATION_ERROR', 'INTERNAL_ERROR']);

/**
 * A group's outcome from its send, or undefined while its record will be received again: a rate
 * limit (requeued) or a failure that is retried, before the queue's last receive.
 */
const outcomeOf = (
  result: SendResult,
  receiveCount: number,
  maxReceives: number,
): Outcome | undefined => {
  if (result.ok) return { outcome: 'sent' };
  const { code, retryable, tencentCode } = result.error;
  if (code === 'RATE_LIMITED') return undefined;
  const final = (!retryable && !MAY_GET_BETTER.has(code)) || receiveCount >= maxReceives;
  if (!final) return undefined;
  return { outcome: 'failed', code, ...(tencentCode !== undefined && { tencentCode }) };
};

interface FanOutReports {
  /**
   * True when the group's fan-out was cancelled: the group is then counted `cancelled` and must
   * not be sent. `fresh` just before a send (see lib/fan-out/cancellation.ts).
   */
  cancelled: (group: FanOutGroup, options: { fresh: boolean }) => Promise<boolean>;
  /** Counts the send's outcome if it is final, and puts the finished event when due. */
  record: (group: FanOutGroup, result: SendResult) => Promise<void>;
}

const createFanOutReports = (config: FanOutConfig & { table: string }): FanOutReports => {
  const count = async (group: FanOutGroup, outcome: Outcome): Promise<Recorded> => {
    const recorded = await recordOutcome(
      {
        table: config.table,
        lifetimeSeconds: config.reportLifetimeSeconds,
        fanoutId: group.fanoutId,
        groupId: group.groupId,
      },
      outcome,
    );
    if (recorded.status !== 'no-report') {
      await finishIfDone(config.table, config.eventBus, recorded.report);
    }
    return recorded;
  };
  return {
    cancelled: async (group, { fresh }) => {
      const state = await fanOutState(config.table, group.fanoutId, { fresh });
      if (!state.exists || !state.cancelled) return false;
      const recorded = await count(group, { outcome: 'cancelled' });
      logger.info('Group skipped: its fan-out was cancelled', {
        fanoutId: group.fanoutId,
        groupId: group.groupId,
        counted: recorded.status,
      });
      return true;
    },
    record: async (group, result) => {
      const outcome = outcomeOf(result, group.receiveCount, config.maxReceives);
      if (!outcome) return;
      // A fan-out queued without a report (before reports, or expired) is not counted.
      if ((await fanOutState(config.table, group.fanoutId, { fresh: false })).exists) {
        await count(group, outcome);
      }
    },
  };
};

export type { FanOutGroup, FanOutReports };
export { createFanOutReports, outcomeOf };

import { randomUUID } from 'node:crypto';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '../logger.ts';
import { errorName } from '../unexpected.ts';
import {
  isConditionFailure,
  type ReportItem,
  reportClient,
  reportKey,
  viewOf,
} from './report-items.ts';

/**
 * The "Group fan-out finished" event (contract section 10), put once per fan-out when nothing is
 * pending. Whoever finds the report at pending 0 without `finishedEventPut` claims the event with a
 * conditional update (a lease, so that a claimant that died is replaced), puts it, then marks the
 * report. A failed put releases the claim and throws: the record that found the report finished
 * goes back to the queue, and its next delivery tries again. When the claim cannot be released
 * either, the record asks to come back only after the lease, so that its next delivery can take
 * the claim over instead of finding it held and leaving the event to nobody.
 */

const SOURCE = 'tencent-chat-sender';
const DETAIL_TYPE = 'Group fan-out finished';
/** A claim older than this is taken over (far shorter than the queue's visibility timeout). */
const CLAIM_LEASE_MS = 30_000;

class FinishedEventError extends Error {
  /** Set when the record must not come back before the claim's lease has ended. */
  retryAfterSeconds?: number;

  constructor(message: string, options?: ErrorOptions & { retryAfterSeconds?: number }) {
    super(message, options);
    this.name = 'FinishedEventError';
    if (options?.retryAfterSeconds !== undefined)
      this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

let events: Promise<EventBridgeClient> | undefined;

// Loaded only by the container that finishes a fan-out.
const eventBridge = (): Promise<EventBridgeClient> => {
  events ??= import('@aws-sdk/client-eventbridge').then(
    ({ EventBridgeClient }) =>
      new EventBridgeClient({
        maxAttempts: 3,
        requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
      }),
  );
  return events;
};

const claim = async (table: string, report: ReportItem, token: string): Promise<boolean> => {
  const client = await reportClient();
  const now = Date.now();
  try {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: { id: reportKey(report.fanoutId) },
        UpdateExpression: 'SET finishClaim = :token, finishClaimedAt = :now',
        ConditionExpression:
          'pending = :zero AND attribute_not_exists(finishedEventPut) AND ' +
          '(attribute_not_exists(finishClaim) OR finishClaimedAt < :stale)',
        ExpressionAttributeValues: {
          ':token': token,
          ':now': now,
          ':zero': 0,
          ':stale': now - CLAIM_LEASE_MS,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

const settle = async (table: string, fanoutId: string, token: string, put: boolean) => {
  const client = await reportClient();
  try {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: { id: reportKey(fanoutId) },
        UpdateExpression: put
          ? 'SET finishedEventPut = :yes REMOVE finishClaim, finishClaimedAt'
          : 'REMOVE finishClaim, finishClaimedAt',
        ConditionExpression: 'finishClaim = :token',
        ExpressionAttributeValues: { ':token': token, ...(put && { ':yes': true }) },
      }),
    );
  } catch (error) {
    // Lost the lease to another claimant: it decides from here.
    if (!isConditionFailure(error)) throw error;
  }
};

const putEvent = async (bus: string, report: ReportItem): Promise<void> => {
  const { PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
  const output = await (await eventBridge()).send(
    new PutEventsCommand({
      Entries: [
        {
          Source: SOURCE,
          DetailType: DETAIL_TYPE,
          Detail: JSON.stringify(viewOf(report)),
          EventBusName: bus,
          Resources: [],
        },
      ],
    }),
  );
  if ((output.FailedEntryCount ?? 0) > 0) {
    const entry = output.Entries?.[0];
    throw new FinishedEventError(
      `EventBridge refused the event: ${entry?.ErrorCode ?? 'unknown'} ${entry?.ErrorMessage ?? ''}`.trim(),
    );
  }
};

/**
 * Puts the finished event if `report` (as just read or written) has nothing pending and no event
 * yet. Resolves once the event is put or someone else holds it; throws when the put failed.
 */
const finishIfDone = async (table: string, bus: string, report: ReportItem): Promise<void> => {
  if (report.pending !== 0 || report.finishedEventPut === true) return;
  const token = randomUUID();
  if (!(await claim(table, report, token))) return;
  try {
    await putEvent(bus, report);
  } catch (error) {
    logger.warn('Group fan-out finished event not put; the record goes back to try again', {
      fanoutId: report.fanoutId,
      errorName: errorName(error),
    });
    const released = await settle(table, report.fanoutId, token, false).then(
      () => true,
      () => false,
    );
    throw new FinishedEventError(
      error instanceof FinishedEventError ? error.message : 'The finished event could not be put',
      {
        cause: error,
        ...(!released && { retryAfterSeconds: Math.ceil(CLAIM_LEASE_MS / 1_000) + 1 }),
      },
    );
  }
  // The event is out: a failed mark only leaves the claim to expire, so nothing goes back.
  await settle(table, report.fanoutId, token, true).catch((error: unknown) =>
    logger.warn('Group fan-out finished event put but not marked on the report', {
      fanoutId: report.fanoutId,
      errorName: errorName(error),
    }),
  );
  logger.info('Group fan-out finished', { ...viewOf(report) });
};

/** For tests: the next event makes a new client (after the endpoint changed). */
const clearEventClient = (): void => {
  events = undefined;
};

export { CLAIM_LEASE_MS, clearEventClient, DETAIL_TYPE, FinishedEventError, finishIfDone, SOURCE };

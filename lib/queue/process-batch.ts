import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Command } from '../commands/command.ts';
import { readConfig, readQueueConfig } from '../config.ts';
import { remainingMs } from '../deadline.ts';
import { type Invocation, isRecord, readSqsRecord, type SqsRecordLike } from '../events.ts';
import { fanOutReportsFor, reportFailure } from '../fan-out/batch-reports.ts';
import type { FanOutGroup } from '../fan-out/consumer.ts';
import { logger } from '../logger.ts';
import { MetricUnit, metrics } from '../metrics.ts';
import type { SendBroadcastMsgRequest } from '../schemas/send-broadcast-msg.ts';
import { sendOne } from '../send.ts';
import { countUnder } from '../send-metrics.ts';
import { delayVisibility, requeue } from './give-back.ts';
import { planMerges } from './merge-broadcasts.ts';
import { createPacer, type Pacer } from './pacer.ts';
import { type Failure, RATE_LIMIT_DELAY_SECONDS, visibilityDelaySeconds } from './visibility.ts';

/** Time kept after the last send may start: for that send's attempt and for giving records back. */
const GIVE_BACK_MS = 1_500;
/** How long the container starts nothing after Tencent answers a rate limit. */
const RATE_LIMIT_PAUSE_MS = 1_000;

/** Why a record was not sent, when it goes back to the queue. */
type Unsent = { kind: 'requeue'; delaySeconds: number } | ({ kind: 'failed' } & Failure);

class RecordNotSentError extends Error {
  constructor(code: string) {
    super(`Record not sent: ${code}`);
    this.name = 'RecordNotSentError';
  }
}

let pacer: { key: string; pacer: Pacer } | undefined;

/** One pacer per container, shared by every batch it handles. */
const containerPacer = (sendsPerSecond: number, groupSendsPerSecond: number): Pacer => {
  const key = `${sendsPerSecond}/${groupSendsPerSecond}`;
  if (pacer?.key !== key)
    pacer = { key, pacer: createPacer({ sendsPerSecond, groupSendsPerSecond }) };
  return pacer.pacer;
};

/** Reads the record once; the same result (or error) is what sendOne then reads. */
const readOnce = (record: SqsRecordLike): (() => Invocation) => {
  let outcome: { invocation: Invocation } | { error: unknown };
  try {
    outcome = { invocation: readSqsRecord(record) };
  } catch (error) {
    outcome = { error };
  }
  return () => {
    if ('error' in outcome) throw outcome.error;
    return outcome.invocation;
  };
};

const groupIdOf = (read: () => Invocation): string | undefined => {
  try {
    const { request } = read();
    return isRecord(request) && typeof request.GroupId === 'string' ? request.GroupId : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Queue mode (contract sections 4 and 6): sends each record of an SQS batch through sendOne at
 * the container's pace, with the Powertools batch processor keeping the partial batch response.
 * Records that pacing kept from being sent go back to the queue as new messages; every other
 * record not sent is listed in batchItemFailures.
 */
const processSqsBatch = async <Request extends object>(
  command: Command<Request>,
  event: SQSEvent,
  context: Context,
): Promise<SQSBatchResponse> => {
  const config = await (async () => {
    try {
      return {
        ...readConfig(),
        ...readQueueConfig(),
        reports: await fanOutReportsFor(command.name, event.Records),
      };
    } catch (error) {
      return error as Error;
    }
  })();
  if (config instanceof Error) {
    logger.error('Queue mode is misconfigured; every record goes back', {
      errorMessage: config.message,
    });
    return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
  }
  const stopAt =
    Date.now() +
    remainingMs(context) -
    config.attemptTimeoutMs -
    config.deadlineReserveMs -
    GIVE_BACK_MS;
  const pace = containerPacer(config.sendsPerSecond, config.groupSendsPerSecond);
  const unsent = new Map<string, Unsent>();
  const reads = new Map(event.Records.map((record) => [record.messageId, readOnce(record)]));

  /**
   * One paced send; resolves with why it was not sent, or undefined when it was (or when its
   * fan-out was cancelled: the group is then counted cancelled). A fan-out's group is counted in
   * its report before the record is let go; a report that cannot be written sends it back.
   */
  const pacedSend = async (
    read: () => Invocation,
    fanoutId: string | undefined,
    receiveCount = 1,
  ): Promise<Unsent | undefined> => {
    const groupId = groupIdOf(read);
    const group: FanOutGroup | undefined =
      config.reports && fanoutId !== undefined && groupId !== undefined
        ? { fanoutId, groupId, receiveCount }
        : undefined;
    const { reports } = config;
    try {
      if (group && reports && (await reports.cancelled(group, { fresh: false }))) return undefined;
      if (!(await pace.take(groupId, stopAt))) return { kind: 'requeue', delaySeconds: 0 };
      if (group && reports && (await reports.cancelled(group, { fresh: true }))) return undefined;
    } catch (error) {
      return reportFailure(error, fanoutId);
    }
    const result = await sendOne(command, read, context, {
      eventKind: 'sqs',
      maxRetries: 0,
      ...(fanoutId !== undefined && { fanoutId }),
    });
    if (group && reports) {
      try {
        await reports.record(group, result);
      } catch (error) {
        return reportFailure(error, fanoutId);
      }
    }
    if (result.ok) return undefined;
    if (result.error.code === 'RATE_LIMITED') {
      pace.slowDown(RATE_LIMIT_PAUSE_MS);
      return { kind: 'requeue', delaySeconds: RATE_LIMIT_DELAY_SECONDS };
    }
    return { kind: 'failed', code: result.error.code, ...(result.replayed && { replayed: true }) };
  };

  // Merged broadcasts: one send for the group; its outcome is every member's.
  const mergedSends = new Map<string, () => Promise<Unsent | undefined>>();
  if (command.name === 'send_broadcast_msg' && config.mergeBroadcasts) {
    const candidates = event.Records.map((record) => ({
      messageId: record.messageId,
      read: reads.get(record.messageId) as () => Invocation,
    }));
    const broadcast = command as unknown as Command<SendBroadcastMsgRequest>;
    for (const merged of planMerges(broadcast, candidates)) {
      let outcome: Promise<Unsent | undefined> | undefined;
      const send = () => {
        outcome ??= pacedSend(() => merged.invocation, undefined);
        return outcome;
      };
      for (const id of merged.messageIds) mergedSends.set(id, send);
      logger.info('Broadcasts merged', { records: merged.messageIds.length });
    }
  }

  const sendRecord = async (record: SQSRecord): Promise<void> => {
    const merged = mergedSends.get(record.messageId);
    const why = merged
      ? await merged()
      : await pacedSend(
          reads.get(record.messageId) ?? readOnce(record),
          record.messageAttributes?.fanoutId?.stringValue,
          Number(record.attributes?.ApproximateReceiveCount ?? '1'),
        );
    if (why === undefined) return;
    unsent.set(record.messageId, why);
    throw new RecordNotSentError(why.kind === 'failed' ? why.code : 'NOT_SENT');
  };

  const processor = new BatchProcessor(EventType.SQS);
  const response = await processPartialResponse(event, sendRecord, processor, {
    context,
    throwOnFullBatchFailure: false,
  });
  return giveBack(command.name, event.Records, response, unsent);
};

/** Requeues what pacing held back, and sets when SQS shows each failed record again. */
const giveBack = async (
  commandName: string,
  records: SQSRecord[],
  response: SQSBatchResponse,
  unsent: Map<string, Unsent>,
): Promise<SQSBatchResponse> => {
  const failed = new Set(response.batchItemFailures.map((item) => item.itemIdentifier));
  const byId = new Map(records.map((record) => [record.messageId, record]));
  const toRequeue = new Map<number, SQSRecord[]>();
  for (const [id, why] of unsent) {
    const record = byId.get(id);
    if (why.kind !== 'requeue' || !record || !failed.has(id)) continue;
    toRequeue.set(why.delaySeconds, [...(toRequeue.get(why.delaySeconds) ?? []), record]);
  }
  const requeued = new Set<string>();
  for (const [delay, group] of toRequeue) {
    for (const id of await requeue(group, delay)) requeued.add(id);
  }
  const stillFailed = [...failed].filter((id) => !requeued.has(id));
  await delayVisibility(
    stillFailed.flatMap((id) => {
      const record = byId.get(id);
      if (!record) return [];
      const why = unsent.get(id);
      const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
      const seconds =
        why?.kind === 'requeue'
          ? why.delaySeconds
          : visibilityDelaySeconds(why ?? { code: 'INTERNAL_ERROR' }, receiveCount);
      return [{ record, seconds }];
    }),
  );
  // Counted on every batch, so that a batch that sent nothing still has its metrics.
  countUnder(commandName);
  metrics.addMetric('QueueRecordsRequeued', MetricUnit.Count, requeued.size);
  metrics.addMetric('QueueRecordsReturned', MetricUnit.Count, stillFailed.length);
  if (requeued.size > 0 || stillFailed.length > 0) {
    logger.info('Batch answered', {
      records: records.length,
      requeued: requeued.size,
      failed: stillFailed.length,
    });
  }
  return { batchItemFailures: stillFailed.map((itemIdentifier) => ({ itemIdentifier })) };
};

/** For tests: the next batch makes a new pacer. */
const clearPacer = (): void => {
  pacer = undefined;
};

export { clearPacer, processSqsBatch };

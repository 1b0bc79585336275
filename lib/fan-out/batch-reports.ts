import type { SQSRecord } from 'aws-lambda';
import { readFanOutConfig } from '../config.ts';
import { logger } from '../logger.ts';
import { errorName } from '../unexpected.ts';
import type { FanOutReports } from './consumer.ts';

/** What lib/queue/process-batch.ts asks of the fan-out reports for one batch. */

/** The fan-out reports, when the batch holds a fan-out's records and the table is set. */
const fanOutReportsFor = async (
  commandName: string,
  records: SQSRecord[],
): Promise<FanOutReports | undefined> => {
  if (commandName !== 'send_group_msg') return undefined;
  if (!records.some((record) => record.messageAttributes?.fanoutId?.stringValue)) return undefined;
  const config = readFanOutConfig();
  if (config.table === undefined) return undefined;
  const { createFanOutReports } = await import('./consumer.ts');
  return createFanOutReports({ ...config, table: config.table });
};

/**
 * The fan-out report could not be read or written: the record comes back later, not before the
 * error's `retryAfterSeconds` when it has one (a finished event's claim that is still held).
 */
const reportFailure = (
  error: unknown,
  fanoutId: string | undefined,
): { kind: 'failed'; code: 'UPSTREAM_UNAVAILABLE'; notBeforeSeconds?: number } => {
  logger.warn('Fan-out report not updated; the record goes back to the queue', {
    fanoutId,
    errorName: errorName(error),
    errorMessage: error instanceof Error ? error.message : String(error),
  });
  // Read by its shape: lib/fan-out/finished-event.ts is loaded only with the consumer.
  const notBefore = (error as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return {
    kind: 'failed',
    code: 'UPSTREAM_UNAVAILABLE',
    ...(typeof notBefore === 'number' && { notBeforeSeconds: notBefore }),
  };
};

export { fanOutReportsFor, reportFailure };

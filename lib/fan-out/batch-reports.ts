import type { SQSRecord } from 'aws-lambda';
import { readFanOutConfig } from '../config.ts';
import { logger } from '../logger.ts';
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

/** The fan-out report could not be read or written: the record comes back later. */
const reportFailure = (
  error: unknown,
  fanoutId: string | undefined,
): { kind: 'failed'; code: 'UPSTREAM_UNAVAILABLE' } => {
  logger.warn('Fan-out report not updated; the record goes back to the queue', {
    fanoutId,
    errorName: error instanceof Error ? error.name : typeof error,
    errorMessage: error instanceof Error ? error.message : String(error),
  });
  return { kind: 'failed', code: 'UPSTREAM_UNAVAILABLE' };
};

export { fanOutReportsFor, reportFailure };

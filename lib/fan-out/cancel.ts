import { setTimeout as sleep } from 'node:timers/promises';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SendError } from '../errors.ts';
import { logger } from '../logger.ts';
import { CANCEL_SETTLE_MS } from './cancellation.ts';
import { readReport } from './record-outcome.ts';
import { isConditionFailure, reportClient, reportKey } from './report-items.ts';
import { type ReportPage, readReportPage } from './report-read.ts';

/**
 * Cancels what a fan-out has not sent yet (contract section 10): marks the report cancelled while
 * something is pending, then waits CANCEL_SETTLE_MS before answering, the time every consumer's
 * view of the report is allowed to lag (lib/fan-out/cancellation.ts). After this answers, no
 * send of the fan-out starts. Cancelling again while groups are pending answers the same way.
 */
const cancelFanOut = async (table: string, fanoutId: string): Promise<ReportPage> => {
  const client = await reportClient();
  try {
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: { id: reportKey(fanoutId) },
        UpdateExpression: 'SET cancelledAt = if_not_exists(cancelledAt, :now)',
        ConditionExpression: 'attribute_exists(id) AND pending > :zero',
        ExpressionAttributeValues: { ':now': new Date().toISOString(), ':zero': 0 },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const report = await readReport(table, fanoutId);
    if (!report)
      throw new SendError('NOT_FOUND', `No fan-out ${JSON.stringify(fanoutId)} is known`);
    throw new SendError(
      'FANOUT_FINISHED',
      `Fan-out ${JSON.stringify(fanoutId)} has nothing left to send (${report.sent} sent, ${report.failed} failed, ${report.cancelled} cancelled)`,
    );
  }
  logger.info('Group fan-out cancelled', { fanoutId });
  await sleep(CANCEL_SETTLE_MS);
  return readReportPage(table, fanoutId, undefined);
};

export { cancelFanOut };

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { readFanOutConfig } from '../config.ts';
import { SendError } from '../errors.ts';
import { logger } from '../logger.ts';
import { errorName } from '../unexpected.ts';
import { isConditionFailure, type ReportItem, reportClient, reportKey } from './report-items.ts';

/**
 * Creates a fan-out's report before its messages are queued, so that the consumer always finds
 * it. A fan-out repeated under the same key keeps the report it has (its counts go on).
 * Does nothing when TENCENT_CHAT_FANOUT_TABLE is not set.
 */
const createReport = async (fanoutId: string, total: number): Promise<void> => {
  const { table, reportLifetimeSeconds } = readFanOutConfig();
  if (table === undefined) return;
  const now = Date.now();
  const item: ReportItem = {
    id: reportKey(fanoutId),
    fanoutId,
    total,
    sent: 0,
    failed: 0,
    cancelled: 0,
    pending: total,
    createdAt: new Date(now).toISOString(),
    expiration: Math.floor(now / 1000) + reportLifetimeSeconds,
  };
  try {
    const client = await reportClient();
    await client.send(
      new PutCommand({
        TableName: table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return;
    logger.error('Fan-out report not created: nothing was queued', {
      fanoutId,
      errorName: errorName(error),
    });
    throw new SendError(
      'UPSTREAM_UNAVAILABLE',
      `The fan-out report table could not be written; nothing was queued (fan-out ${fanoutId})`,
    );
  }
};

export { createReport };

import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  countingAttribute,
  type FailureItem,
  failureKey,
  type GroupItem,
  groupKey,
  isConditionFailure,
  type Outcome,
  type ReportItem,
  reportClient,
  reportKey,
} from './report-items.ts';

/**
 * Counts one group's outcome in its fan-out's report exactly once, whatever SQS does
 * (docs/fan-out-reports.md has the reasoning). With conditional writes to single items only:
 * 1. put the group item, `counted: false`, if none exists (the first outcome wins; a later one
 *    reads the stored outcome and finishes counting it);
 * 2. count it on the report, conditional on the report not yet holding `c#<GroupId>`, which the
 *    same update sets (for a failure: to the failure's number, the new `failed`);
 * 3. for a failure, put the failure item under that number;
 * 4. mark the group item counted; 5. remove `c#<GroupId>` from the report.
 * A crash between any two steps leaves what the next delivery needs to finish without counting
 * twice. Five writes for a failure, four otherwise; a repeat costs one write and two reads.
 */

interface RecordTarget {
  table: string;
  lifetimeSeconds: number;
  fanoutId: string;
  groupId: string;
}

type Recorded =
  | { status: 'counted'; report: ReportItem }
  | { status: 'already'; report: ReportItem }
  | { status: 'no-report' };

const readReport = async (table: string, fanoutId: string): Promise<ReportItem | undefined> => {
  const client = await reportClient();
  const { Item } = await client.send(
    new GetCommand({ TableName: table, Key: { id: reportKey(fanoutId) }, ConsistentRead: true }),
  );
  return Item as ReportItem | undefined;
};

/** Step 1: the stored outcome (ours, or the first one), and whether it is already counted. */
const claimGroup = async (
  target: RecordTarget,
  outcome: Outcome,
): Promise<{ outcome: Outcome; counted: boolean }> => {
  const client = await reportClient();
  const item: GroupItem = {
    id: groupKey(target.fanoutId, target.groupId),
    ...outcome,
    counted: false,
    expiration: Math.floor(Date.now() / 1000) + target.lifetimeSeconds,
  };
  try {
    await client.send(
      new PutCommand({
        TableName: target.table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
    return { outcome, counted: false };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const { Item } = await client.send(
    new GetCommand({ TableName: target.table, Key: { id: item.id }, ConsistentRead: true }),
  );
  const stored = Item as GroupItem;
  const first: Outcome =
    stored.outcome === 'failed'
      ? {
          outcome: 'failed',
          code: stored.code ?? 'INTERNAL_ERROR',
          ...(stored.tencentCode !== undefined && { tencentCode: stored.tencentCode }),
        }
      : { outcome: stored.outcome };
  return { outcome: first, counted: stored.counted };
};

/** Step 2: the report after counting, or the report as found when this group was counted already. */
const countOnReport = async (
  target: RecordTarget,
  outcome: Outcome['outcome'],
): Promise<ReportItem | undefined> => {
  const client = await reportClient();
  const counter = outcome;
  const update =
    outcome === 'failed'
      ? 'SET #c = failed + :one, failed = failed + :one, pending = pending - :one, lastCountedAt = :now'
      : `SET #c = :one, #n = #n + :one, pending = pending - :one, lastCountedAt = :now`;
  try {
    const { Attributes } = await client.send(
      new UpdateCommand({
        TableName: target.table,
        Key: { id: reportKey(target.fanoutId) },
        UpdateExpression: update,
        ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(#c)',
        ExpressionAttributeNames: {
          '#c': countingAttribute(target.groupId),
          ...(outcome !== 'failed' && { '#n': counter }),
        },
        ExpressionAttributeValues: { ':one': 1, ':now': new Date().toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes as ReportItem;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return readReport(target.table, target.fanoutId);
  }
};

/** Step 5: the report forgets the group's counting attribute. */
const forget = async (target: RecordTarget): Promise<void> => {
  const client = await reportClient();
  await client.send(
    new UpdateCommand({
      TableName: target.table,
      Key: { id: reportKey(target.fanoutId) },
      UpdateExpression: 'REMOVE #c',
      ExpressionAttributeNames: { '#c': countingAttribute(target.groupId) },
    }),
  );
};

const recordOutcome = async (target: RecordTarget, given: Outcome): Promise<Recorded> => {
  const client = await reportClient();
  const { outcome, counted } = await claimGroup(target, given);
  if (counted) {
    const report = await readReport(target.table, target.fanoutId);
    if (!report) return { status: 'no-report' };
    // Step 5 did not happen: finish it, so that the report does not keep the attribute.
    if (report[countingAttribute(target.groupId)] !== undefined) await forget(target);
    return { status: 'already', report };
  }
  const report = await countOnReport(target, outcome.outcome);
  if (!report) return { status: 'no-report' };
  const attribute = countingAttribute(target.groupId);
  const number = report[attribute];
  // Counted, and marked so, by a concurrent delivery of the same group between steps 2 and 5.
  if (number === undefined) return { status: 'already', report };
  if (outcome.outcome === 'failed') {
    const failure: FailureItem = {
      id: failureKey(target.fanoutId, number),
      GroupId: target.groupId,
      code: outcome.code,
      ...(outcome.tencentCode !== undefined && { tencentCode: outcome.tencentCode }),
      expiration: report.expiration,
    };
    await client.send(new PutCommand({ TableName: target.table, Item: failure }));
  }
  await client.send(
    new UpdateCommand({
      TableName: target.table,
      Key: { id: groupKey(target.fanoutId, target.groupId) },
      UpdateExpression: 'SET counted = :yes',
      ExpressionAttributeValues: { ':yes': true },
    }),
  );
  await forget(target);
  const { [attribute]: _done, ...rest } = report;
  return { status: 'counted', report: rest as ReportItem };
};

export type { Recorded, RecordTarget };
export { readReport, recordOutcome };

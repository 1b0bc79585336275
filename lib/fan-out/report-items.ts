import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The items of the fan-out table (docs/fan-out-reports.md), all under the partition key `id`:
 * - the report, `id = <fanoutId>`: counters, timestamps, the finished event's claim and mark;
 * - one item per group that has an outcome, `id = <fanoutId>#group#<GroupId>` (first outcome wins);
 * - one item per failure, `id = <fanoutId>#failure#<n>`, n = 1, 2, … numbered by the failed counter,
 *   so that failures are read back a page at a time with BatchGetItem.
 * The fanoutId is URI-encoded in the keys, so it never contains the `#` that separates the parts.
 */

type Outcome =
  | { outcome: 'sent' }
  | { outcome: 'cancelled' }
  | { outcome: 'failed'; code: string; tencentCode?: number };

interface ReportItem {
  id: string;
  fanoutId: string;
  total: number;
  sent: number;
  failed: number;
  cancelled: number;
  pending: number;
  createdAt: string;
  expiration: number;
  cancelledAt?: string;
  /** When the last group was counted: the finish time once pending is 0. */
  lastCountedAt?: string;
  finishClaim?: string;
  finishClaimedAt?: number;
  finishedEventPut?: boolean;
  /** `c#<GroupId>`: a group being counted (removed once its group item is marked counted). */
  [counting: `c#${string}`]: number;
}

interface GroupItem {
  id: string;
  outcome: Outcome['outcome'];
  code?: string;
  tencentCode?: number;
  counted: boolean;
  expiration: number;
}

interface FailureItem {
  id: string;
  GroupId: string;
  code: string;
  tencentCode?: number;
  expiration: number;
}

/** The report as callers see it (contract section 10), without the failures. */
interface ReportView {
  fanoutId: string;
  state: 'sending' | 'done' | 'cancelled';
  total: number;
  sent: number;
  failed: number;
  cancelled: number;
  pending: number;
  createdAt: string;
  cancelledAt?: string;
  finishedAt?: string;
}

const encoded = (fanoutId: string): string => encodeURIComponent(fanoutId);
const reportKey = (fanoutId: string): string => encoded(fanoutId);
const groupKey = (fanoutId: string, groupId: string): string =>
  `${encoded(fanoutId)}#group#${groupId}`;
const failureKey = (fanoutId: string, n: number): string => `${encoded(fanoutId)}#failure#${n}`;
const countingAttribute = (groupId: string): `c#${string}` => `c#${groupId}`;

const viewOf = (item: ReportItem): ReportView => ({
  fanoutId: item.fanoutId,
  state: item.cancelledAt !== undefined ? 'cancelled' : item.pending > 0 ? 'sending' : 'done',
  total: item.total,
  sent: item.sent,
  failed: item.failed,
  cancelled: item.cancelled,
  pending: item.pending,
  createdAt: item.createdAt,
  ...(item.cancelledAt !== undefined && { cancelledAt: item.cancelledAt }),
  ...(item.pending === 0 && { finishedAt: item.lastCountedAt ?? item.createdAt }),
});

/** A few tries of the SDK's own backoff for each call, each call bounded. */
const CLIENT_CONFIG = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
};

let client: Promise<DynamoDBDocumentClient> | undefined;

/** The document client, loaded on first use: a container that keeps no report never loads it. */
const reportClient = (): Promise<DynamoDBDocumentClient> => {
  client ??= Promise.all([
    import('@aws-sdk/client-dynamodb'),
    import('@aws-sdk/lib-dynamodb'),
  ]).then(([{ DynamoDBClient }, { DynamoDBDocumentClient }]) =>
    DynamoDBDocumentClient.from(new DynamoDBClient(CLIENT_CONFIG), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  );
  return client;
};

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** For tests: the next call makes a new client (after the endpoint changed). */
const clearReportClient = (): void => {
  client = undefined;
};

export type { FailureItem, GroupItem, Outcome, ReportItem, ReportView };
export {
  clearReportClient,
  countingAttribute,
  failureKey,
  groupKey,
  isConditionFailure,
  reportClient,
  reportKey,
  viewOf,
};

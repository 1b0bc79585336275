import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidRequestError, SendError } from '../errors.ts';
import { readReport } from './record-outcome.ts';
import {
  type FailureItem,
  failureKey,
  type ReportView,
  reportClient,
  viewOf,
} from './report-items.ts';

/** The most failures one answer lists (contract section 10). */
const FAILURES_PER_PAGE = 1_000;
/** BatchGetItem takes at most 100 keys. */
const BATCH_GET = 100;

interface ListedFailure {
  GroupId: string;
  code: string;
  tencentCode?: number;
}

interface ReportPage extends ReportView {
  failures: ListedFailure[];
  nextCursor?: string;
}

/** A cursor is the number of the next failure to list, opaque to callers. */
const cursorOf = (next: number): string => Buffer.from(`f${next}`).toString('base64url');

const readCursor = (cursor: string | undefined): number => {
  if (cursor === undefined) return 1;
  const match = /^f([1-9][0-9]{0,8})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw new InvalidRequestError([
      { path: 'cursor', message: 'is not a cursor this API gave (pass nextCursor as given)' },
    ]);
  }
  return Number(match[1]);
};

const readFailures = async (
  table: string,
  fanoutId: string,
  from: number,
  to: number,
): Promise<ListedFailure[]> => {
  const client = await reportClient();
  const numbers = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  const found = new Map<string, FailureItem>();
  const chunks: Record<string, unknown>[][] = [];
  for (let start = 0; start < numbers.length; start += BATCH_GET) {
    chunks.push(
      numbers.slice(start, start + BATCH_GET).map((n) => ({ id: failureKey(fanoutId, n) })),
    );
  }
  await Promise.all(
    chunks.map(async (keys) => {
      let wanted = keys;
      for (let round = 0; wanted.length > 0; round++) {
        if (round === 4) throw new SendError('UPSTREAM_UNAVAILABLE', 'The report table is busy');
        const output = await client.send(
          new BatchGetCommand({
            RequestItems: { [table]: { Keys: wanted, ConsistentRead: true } },
          }),
        );
        for (const item of (output.Responses?.[table] ?? []) as FailureItem[]) {
          found.set(item.id, item);
        }
        wanted = (output.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
      }
    }),
  );
  // A failure being written right now (counted, its item not yet put) shows on a later read.
  return numbers.flatMap((n) => {
    const item = found.get(failureKey(fanoutId, n));
    if (!item) return [];
    return [
      {
        GroupId: item.GroupId,
        code: item.code,
        ...(item.tencentCode !== undefined && { tencentCode: item.tencentCode }),
      },
    ];
  });
};

/** The report with one page of failures; NOT_FOUND for an unknown fan-out. */
const readReportPage = async (
  table: string,
  fanoutId: string,
  cursor: string | undefined,
): Promise<ReportPage> => {
  const from = readCursor(cursor);
  const item = await readReport(table, fanoutId);
  if (!item) throw new SendError('NOT_FOUND', `No fan-out ${JSON.stringify(fanoutId)} is known`);
  const to = Math.min(item.failed, from + FAILURES_PER_PAGE - 1);
  const failures = await readFailures(table, fanoutId, from, to);
  return {
    ...viewOf(item),
    failures,
    ...(to < item.failed && { nextCursor: cursorOf(to + 1) }),
  };
};

export type { ListedFailure, ReportPage };
export { FAILURES_PER_PAGE, readReportPage };

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { reportClient, reportKey } from './report-items.ts';

/**
 * Whether a fan-out was cancelled, as the consumer asks before each send (contract section 10).
 * The promise: once a cancel has answered, no send of that fan-out starts. The cancel answers
 * CANCEL_SETTLE_MS after its write; a send may start only on a read that began at most
 * FRESH_FOR_MS ago (< CANCEL_SETTLE_MS). So a send starting after the cancel answered rests on a
 * read that began after the cancel's write, and a consistent read sees it. Reads are shared by
 * every record of the fan-out in the container: about one GetItem per fan-out per FRESH_FOR_MS,
 * not one per record. A cancellation is final, so a cached "cancelled" never needs a new read.
 */

const FRESH_FOR_MS = 500;
const CANCEL_SETTLE_MS = 1_000;

interface FanOutState {
  /** The report exists (a fan-out queued before reports, or expired, has none). */
  exists: boolean;
  cancelled: boolean;
}

interface Read {
  startedAt: number;
  state: Promise<FanOutState>;
}

const reads = new Map<string, Read>();

const readState = async (table: string, fanoutId: string): Promise<FanOutState> => {
  const client = await reportClient();
  const { Item } = await client.send(
    new GetCommand({
      TableName: table,
      Key: { id: reportKey(fanoutId) },
      ConsistentRead: true,
      ProjectionExpression: 'id, cancelledAt',
    }),
  );
  return { exists: Item !== undefined, cancelled: Item?.cancelledAt !== undefined };
};

/**
 * The fan-out's state; `fresh` asks for a read begun within FRESH_FOR_MS (just before a send),
 * otherwise any cached answer will do (to skip cancelled records without taking a send slot).
 */
const fanOutState = async (
  table: string,
  fanoutId: string,
  { fresh }: { fresh: boolean },
): Promise<FanOutState> => {
  const key = `${table}|${fanoutId}`;
  const cached = reads.get(key);
  if (cached) {
    const known = await cached.state.catch(() => undefined);
    const young = performance.now() - cached.startedAt <= FRESH_FOR_MS;
    if (known?.cancelled || (known && (!fresh || young))) return known;
  }
  const again = reads.get(key);
  if (again && again !== cached && performance.now() - again.startedAt <= FRESH_FOR_MS) {
    return again.state;
  }
  const read: Read = { startedAt: performance.now(), state: readState(table, fanoutId) };
  reads.set(key, read);
  read.state.catch(() => {
    if (reads.get(key) === read) reads.delete(key);
  });
  if (reads.size > 1_000) reads.delete(reads.keys().next().value as string);
  return read.state;
};

/** For tests: forget every cached state. */
const clearFanOutStates = (): void => {
  reads.clear();
};

export type { FanOutState };
export { CANCEL_SETTLE_MS, clearFanOutStates, FRESH_FOR_MS, fanOutState };

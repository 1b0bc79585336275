import { round } from './report.ts';

/**
 * What a fan-out's report cost in the burst benchmark: the fan-out table's operations during the
 * fan-out (from the DynamoDB stand-in's counts), per group, and the time from the last message
 * Tencent took to the "Group fan-out finished" event.
 */

interface ReportFigures {
  operations: Record<string, number>;
  finishedEvents: number;
  lastSendToEventMs: number | undefined;
}

const WRITES = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'];
const READS = ['GetItem', 'BatchGetItem', 'Query', 'Scan'];

const sum = (figures: ReportFigures, names: string[]) =>
  names.reduce((total, name) => total + (figures.operations[name] ?? 0), 0);

const reportCost = (before: ReportFigures, after: ReportFigures, groups: number) => {
  const writes = sum(after, WRITES) - sum(before, WRITES);
  const reads = sum(after, READS) - sum(before, READS);
  return {
    writes,
    writesPerGroup: round(writes / groups),
    reads,
    readsPerGroup: round(reads / groups),
    finishedEvents: after.finishedEvents - before.finishedEvents,
    lastSendToEventMs: after.lastSendToEventMs,
  };
};

export type { ReportFigures };
export { reportCost };

import { SqsError } from './errors.ts';

/**
 * What every *Batch action shares: the request-level checks SQS makes before any entry (empty,
 * more than 10, ids repeated or malformed) and the per-entry Successful/Failed bookkeeping, where
 * an entry that fails never fails the others.
 */

interface BatchEntry {
  Id: string;
  [key: string]: unknown;
}

interface FailedEntry {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message: string;
}

const ENTRY_ID = /^[\w-]{1,80}$/;
const MAX_ENTRIES = 10;

const checkBatch = (entries: unknown): BatchEntry[] => {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new SqsError('EmptyBatchRequest', 'There should be at least one entry in the request.');
  }
  if (entries.length > MAX_ENTRIES) {
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_ENTRIES}. You have sent ${entries.length}.`,
    );
  }
  const ids = new Set<string>();
  for (const entry of entries as Partial<BatchEntry>[]) {
    const id = entry?.Id;
    if (typeof id !== 'string' || !ENTRY_ID.test(id)) {
      throw new SqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    }
    if (ids.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    ids.add(id);
  }
  return entries as BatchEntry[];
};

/**
 * Runs each entry; the first `failEntries` report an injected retryable failure (SenderFault false)
 * without being applied, as SQS does when part of a batch fails on its side.
 */
const runBatch = async <T extends object>(
  entries: BatchEntry[],
  run: (entry: BatchEntry) => T | Promise<T>,
  failEntries = 0,
): Promise<{ Successful: (T & { Id: string })[]; Failed: FailedEntry[] }> => {
  const Successful: (T & { Id: string })[] = [];
  const Failed: FailedEntry[] = [];
  for (const [index, entry] of entries.entries()) {
    if (index < failEntries) {
      Failed.push({
        Id: entry.Id,
        SenderFault: false,
        Code: 'InternalError',
        Message: 'Injected by the stand-in: the entry was not applied; retry it.',
      });
      continue;
    }
    try {
      Successful.push({ Id: entry.Id, ...(await run(entry)) });
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      Failed.push(error.toBatchEntry(entry.Id));
    }
  }
  return { Successful, Failed };
};

export type { BatchEntry, FailedEntry };
export { checkBatch, runBatch };

import type { ErrorCode } from '../errors.ts';

/**
 * When SQS shows a failed record again (README, "Queue mode"). A record that cannot succeed on
 * a retry (a bad request, a key already used for another request, or a failure the idempotency
 * table answers again under its key) comes back at once, so it reaches the dead-letter queue
 * after the receive limit without waiting; anything else backs off with its receive count, so
 * that the queue's receive limit spans a long Tencent outage (5 s, 10 s, 20 s, … up to 15 minutes).
 */
const FIRST_DELAY_SECONDS = 5;
const MAX_DELAY_SECONDS = 900;

const NEVER_BETTER: ReadonlySet<string> = new Set<ErrorCode>([
  'INVALID_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'IDEMPOTENCY_CONFLICT',
]);

/** Why a record failed, as far as its next visibility is concerned. */
interface Failure {
  code: string;
  /** Answered from the idempotency table: every later receive gets the same answer. */
  replayed?: true;
  /** The record must stay hidden at least this long (a finished event's claim still held). */
  notBeforeSeconds?: number;
}

const visibilityDelaySeconds = (
  { code, replayed, notBeforeSeconds = 0 }: Failure,
  receiveCount: number,
): number => {
  if (replayed || NEVER_BETTER.has(code)) return 0;
  const exponent = Math.max(0, Math.min(20, receiveCount - 1));
  const backoff = FIRST_DELAY_SECONDS * 2 ** exponent;
  return Math.min(MAX_DELAY_SECONDS, Math.max(backoff, notBeforeSeconds));
};

/** A rate-limited record is requeued this many seconds later (Tencent counts per second). */
const RATE_LIMIT_DELAY_SECONDS = 1;

export { type Failure, RATE_LIMIT_DELAY_SECONDS, visibilityDelaySeconds };

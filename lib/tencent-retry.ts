import { isHTTPError, isTimeoutError } from 'ky';
import { ConnectionFailure } from './connections.ts';
import { isSendError, SendError } from './errors.ts';
import { isCredentialRejection, LIVE_ROOM_RETRYABLE_CODES } from './tencent-codes.ts';

/**
 * Which failed attempts are tried again, and when: the contract's section 6 as one table and one
 * function, which the Tencent client's ky hooks consult (lib/tencent-client.ts).
 *
 * | failure of one attempt                               | group, broadcast | live room         |
 * |------------------------------------------------------|------------------|-------------------|
 * | HTTP 408, 429, 500, 502, 503, 504                    | retried          | not retried       |
 * | reply RATE_LIMITED / UPSTREAM_UNAVAILABLE / _TIMEOUT | retried          | 100001, 100602    |
 * | timeout once the connection was set up               | retried          | not retried       |
 * | connection failure before anything was sent          | retried          | retried           |
 * | connection reset after the request was sent          | retried          | not retried       |
 * | signature or identity refused (700xx, 6000x)         | refresh, once    | refresh, once     |
 * | anything else                                        | not retried      | not retried       |
 *
 * A group command's Random makes a repeat harmless (Tencent discards the copy); a live-room
 * message has none, so it is sent again only when the failure shows Tencent did not take it.
 * Retries wait a full-jitter, capped exponential backoff, at least one second after a rate limit
 * (on top of Retry-After when the server sends one), and only when the wait and a short attempt
 * still fit the send's budget; otherwise the last failure is the answer. The one signature
 * refresh happens at once and uses up none of the failure retries.
 */

/** HTTP statuses a group send retries; live rooms retry none. */
const RETRIED_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);
/** A rate limit is never retried sooner than this. */
const RATE_LIMIT_MIN_DELAY_MS = 1_000;
/** A retry needs at least this long (or the attempt timeout, if shorter) before the deadline. */
const SHORTEST_USEFUL_ATTEMPT_MS = 100;

/** One failed attempt, as the policy sees it. */
interface AttemptFailure {
  error: SendError;
  /** Retried for a group command, whose Random makes a repeat harmless. */
  groupRetries: boolean;
  /** Retried for a live-room command: the failure shows Tencent did not take the message. */
  liveRoomRetries: boolean;
  /** Tencent may have received the request (a timeout or reset after sending, a 504). */
  mayHaveReached: boolean;
  /** The server's Retry-After, in milliseconds. */
  retryAfterMs?: number;
}

/** What the policy knows and counts of one send. */
interface RetryState {
  group: boolean;
  /** Epoch milliseconds by which the send must be over. */
  deadline: number;
  attemptTimeoutMs: number;
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  failureRetries: number;
  /** The one signature refresh has been used. */
  refreshed: boolean;
  /** An attempt may have reached Tencent: if the send fails, its outcome is unknown. */
  outcomeUnknown: boolean;
}

type Decision = { retry: false } | { retry: true; delayMs: number; refresh: boolean };

const statusFailure = (status: number): SendError => {
  if (status === 429)
    return new SendError('RATE_LIMITED', 'Tencent answered HTTP 429 (too many requests)');
  const code = status >= 500 || status === 408 ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_ERROR';
  return new SendError(code, `Tencent answered HTTP ${status}`);
};

/** Retry-After in seconds or as a date, in milliseconds; undefined when absent or malformed. */
const retryAfterMs = (header: string | null): number | undefined => {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
};

/** A reply whose body reports a failure (HTTP 200 with a non-zero ErrorCode, or a drop). */
const replyFailure = (error: SendError): AttemptFailure => ({
  error,
  groupRetries: error.retryable,
  liveRoomRetries: LIVE_ROOM_RETRYABLE_CODES.has(error.tencentCode ?? 0),
  mayHaveReached: false,
});

/**
 * Anything ky threw for an attempt (HTTPError, TimeoutError, the transport's errors).
 * `connected`: the last attempt got as far as a set-up connection.
 */
const errorFailure = (error: unknown, connected: boolean): AttemptFailure | undefined => {
  if (isHTTPError(error)) {
    const { status, headers } = error.response;
    return {
      error: statusFailure(status),
      groupRetries: RETRIED_STATUSES.has(status),
      liveRoomRetries: false,
      mayHaveReached: status === 504,
      retryAfterMs:
        status === 429 || status === 503 ? retryAfterMs(headers.get('retry-after')) : undefined,
    };
  }
  if (isTimeoutError(error)) {
    // ky's timer rejects before the transport can tell whether the request was sent: a request
    // still waiting for its connection carried nothing, and may be sent again.
    const sent = connected;
    return {
      error: sent
        ? new SendError('UPSTREAM_TIMEOUT', 'Tencent did not answer within the time budget')
        : new SendError(
            'UPSTREAM_UNAVAILABLE',
            'Could not reach Tencent (connection not set up in time)',
          ),
      groupRetries: true,
      liveRoomRetries: !sent,
      mayHaveReached: sent,
    };
  }
  if (error instanceof ConnectionFailure) {
    return {
      error: new SendError('UPSTREAM_UNAVAILABLE', `Could not reach Tencent (${error.reason})`),
      groupRetries: true,
      liveRoomRetries: !error.mayHaveReachedServer,
      mayHaveReached: error.mayHaveReachedServer,
    };
  }
  if (isSendError(error)) return replyFailure(error);
  return undefined;
};

const fitsBudget = (state: RetryState, delayMs: number): boolean =>
  Date.now() + delayMs + Math.min(state.attemptTimeoutMs, SHORTEST_USEFUL_ATTEMPT_MS) <
  state.deadline;

/** Whether to try `failure` again, and after how long; counts the retry it allows. */
const decideRetry = (state: RetryState, failure: AttemptFailure): Decision => {
  if (failure.mayHaveReached) state.outcomeUnknown = true;
  if (isCredentialRejection(failure.error.tencentCode ?? 0)) {
    if (state.refreshed || !fitsBudget(state, 0)) return { retry: false };
    state.refreshed = true;
    return { retry: true, delayMs: 0, refresh: true };
  }
  state.failureRetries += 1;
  const rateLimited = failure.error.code === 'RATE_LIMITED';
  const delayMs =
    (rateLimited ? RATE_LIMIT_MIN_DELAY_MS : 0) +
    (failure.retryAfterMs !== undefined
      ? Math.min(state.backoffMaxMs, failure.retryAfterMs)
      : Math.random() *
        Math.min(state.backoffMaxMs, state.backoffBaseMs * 2 ** (state.failureRetries - 1)));
  const retryable = state.group ? failure.groupRetries : failure.liveRoomRetries;
  if (!retryable || state.failureRetries > state.maxRetries || !fitsBudget(state, delayMs)) {
    return { retry: false };
  }
  return { retry: true, delayMs, refresh: false };
};

export type { AttemptFailure, Decision, RetryState };
export { decideRetry, errorFailure };

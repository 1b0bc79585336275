import type { Command } from './commands/command.ts';
import { fetchOverKeptConnections } from './connections.ts';
import { beforeDeadline } from './deadline.ts';
import { isSendError, SendError } from './errors.ts';
import { freshRandom } from './idempotency.ts';
import { isCredentialRejection, LIVE_ROOM_RETRYABLE_CODES } from './tencent-codes.ts';
import { failureOfReply, parseReply, type TencentReply } from './tencent-reply.ts';
import type { SignedIdentity } from './usersig.ts';

interface RetryPolicy {
  attemptTimeoutMs: number;
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** What the client needs of a command: where it goes and whether Tencent de-duplicates it. */
type CommandTarget = Pick<Command, 'name' | 'service' | 'deduplicatedByRandom'>;

interface SendRequest extends RetryPolicy {
  baseUrl: string;
  command: CommandTarget;
  body: object;
  /** Time left for the whole send, retries included. */
  budgetMs: number;
  /** The signed admin identity; `refresh` fetches the secret again and signs anew. */
  identity: (options: { refresh: boolean }) => Promise<SignedIdentity>;
}

/** Counted while the send runs, so that a failed send can be logged with its attempts too. */
interface SendProgress {
  attempts: number;
  /** Time spent calling Tencent, retries and backoff included. */
  upstreamMs?: number;
  /**
   * Set when an attempt failed after Tencent may have received it (a timeout, a reset after
   * sending, a gateway timeout): if the send fails, nobody knows whether Tencent took the message.
   */
  outcomeUnknown?: boolean;
}

/** A rate limit is never retried sooner than this (contract section 6). */
const RATE_LIMIT_MIN_DELAY_MS = 1_000;

/** Connection failures that happen before a byte of the request is sent. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const errorCodesInChain = (error: unknown): string[] => {
  const codes: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 5 || typeof value !== 'object' || value === null) return;
    const { code, cause, errors } = value as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') codes.push(code);
    visit(cause, depth + 1);
    if (Array.isArray(errors)) for (const inner of errors) visit(inner, depth + 1);
  };
  visit(error, 0);
  return codes;
};

const failedBeforeSending = (error: unknown): boolean => {
  const codes = errorCodesInChain(error);
  return codes.length > 0 && codes.every((code) => NOT_SENT_CODES.has(code));
};

// The URL carries the UserSig: it is built here and never put into a message or a log.
const commandUrl = (baseUrl: string, command: CommandTarget, identity: SignedIdentity): string => {
  const query = new URLSearchParams({
    sdkappid: String(identity.sdkAppId),
    identifier: identity.identifier,
    usersig: identity.userSig,
    random: String(freshRandom()),
    contenttype: 'json',
  });
  return `${baseUrl}/v4/${command.service}/${command.name}?${query}`;
};

/** HTTP statuses a group send retries (Random makes a repeat harmless); live rooms retry none. */
const RETRIED_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const JSON_HEADERS = { 'content-type': 'application/json' };

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

const isTimeout = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');

/** One attempt's outcome: the reply, or a failure and whether it may be retried, and when. */
type Attempt =
  | { reply: TencentReply }
  | { failure: SendError; retryable: boolean; floorMs?: number; afterMs?: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one command and returns Tencent's reply, or throws a SendError. The attempts, timeouts,
 * backoff with full jitter and the retries decided from the reply's body are a small loop on
 * fetch rather than ky: ky's hooks cost a clone of every request and response (a tee of each body
 * stream), about 0.3 ms of CPU a send, and the policy is this module's either way (contract
 * sections 5 and 6): `attempt` says what failed and whether it may be retried, the loop when.
 */
const sendToTencent = async (
  request: SendRequest,
  progress: SendProgress = { attempts: 0 },
): Promise<TencentReply> => {
  const { command, baseUrl, budgetMs } = request;
  if (budgetMs <= 0) {
    throw new SendError('UPSTREAM_TIMEOUT', 'No time was left to call Tencent');
  }
  const deadline = Date.now() + budgetMs;
  const bodyText = JSON.stringify(request.body);
  const backoff = (retry: number): number =>
    Math.min(request.backoffMaxMs, request.backoffBaseMs * 2 ** (retry - 1));
  const fitsBudget = (delayMs: number): boolean =>
    Date.now() + delayMs + Math.min(request.attemptTimeoutMs, 100) < deadline;
  const signedIdentity = (refresh: boolean) =>
    beforeDeadline(
      request.identity({ refresh }),
      deadline,
      () =>
        new SendError('UPSTREAM_TIMEOUT', 'Secrets Manager did not answer within the time budget'),
    );

  const attempt = async (identity: SignedIdentity): Promise<Attempt> => {
    const group = command.deduplicatedByRandom;
    // Not AbortSignal.timeout: its timer cannot be cleared and lives on after every fast reply.
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException('The attempt timed out', 'TimeoutError')),
      Math.min(request.attemptTimeoutMs, Math.max(1, deadline - Date.now())),
    );
    try {
      const response = await fetchOverKeptConnections(commandUrl(baseUrl, command, identity), {
        method: 'POST',
        headers: JSON_HEADERS,
        body: bodyText,
        signal: controller.signal,
      });
      const text = await response.text();
      if (!response.ok) {
        const { status } = response;
        if (status === 504) progress.outcomeUnknown = true;
        return {
          failure: statusFailure(status),
          retryable: group && RETRIED_STATUSES.has(status),
          floorMs: status === 429 ? RATE_LIMIT_MIN_DELAY_MS : 0,
          afterMs:
            status === 429 || status === 503
              ? retryAfterMs(response.headers.get('retry-after'))
              : undefined,
        };
      }
      const reply = parseReply(text);
      const failure = failureOfReply(reply);
      if (!failure) return { reply };
      const code = failure.tencentCode ?? 0;
      return {
        failure,
        retryable: group ? failure.retryable : LIVE_ROOM_RETRYABLE_CODES.has(code),
        floorMs: failure.code === 'RATE_LIMITED' ? RATE_LIMIT_MIN_DELAY_MS : 0,
      };
    } catch (error) {
      if (isSendError(error)) return { failure: error, retryable: false };
      if (isTimeout(error)) {
        progress.outcomeUnknown = true;
        const failure = new SendError(
          'UPSTREAM_TIMEOUT',
          'Tencent did not answer within the time budget',
        );
        // A live-room send that timed out may have reached Tencent: never sent twice.
        return { failure, retryable: group };
      }
      if (error instanceof TypeError) {
        const reason = errorCodesInChain(error)[0] ?? 'connection failed';
        const failure = new SendError(
          'UPSTREAM_UNAVAILABLE',
          `Could not reach Tencent (${reason})`,
        );
        const notSent = failedBeforeSending(error);
        if (!notSent) progress.outcomeUnknown = true;
        // A live-room send is retried only when the request cannot have reached Tencent.
        return { failure, retryable: group || notSent };
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };

  let identity = await signedIdentity(false);
  let refreshed = false;
  const upstreamStartedAt = Date.now();
  try {
    for (let retries = 0; ; ) {
      progress.attempts += 1;
      const outcome = await attempt(identity);
      if ('reply' in outcome) return outcome.reply;
      const { failure } = outcome;
      // A signature refresh is retried once at once, and uses up none of the failure retries.
      if (isCredentialRejection(failure.tencentCode ?? 0)) {
        if (refreshed || !fitsBudget(0)) throw failure;
        refreshed = true;
        identity = await signedIdentity(true);
        continue;
      }
      retries += 1;
      const delay =
        (outcome.floorMs ?? 0) +
        (outcome.afterMs !== undefined
          ? Math.min(request.backoffMaxMs, outcome.afterMs)
          : Math.random() * backoff(retries));
      if (!outcome.retryable || retries > request.maxRetries || !fitsBudget(delay)) throw failure;
      await sleep(delay);
    }
  } finally {
    progress.upstreamMs = Date.now() - upstreamStartedAt;
  }
};

export type { CommandTarget, RetryPolicy, SendProgress, SendRequest };
export { commandUrl, failedBeforeSending, sendToTencent };

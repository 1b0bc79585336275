import ky, { isForceRetryError, isHTTPError, isNetworkError, isTimeoutError } from 'ky';
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

/** Maps what ky threw to the contract's error, without ky's message (it names the URL). */
const toSendError = (error: unknown): unknown => {
  if (isSendError(error)) return error;
  if (isForceRetryError(error) && isSendError(error.cause)) return error.cause;
  if (isTimeoutError(error) || (error instanceof Error && error.name === 'AbortError')) {
    return new SendError('UPSTREAM_TIMEOUT', 'Tencent did not answer within the time budget');
  }
  if (isHTTPError(error)) {
    const status = error.response.status;
    if (status === 429) {
      return new SendError('RATE_LIMITED', 'Tencent answered HTTP 429 (too many requests)');
    }
    const code = status >= 500 || status === 408 ? 'UPSTREAM_UNAVAILABLE' : 'UPSTREAM_ERROR';
    return new SendError(code, `Tencent answered HTTP ${status}`);
  }
  if (isNetworkError(error)) {
    const reason = errorCodesInChain(error)[0] ?? 'connection failed';
    return new SendError('UPSTREAM_UNAVAILABLE', `Could not reach Tencent (${reason})`);
  }
  return error;
};

/**
 * Sends one command and returns Tencent's reply, or throws a SendError. ky owns the attempts,
 * timeouts, backoff with full jitter and the retries decided from the reply's body; this module
 * decides what may be retried (contract sections 5 and 6).
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
  let identity = await signedIdentity(false);
  let refreshed = false;
  // ky counts the one retry after a signature refresh too; the retry budget is for failures.
  const failureRetries = (retryCount: number): number => retryCount - (refreshed ? 1 : 0);
  let reply: TencentReply | undefined;

  const retryAfterReply = async (failure: SendError, retry: number) => {
    const code = failure.tencentCode ?? 0;
    if (isCredentialRejection(code)) {
      if (refreshed || !fitsBudget(0)) throw failure;
      refreshed = true;
      identity = await signedIdentity(true);
      return ky.retry({ delay: 0, cause: failure });
    }
    const retryable = command.deduplicatedByRandom
      ? failure.retryable
      : LIVE_ROOM_RETRYABLE_CODES.has(code);
    const floor = failure.code === 'RATE_LIMITED' ? RATE_LIMIT_MIN_DELAY_MS : 0;
    const delay = floor + Math.random() * backoff(retry);
    if (!retryable || failureRetries(retry) > request.maxRetries || !fitsBudget(delay)) {
      throw failure;
    }
    return ky.retry({ delay, cause: failure });
  };

  const upstreamStartedAt = Date.now();
  try {
    await ky
      .post(commandUrl(baseUrl, command, identity), {
        body: bodyText,
        headers: { 'content-type': 'application/json' },
        fetch: fetchOverKeptConnections,
        timeout: Math.min(request.attemptTimeoutMs, Math.max(1, deadline - Date.now())),
        totalTimeout: Math.max(1, deadline - Date.now()),
        retry: {
          limit: request.maxRetries + 1,
          methods: ['post'],
          statusCodes: command.deduplicatedByRandom ? [408, 429, 500, 502, 503, 504] : [],
          afterStatusCodes: [429, 503],
          maxRetryAfter: request.backoffMaxMs,
          delay: backoff,
          jitter: true,
          retryOnTimeout: command.deduplicatedByRandom,
          shouldRetry: ({ error, retryCount }) => {
            if (failureRetries(retryCount) > request.maxRetries) return false;
            if (!fitsBudget(backoff(retryCount))) return false;
            if (command.deduplicatedByRandom) return undefined;
            // A live-room send is retried only when the request cannot have reached Tencent.
            return isNetworkError(error) && failedBeforeSending(error);
          },
        },
        hooks: {
          beforeRequest: [
            () => {
              progress.attempts = 1;
            },
          ],
          beforeRetry: [
            ({ request: previous }) => {
              progress.attempts += 1;
              return new Request(commandUrl(baseUrl, command, identity), {
                method: 'POST',
                headers: previous.headers,
                body: bodyText,
              });
            },
          ],
          afterResponse: [
            async ({ response, retryCount }) => {
              if (!response.ok) return;
              reply = parseReply(await response.text());
              const failure = failureOfReply(reply);
              if (failure) return retryAfterReply(failure, retryCount + 1);
            },
          ],
        },
      })
      .text();
  } catch (error) {
    throw toSendError(error);
  } finally {
    progress.upstreamMs = Date.now() - upstreamStartedAt;
  }
  if (!reply) throw new SendError('UPSTREAM_ERROR', 'Tencent sent no reply');
  return reply;
};

export type { CommandTarget, RetryPolicy, SendProgress, SendRequest };
export { commandUrl, failedBeforeSending, sendToTencent };

import ky, {
  type BeforeErrorState,
  type BeforeRetryState,
  type KyInstance,
  type Options,
} from 'ky';
import type { Command } from './commands/command.ts';
import { beforeDeadline } from './deadline.ts';
import { SendError } from './errors.ts';
import { freshRandom } from './idempotency.ts';
import { type KeptConnectionInit, keptConnectionFetch } from './kept-connection-fetch.ts';
import { failureOfReply, parseReply, type TencentReply } from './tencent-reply.ts';
import { decideRetry, errorFailure, type RetryState } from './tencent-retry.ts';
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

/** One send as ky's hooks see it (through ky's `context` option). */
interface SendState extends RetryState {
  request: SendRequest;
  progress: SendProgress;
  bodyText: string;
  identity: SignedIdentity;
  /** The delay the policy chose for the retry ky is about to wait for. */
  nextDelayMs: number;
  /** The next attempt signs anew first. */
  refreshPending: boolean;
  lastAttemptConnected: boolean;
  reply?: TencentReply;
}

// The query carries the UserSig: it is built here and never put into a message or a log. Its
// signed part is built once per identity.
const signedQueries = new WeakMap<SignedIdentity, string>();
const signedQuery = (identity: SignedIdentity): string => {
  let query = signedQueries.get(identity);
  if (query === undefined) {
    query = `sdkappid=${identity.sdkAppId}&identifier=${encodeURIComponent(identity.identifier)}&usersig=${encodeURIComponent(identity.userSig)}`;
    signedQueries.set(identity, query);
  }
  return query;
};
/** Each attempt has a fresh `random` in its query (Tencent's request ID, not the message's). */
const commandPath = (command: CommandTarget, identity: SignedIdentity): string =>
  `v4/${command.service}/${command.name}?${signedQuery(identity)}&random=${freshRandom()}&contenttype=json`;

const stateOf = (options: { context: Record<string, unknown> }): SendState =>
  options.context.send as SendState;

const secretsTimeout = (): SendError =>
  new SendError('UPSTREAM_TIMEOUT', 'Secrets Manager did not answer within the time budget');

/**
 * Tencent's reply, read by the transport before it builds the Response: a success is kept for
 * the caller, and a body that reports a failure (HTTP 200 with a non-zero ErrorCode, or a drop)
 * is thrown as the attempt's error, which ky's `retry.shouldRetry` judges like any other. Reading
 * it here rather than in an `afterResponse` hook spares the Response clone ky hands each such hook.
 * Non-2xx statuses are left to ky, which throws HTTPError.
 */
const readReply = (send: SendState, status: number, text: string): void => {
  if (status < 200 || status > 299) return;
  const reply = parseReply(text);
  const error = failureOfReply(reply);
  if (error) throw error;
  send.reply = reply;
};

/**
 * Every retry is a new request: a fresh query `random`, and after a signature error a new
 * UserSig from the secret read again (contract section 6).
 */
const signNextAttempt = async ({ request, options }: BeforeRetryState) => {
  const send = stateOf(options);
  if (send.refreshPending) {
    send.identity = await beforeDeadline(
      send.request.identity({ refresh: true }),
      send.deadline,
      secretsTimeout,
    );
    send.refreshPending = false;
  }
  const prefix = options.prefix.replace(/\/+$/, '');
  return new Request(`${prefix}/${commandPath(send.request.command, send.identity)}`, {
    method: 'POST',
    signal: request.signal,
  });
};

/** ky's errors as the contract's (section 4); what the hooks threw is already one. */
const asContractError = ({ error, options }: BeforeErrorState): Error => {
  const send = stateOf(options);
  if (send.refreshPending) return secretsTimeout();
  const failure = errorFailure(error, send.lastAttemptConnected);
  if (!failure) return error;
  if (failure.mayHaveReached) send.outcomeUnknown = true;
  return failure.error;
};

/**
 * The Tencent client: one ky instance per base URL (in a deployment, the one region domain or
 * TENCENT_CHAT_BASE_URL), over the kept connections. POST is retried only as the policy says
 * (lib/tencent-retry.ts): `shouldRetry` asks it about each failed attempt (what ky threw, or the
 * failure Tencent's reply reported), and `delay` hands ky the wait it chose. ky's own status list, Retry-After
 * handling and jitter are not used: a rate limit waits at least one second on top of Retry-After,
 * and the policy must know the wait to decide whether it still fits the send's budget (ky's
 * `totalTimeout` would wait out the budget and turn a RATE_LIMITED into a timeout).
 */
const createClient = (baseUrl: string): KyInstance =>
  ky.create({
    prefix: baseUrl,
    // The body and its content type go to the transport beside the Request (`payload`), so ky's
    // Request, which it clones before every attempt, holds no stream and no headers to copy.
    fetch: keptConnectionFetch,
    retry: { methods: ['post'] },
    hooks: {
      beforeRetry: [signNextAttempt],
      beforeError: [asContractError],
    },
  });

const clients = new Map<string, KyInstance>();
const clientFor = (baseUrl: string): KyInstance => {
  let client = clients.get(baseUrl);
  if (!client) {
    client = createClient(baseUrl);
    clients.set(baseUrl, client);
  }
  return client;
};

/** The options of one send: its budget, its retries and the state its hooks share. */
const sendOptions = (send: SendState): Options & KeptConnectionInit => ({
  payload: send.bodyText,
  timeout: send.attemptTimeoutMs,
  // Caps the last attempt at the deadline.
  totalTimeout: Math.max(1, send.deadline - Date.now()),
  retry: {
    // The refresh after a signature error is one more retry, outside the failure retries.
    limit: send.maxRetries + 1,
    shouldRetry: ({ error }) => {
      const failure = errorFailure(error, send.lastAttemptConnected);
      if (!failure) return false;
      const decision = decideRetry(send, failure);
      if (decision.retry) {
        send.nextDelayMs = decision.delayMs;
        send.refreshPending = decision.refresh;
      }
      return decision.retry;
    },
    delay: () => send.nextDelayMs,
  },
  context: { send },
  attemptObserver: {
    started: () => {
      send.progress.attempts += 1;
      send.lastAttemptConnected = false;
    },
    connected: () => {
      send.lastAttemptConnected = true;
    },
    replied: (status, text) => readReply(send, status, text),
  },
});

/**
 * Sends one command and returns Tencent's reply, or throws a SendError: attempts, timeouts and
 * retries are ky's, what is retried and when is lib/tencent-retry.ts's (contract sections 5, 6).
 */
const sendToTencent = async (
  request: SendRequest,
  progress: SendProgress = { attempts: 0 },
): Promise<TencentReply> => {
  const { command, budgetMs } = request;
  if (budgetMs <= 0) {
    throw new SendError('UPSTREAM_TIMEOUT', 'No time was left to call Tencent');
  }
  const deadline = Date.now() + budgetMs;
  const identity = await beforeDeadline(
    request.identity({ refresh: false }),
    deadline,
    secretsTimeout,
  );
  const send: SendState = {
    request,
    progress,
    group: command.deduplicatedByRandom,
    deadline,
    attemptTimeoutMs: request.attemptTimeoutMs,
    maxRetries: request.maxRetries,
    backoffBaseMs: request.backoffBaseMs,
    backoffMaxMs: request.backoffMaxMs,
    failureRetries: 0,
    refreshed: false,
    outcomeUnknown: false,
    bodyText: JSON.stringify(request.body),
    identity,
    nextDelayMs: 0,
    refreshPending: false,
    lastAttemptConnected: false,
  };
  const upstreamStartedAt = Date.now();
  try {
    const response = await clientFor(request.baseUrl).post(
      commandPath(command, identity),
      sendOptions(send),
    );
    // Already read by the transport (readReply).
    void response.body?.cancel();
    if (!send.reply) throw new SendError('UPSTREAM_ERROR', "Tencent's reply was not read");
    return send.reply;
  } finally {
    progress.upstreamMs = Date.now() - upstreamStartedAt;
    if (send.outcomeUnknown) progress.outcomeUnknown = true;
  }
};

export type { CommandTarget, RetryPolicy, SendProgress, SendRequest };
export { sendToTencent };

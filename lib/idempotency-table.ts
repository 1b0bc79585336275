import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { CommandName } from './commands/command.ts';
import { SendError } from './errors.ts';
import { decideKey, unknownOutcomeResult } from './idempotency-outcomes.ts';
import { logger } from './logger.ts';
import type { FailureResult, SendResult } from './results.ts';
import { errorName } from './unexpected.ts';

/**
 * The idempotency table (contract section 5), with Powertools Idempotency on DynamoDB. Loaded
 * only when TENCENT_CHAT_IDEMPOTENCY_TABLE is set: lib/send.ts imports this module lazily, so a
 * function without the table never loads the DynamoDB client.
 *
 * Powertools records the key as in progress (expiring with the invocation's deadline), then
 * stores what the wrapped function returns, or deletes the record when it throws. The wrapped
 * function returns what keeps the key and throws what frees it, as decided by
 * lib/idempotency-outcomes.ts.
 */

interface SendOnceRequest {
  table: string;
  lifetimeSeconds: number;
  command: CommandName;
  /** The send's idempotency key (header, EventBridge id, envelope, SQS record). */
  key: string;
  /** The request as sent, without a Random the function chose: what a repeat must match. */
  request: object;
  /** Time left before the Lambda deadline: a record left in progress expires then. */
  remainingTimeMs: () => number;
}

/** The send itself: its result, and whether an attempt may have reached Tencent unanswered. */
type Deliver = () => Promise<{ result: SendResult; outcomeUnknown: boolean }>;

interface Payload {
  key: string;
  request: object;
}

type IdempotentSend = (
  payload: Payload,
  context: { getRemainingTimeInMillis: () => number },
  deliver: Deliver,
) => Promise<SendResult>;

/** Thrown inside Powertools so that it deletes the record: the key may send again. */
class KeyFreedSignal extends Error {
  readonly result: FailureResult;

  constructor(result: FailureResult) {
    super('the send failed before Tencent took the message: the key is freed');
    this.name = 'KeyFreedSignal';
    this.result = result;
  }
}

/** A record survives a few retries of the DynamoDB client; each call is bounded. */
const CLIENT_CONFIG = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
};

type ResponseHook = NonNullable<IdempotencyConfig['responseHook']>;

/** A stored result answers a repeat with `replayed: true`. */
const markReplayed: ResponseHook = (response) => ({
  ...(response as Record<string, ReturnType<ResponseHook>>),
  replayed: true,
});

// DynamoDB's marshalling refuses undefined values (msgSeq may be absent).
const storable = (result: SendResult): SendResult => JSON.parse(JSON.stringify(result));

const wrappedSend = async (
  _payload: Payload,
  _context: unknown,
  deliver: Deliver,
): Promise<SendResult> => {
  const { result, outcomeUnknown } = await deliver();
  const decision = decideKey(result, outcomeUnknown);
  if (decision === 'free' && !result.ok) throw new KeyFreedSignal(result);
  if (decision === 'keep-unknown' && !result.ok) return storable(unknownOutcomeResult(result));
  return storable(result);
};

/** One persistence layer and configuration per table, lifetime and command, created on first use. */
const sends = new Map<string, IdempotentSend>();

const idempotentSendFor = ({
  table,
  lifetimeSeconds,
  command,
}: SendOnceRequest): IdempotentSend => {
  const id = `${table}|${lifetimeSeconds}|${command}`;
  let send = sends.get(id);
  if (!send) {
    const persistenceStore = new DynamoDBPersistenceLayer({
      tableName: table,
      keyAttr: 'id',
      expiryAttr: 'expiration',
      clientConfig: CLIENT_CONFIG,
    });
    const config = new IdempotencyConfig({
      eventKeyJmesPath: 'key',
      payloadValidationJmesPath: 'request',
      expiresAfterSeconds: lifetimeSeconds,
      throwOnNoIdempotencyKey: true,
      responseHook: markReplayed,
    });
    // Scoped by command: one function's keys never answer for another's.
    send = makeIdempotent(wrappedSend, { persistenceStore, config, keyPrefix: command });
    sends.set(id, send);
  }
  return send;
};

const logTableFailure = (error: unknown, sent: boolean): void => {
  logger.error(
    sent
      ? 'Idempotency table failure after the send: its record was not finished'
      : 'Idempotency table failure: nothing was sent',
    {
      errorName: errorName(error),
      errorMessage: error instanceof Error ? error.message : String(error),
      cause: error instanceof Error && error.cause instanceof Error ? error.cause.name : undefined,
    },
  );
};

/**
 * Sends under an idempotency key at most once within the key's lifetime. Throws a SendError when
 * it cannot: IN_PROGRESS, IDEMPOTENCY_CONFLICT, or UPSTREAM_UNAVAILABLE for the table itself.
 */
const sendOnce = async (request: SendOnceRequest, deliver: Deliver): Promise<SendResult> => {
  // What the send produced, in case the table fails after it: the caller learns what happened.
  let produced: SendResult | undefined;
  const observed: Deliver = async () => {
    const outcome = await deliver();
    produced = outcome.result;
    return outcome;
  };
  try {
    return await idempotentSendFor(request)(
      { key: request.key, request: request.request },
      { getRemainingTimeInMillis: request.remainingTimeMs },
      observed,
    );
  } catch (error) {
    if (error instanceof KeyFreedSignal) return error.result;
    const name = error instanceof Error ? error.name : '';
    if (name === 'IdempotencyAlreadyInProgressError') {
      throw new SendError(
        'IN_PROGRESS',
        'A send with this idempotency key is still under way; try again shortly',
      );
    }
    if (name === 'IdempotencyValidationError') {
      throw new SendError(
        'IDEMPOTENCY_CONFLICT',
        'This idempotency key was already used with a different request',
      );
    }
    logTableFailure(error, produced !== undefined);
    // The send ran and only its record failed: the caller learns what happened to the message
    // (the unfinished record expires at the invocation's deadline).
    if (produced) return produced;
    throw new SendError(
      'UPSTREAM_UNAVAILABLE',
      'The idempotency table could not be read or written; nothing was sent',
    );
  }
};

/** Forgets the per-table layers (tests). */
const clearCaches = (): void => {
  sends.clear();
};

export { clearCaches, sendOnce };

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Command } from './commands/command.ts';
import { type Config, readConfig } from './config.ts';
import { isSendError, SendError } from './errors.ts';
import { eventKindOf, readInvocation } from './events.ts';
import { chooseRandom } from './idempotency.ts';
import { logger, redact } from './logger.ts';
import { metrics, recordSend } from './metrics.ts';
import { answer, failureResult, type SendResult, successResult } from './results.ts';
import { getAdminCredentials } from './secrets.ts';
import { type SendProgress, sendToTencent } from './tencent-client.ts';
import { getSignedIdentity, type SignedIdentity } from './usersig.ts';
import { validateRequest } from './validation.ts';

/** Used when the context cannot say how long the invocation may run (a plain test call). */
const DEFAULT_BUDGET_MS = 30_000;

/**
 * Middy's last resort, for an invocation that somehow outlives its own budget. Its abort signal is
 * not handed to ky: the budget already bounds every attempt (totalTimeout), and combining signals
 * costs about 0.15 ms a send.
 */
const TIMEOUT_EARLY_MS = 50;

const identityProvider =
  (config: Config) =>
  async ({ refresh }: { refresh: boolean }): Promise<SignedIdentity> => {
    const credentials = await getAdminCredentials({
      secretId: config.secretId,
      maxAgeSeconds: config.secretMaxAgeSeconds,
      forceFetch: refresh,
    });
    return getSignedIdentity(credentials, config.userSigLifetimeSeconds, { renew: refresh });
  };

const budgetOf = (context: Partial<Context> | undefined, config: Config): number => {
  const remaining =
    typeof context?.getRemainingTimeInMillis === 'function'
      ? context.getRemainingTimeInMillis()
      : DEFAULT_BUDGET_MS;
  return remaining - config.deadlineReserveMs;
};

const asSendError = (error: unknown): SendError => {
  if (isSendError(error)) return error;
  logger.error('Unexpected failure', {
    errorName: error instanceof Error ? error.name : typeof error,
    errorMessage: redact(error instanceof Error ? error.message : String(error)),
    stack: error instanceof Error && error.stack ? redact(error.stack) : undefined,
  });
  return new SendError('INTERNAL_ERROR', 'Internal error');
};

const logOutcome = (
  result: SendResult,
  facts: {
    eventKind: string;
    attempts: number;
    durationMs: number;
    upstreamMs: number | undefined;
  },
): void => {
  if (result.ok) {
    logger.info('Message sent', {
      command: result.command,
      outcome: 'sent',
      random: result.random,
      tencentRequestId: result.requestId,
      msgSeq: result.msgSeq,
      ...facts,
    });
    return;
  }
  const { error } = result;
  const clientFault = error.code === 'INVALID_REQUEST' || error.code === 'PAYLOAD_TOO_LARGE';
  logger[clientFault ? 'warn' : 'error']('Message not sent', {
    command: result.command,
    outcome: 'failed',
    errorCode: error.code,
    errorMessage: error.message,
    tencentCode: error.tencentCode,
    tencentInfo: error.tencentInfo,
    tencentRequestId: error.requestId,
    random: result.random,
    ...facts,
  });
};

/**
 * The one pipeline behind every function: recognise the event, check the request, choose the
 * Random, send, normalise the outcome, answer as the event kind expects.
 */
const createHandler = <Request extends object>(command: Command<Request>) => {
  const send = async (event: unknown, context: Context) => {
    const startedAt = Date.now();
    const progress: SendProgress = { attempts: 0 };
    let random: number | undefined;
    let result: SendResult;
    try {
      const invocation = readInvocation(event);
      const request: object = validateRequest(command, invocation.request);
      const config = readConfig();
      let body = request;
      if (command.deduplicatedByRandom) {
        random = chooseRandom({
          given: (request as { Random?: number }).Random,
          idempotencyKey: invocation.idempotencyKey,
          awsRequestId: context?.awsRequestId,
        });
        body = { ...request, Random: random };
      }
      const reply = await sendToTencent(
        {
          baseUrl: config.baseUrl,
          command,
          body,
          budgetMs: budgetOf(context, config),
          attemptTimeoutMs: config.attemptTimeoutMs,
          maxRetries: config.maxRetries,
          backoffBaseMs: config.backoffBaseMs,
          backoffMaxMs: config.backoffMaxMs,
          identity: identityProvider(config),
        },
        progress,
      );
      result = successResult(command.name, reply, random);
    } catch (error) {
      result = failureResult(command.name, asSendError(error), random);
    }
    const eventKind = eventKindOf(event);
    logOutcome(result, {
      eventKind,
      attempts: progress.attempts,
      durationMs: Date.now() - startedAt,
      upstreamMs: progress.upstreamMs,
    });
    recordSend(result, { attempts: progress.attempts, upstreamMs: progress.upstreamMs });
    return answer(eventKind, result);
  };

  return middy({ timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler((event: unknown, context: Context) => send(event, context));
};

export { createHandler };

import type { Context } from 'aws-lambda';
import type { Command } from './commands/command.ts';
import { type Config, readConfig, readUnknownFieldsMode } from './config.ts';
import { remainingMs } from './deadline.ts';
import type { FieldProblem } from './errors.ts';
import type { EventKind, Invocation } from './events.ts';
import { chooseRandom } from './idempotency.ts';
import { identityProvider } from './identity.ts';
import { loadTencentClient } from './load-tencent-client.ts';
import { logger } from './logger.ts';
import { failureResult, type SendResult, successResult } from './results.ts';
import { recordSend } from './send-metrics.ts';
import type { SendProgress } from './tencent-client.ts';
import { asSendError } from './unexpected.ts';
import { checkRequest } from './validation.ts';

/** What one send is about, besides its request: where it came from, for the log line. */
interface SendOrigin {
  eventKind: EventKind | 'sqs';
  /** Set on the sends a fan-out queued, so that their log lines and metrics carry it. */
  fanoutId?: string;
  /** Replaces the configured retry budget: queue mode gives a record back rather than wait. */
  maxRetries?: number;
}

/** Time left for the send: what Lambda gives, less the reserve kept to answer in. */
const budgetOf = (context: Partial<Context> | undefined, config: Config): number =>
  remainingMs(context) - config.deadlineReserveMs;

const logOutcome = (
  result: SendResult,
  facts: SendOrigin & {
    attempts: number;
    durationMs: number;
    upstreamMs: number | undefined;
    warnings: FieldProblem[] | undefined;
  },
): void => {
  if (result.ok) {
    logger.info(result.replayed ? 'Message already sent under this key' : 'Message sent', {
      command: result.command,
      outcome: result.replayed ? 'replayed' : 'sent',
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
    outcome: result.replayed ? 'replayed' : 'failed',
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
 * One send, whatever brought it: read the invocation, check the request, choose the Random, call
 * Tencent, normalise the outcome, log it and count it. Never throws: a failure is a result.
 * `read` runs inside, so that an unreadable event becomes a failure result like any other.
 */
const sendOne = async <Request extends object>(
  command: Command<Request>,
  read: () => Invocation,
  context: Context,
  origin: SendOrigin,
): Promise<SendResult> => {
  const startedAt = Date.now();
  const progress: SendProgress = { attempts: 0 };
  let random: number | undefined;
  let warnings: FieldProblem[] = [];
  let result: SendResult;
  try {
    const invocation = read();
    const checked = checkRequest(command, invocation.request, readUnknownFieldsMode());
    const request: object = checked.request;
    warnings = checked.warnings;
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
    const deliver = async () => {
      try {
        const { sendToTencent } = await loadTencentClient();
        const reply = await sendToTencent(
          {
            baseUrl: config.baseUrl,
            command,
            body,
            budgetMs: budgetOf(context, config),
            attemptTimeoutMs: config.attemptTimeoutMs,
            maxRetries: origin.maxRetries ?? config.maxRetries,
            backoffBaseMs: config.backoffBaseMs,
            backoffMaxMs: config.backoffMaxMs,
            identity: identityProvider(config),
          },
          progress,
        );
        return {
          result: successResult(command.name, reply, random, warnings),
          outcomeUnknown: false,
        };
      } catch (error) {
        return {
          result: failureResult(command.name, asSendError(error), random, warnings),
          outcomeUnknown: progress.outcomeUnknown === true,
        };
      }
    };
    // Without a key there is nothing to record a send under (contract section 5).
    if (config.idempotencyTable !== undefined && invocation.idempotencyKey !== undefined) {
      const { sendOnce } = await import('./idempotency-table.ts');
      result = await sendOnce(
        {
          table: config.idempotencyTable,
          lifetimeSeconds: config.idempotencyLifetimeSeconds,
          command: command.name,
          key: invocation.idempotencyKey,
          request,
          remainingTimeMs: () => remainingMs(context),
        },
        deliver,
      );
    } else {
      result = (await deliver()).result;
    }
  } catch (error) {
    result = failureResult(command.name, asSendError(error), random, warnings);
  }
  const { maxRetries: _retries, ...facts } = origin;
  logOutcome(result, {
    ...facts,
    attempts: progress.attempts,
    durationMs: Date.now() - startedAt,
    upstreamMs: progress.upstreamMs,
    warnings: result.warnings,
  });
  recordSend(result, {
    attempts: progress.attempts,
    upstreamMs: progress.upstreamMs,
    fanoutId: origin.fanoutId,
  });
  return result;
};

export type { SendOrigin };
export { sendOne };

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import type { Command } from './commands/command.ts';
import { eventKindOf, isSqsEvent, readInvocation } from './events.ts';
import { logger } from './logger.ts';
import { metrics } from './metrics.ts';
import { answer } from './results.ts';
import { sendOne } from './send.ts';
import { warmUp } from './warm-up.ts';

/**
 * Middy's last resort, for an invocation that somehow outlives its own budget. Its abort signal is
 * not handed to the Tencent client: the budget already bounds every attempt, and combining signals
 * costs about 0.15 ms a send.
 */
const TIMEOUT_EARLY_MS = 50;

/**
 * The one pipeline behind every function: recognise the event, send (lib/send.ts), answer as the
 * event kind expects.
 */
const createHandler = <Request extends object>(command: Command<Request>) => {
  warmUp();
  const handle = async (event: unknown, context: Context) => {
    if (isSqsEvent(event)) {
      // Queue mode is loaded only by the containers that receive SQS batches.
      const { processSqsBatch } = await import('./queue/process-batch.ts');
      return processSqsBatch(command, event as SQSEvent, context);
    }
    const eventKind = eventKindOf(event);
    const result = await sendOne(command, () => readInvocation(event), context, { eventKind });
    return answer(eventKind, result);
  };

  return middy({ timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(handle);
};

export { createHandler };

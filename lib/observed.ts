import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { metrics } from './metrics.ts';

type Handle<Result> = (event: unknown, context: Context) => Promise<Result>;

/**
 * How every function's handler is made: middy running `handle`, with Powertools' middlewares on
 * it, so that every log line carries the invocation's Lambda fields, the cold start is counted
 * once, and the metrics are written when the invocation ends, well or not. A function adds its
 * own middlewares with `.use(…)`, and so can a team (docs/extending-middleware.md).
 */
const observed = <Result>(handle: Handle<Result>) =>
  middy<unknown, Result, Error, Context>({
    // Middy's early timeout is off: every send, batch and fan-out is bounded by its own budget
    // (lib/send.ts, lib/queue/process-batch.ts, lib/fan-out/handler.ts) and answers in time with
    // UPSTREAM_TIMEOUT; middy's timer and AbortController per invocation would add nothing.
    timeoutEarlyInMillis: 0,
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics, { captureColdStartMetric: true }))
    .handler(handle);

export { observed };

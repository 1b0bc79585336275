import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { metrics } from './metrics.ts';

type Handler<Result> = (event: unknown, context: Context) => Promise<Result>;

/**
 * What Powertools' injectLambdaContext and logMetrics middlewares did for us, without middy: the
 * invocation's Lambda fields on every log line, the cold start counted once, and the metrics
 * written when the invocation ends, whether it ends well or not. Middy's chain and the early
 * timeout timer it armed for every invocation cost about 15 µs a send; that timeout was only a
 * last resort, since every send is bounded by its own budget (lib/send.ts), a batch by its own
 * (lib/queue/process-batch.ts) and a fan-out by its own (lib/fan-out/handler.ts).
 */
const observed = <Result>(handle: Handler<Result>): Handler<Result> =>
  async function observedInvocation(event, context) {
    logger.addContext(context);
    metrics.captureColdStartMetric(context?.functionName);
    try {
      return await handle(event, context);
    } finally {
      metrics.publishStoredMetrics();
    }
  };

export { observed };

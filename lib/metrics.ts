import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { metricsNamespace, serviceName } from './powertools-env.ts';

/**
 * Powertools Metrics, set up once per container: CloudWatch embedded metric format, one blob per
 * invocation, written by the logMetrics middleware (lib/observed.ts) when the invocation ends.
 * Its own settings apply: POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME,
 * POWERTOOLS_METRICS_FUNCTION_NAME, POWERTOOLS_METRICS_DISABLED, POWERTOOLS_DEV. What a send
 * records is lib/send-metrics.ts.
 */
const createMetrics = (): Metrics =>
  new Metrics({ namespace: metricsNamespace(), serviceName: serviceName() });

const metrics = createMetrics();

export { createMetrics, MetricUnit, metrics };

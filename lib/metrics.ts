import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SendResult } from './results.ts';

/**
 * CloudWatch metrics in embedded metric format, one blob per invocation. The namespace comes
 * from POWERTOOLS_METRICS_NAMESPACE.
 */
const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'TencentChatSender',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'tencent-chat-sender',
});

interface SendFacts {
  attempts: number;
  /** Time spent calling Tencent, retries and backoff included; undefined when it was not called. */
  upstreamMs: number | undefined;
  /** The fan-out a queued send belongs to: metadata, not a dimension (one value per fan-out). */
  fanoutId?: string | undefined;
}

const recordSend = (result: SendResult, { attempts, upstreamMs, fanoutId }: SendFacts): void => {
  // Queue mode records many sends in one blob; a function sends one command, so once is enough.
  if (!metrics.hasStoredMetrics()) metrics.addDimension('command', result.command);
  if (fanoutId !== undefined) metrics.addMetadata('fanoutId', fanoutId);
  if (result.ok) {
    metrics.addMetric('MessagesSent', MetricUnit.Count, 1);
  } else {
    // Failures by code in a blob of their own, so the code does not become a dimension of the rest.
    const failed = metrics.singleMetric();
    failed.addDimensions({ command: result.command, errorCode: result.error.code });
    if (fanoutId !== undefined) failed.addMetadata('fanoutId', fanoutId);
    failed.addMetric('MessagesFailed', MetricUnit.Count, 1);
  }
  metrics.addMetric('Retries', MetricUnit.Count, Math.max(0, attempts - 1));
  if (upstreamMs !== undefined) {
    metrics.addMetric('UpstreamLatency', MetricUnit.Milliseconds, upstreamMs);
  }
};

export type { SendFacts };
export { metrics, recordSend };

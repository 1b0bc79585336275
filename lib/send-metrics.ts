import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from './metrics.ts';
import { serviceName } from './powertools-env.ts';
import type { SendResult } from './results.ts';

/**
 * What a send counts (contract: observability): MessagesSent or MessagesFailed (the latter by
 * error code, in a blob of its own so that the code does not become a dimension of the rest),
 * Retries, and UpstreamLatency when Tencent was called; all by `command`.
 */

interface SendFacts {
  attempts: number;
  /** Time spent calling Tencent, retries and backoff included; undefined when it was not called. */
  upstreamMs: number | undefined;
  /** The fan-out a queued send belongs to: metadata, not a dimension (one value per fan-out). */
  fanoutId?: string | undefined;
}

/** The command and fan-out the stored blob counts for (queue mode records many sends in one). */
let blobCommand: string | undefined;
let blobFanoutId: string | undefined;

/**
 * Makes `command` the dimension of what is counted from now on. A default dimension outlives the
 * blob Powertools writes early (a metric at 100 values). A function sends one command, so this
 * changes something once per container; cleared first, since Powertools warns about a dimension
 * set twice (and so about `addDimension('command', …)` beside it).
 */
const countUnder = (command: string): void => {
  if (blobCommand === command) return;
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ service: serviceName(), command });
  blobCommand = command;
};

const recordSend = (result: SendResult, { attempts, upstreamMs, fanoutId }: SendFacts): void => {
  const { command } = result;
  // One blob per fan-out: a batch mixing fan-outs, or plain sends, writes the blob it holds first.
  if (metrics.hasStoredMetrics() && (blobFanoutId !== fanoutId || blobCommand !== command)) {
    metrics.publishStoredMetrics();
  }
  blobFanoutId = fanoutId;
  countUnder(command);
  if (fanoutId !== undefined) metrics.addMetadata('fanoutId', fanoutId);
  if (result.ok) {
    metrics.addMetric('MessagesSent', MetricUnit.Count, 1);
  } else {
    const failed = metrics.singleMetric();
    failed.addDimension('errorCode', result.error.code);
    if (fanoutId !== undefined) failed.addMetadata('fanoutId', fanoutId);
    failed.addMetric('MessagesFailed', MetricUnit.Count, 1);
  }
  metrics.addMetric('Retries', MetricUnit.Count, Math.max(0, attempts - 1));
  if (upstreamMs !== undefined) {
    metrics.addMetric('UpstreamLatency', MetricUnit.Milliseconds, upstreamMs);
  }
};

export type { SendFacts };
export { countUnder, recordSend };

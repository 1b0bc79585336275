import type { Console } from 'node:console';
import {
  envFlag,
  envText,
  isDevMode,
  isOnDemand,
  outputConsole,
  SERVICE_NAME,
} from './powertools-env.ts';
import type { SendResult } from './results.ts';

/**
 * CloudWatch metrics in embedded metric format, one blob per invocation, as Powertools Metrics
 * writes them (same blob, same keys and order, same variables: POWERTOOLS_METRICS_NAMESPACE,
 * POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_FUNCTION_NAME, POWERTOOLS_METRICS_DISABLED, and no
 * blobs in POWERTOOLS_DEV mode unless POWERTOOLS_METRICS_DISABLED says otherwise).
 *
 * Written by hand rather than with @aws-lambda-powertools/metrics for the same reason as the
 * logger (lib/logger.ts): its import and 12 KB of code were about 2 ms of every cold start and its
 * stores and checks about 10 µs of every send, for three counters and a latency. Left out: metric
 * resolutions, timestamps, default dimensions beyond `service`, the argument checks (our metric
 * names and units are constants), and the concurrent invocation store of Lambda managed
 * instances. test/lib/metrics.test.ts pins the format.
 */

const MetricUnit = {
  Count: 'Count',
  Milliseconds: 'Milliseconds',
} as const;

type MetricUnitName = (typeof MetricUnit)[keyof typeof MetricUnit];

interface StoredMetric {
  unit: MetricUnitName;
  value: number | number[];
}

/** Powertools flushes a blob at 100 metrics, and a metric at 100 values. */
const MAX_METRICS = 100;
const MAX_VALUES = 100;
const NO_METRICS_WARNING =
  'No application metrics to publish. The cold-start metric may be published if enabled. ' +
  'If application metrics should never be empty, consider using `throwOnEmptyMetrics`';

interface MetricsOptions {
  namespace: string;
  serviceName: string;
}

interface Settings {
  namespace: string;
  service: string;
  disabled: boolean;
  output: Pick<Console, 'log' | 'warn'>;
}

const settingsOf = ({ namespace, serviceName }: MetricsOptions): Settings => {
  const dev = isDevMode();
  return {
    namespace,
    service: serviceName,
    disabled:
      process.env.POWERTOOLS_METRICS_DISABLED !== undefined
        ? envFlag('POWERTOOLS_METRICS_DISABLED')
        : dev,
    output: outputConsole(dev),
  };
};

class Metrics {
  readonly #settings: Settings;
  readonly #single: boolean;
  readonly #functionName: string;
  #coldStart: boolean;
  #metrics = new Map<string, StoredMetric>();
  #dimensions: Record<string, string> = {};
  #dimensionSets: Record<string, string>[] = [];
  #metadata: Record<string, unknown> = {};

  constructor(options: MetricsOptions | Settings, single = false) {
    this.#settings = 'output' in options ? options : settingsOf(options);
    this.#single = single;
    this.#functionName = envText('POWERTOOLS_METRICS_FUNCTION_NAME');
    this.#coldStart = isOnDemand();
  }

  addDimension(name: string, value: string): this {
    this.#dimensions[name] = value;
    return this;
  }

  /** A dimension set of its own, beside `service`. */
  addDimensions(dimensions: Record<string, string>): this {
    this.#dimensionSets.push({ ...dimensions });
    return this;
  }

  addMetadata(key: string, value: unknown): this {
    this.#metadata[key] = value;
    return this;
  }

  addMetric(name: string, unit: MetricUnitName, value: number): this {
    if (this.#metrics.size >= MAX_METRICS) this.publishStoredMetrics();
    const stored = this.#metrics.get(name);
    if (stored === undefined) {
      this.#metrics.set(name, { unit, value });
    } else {
      if (stored.unit !== unit) {
        throw new Error(
          `Metric "${name}" has already been added with unit "${stored.unit}", but we received unit "${unit}". Did you mean to use metric unit "${stored.unit}"?`,
        );
      }
      if (Array.isArray(stored.value)) stored.value.push(value);
      else stored.value = [stored.value, value];
      if (Array.isArray(stored.value) && stored.value.length === MAX_VALUES) {
        this.publishStoredMetrics();
      }
    }
    if (this.#single) this.publishStoredMetrics();
    return this;
  }

  hasStoredMetrics(): boolean {
    return this.#metrics.size > 0;
  }

  /** A blob of its own with its own dimensions, written as soon as its metric is added. */
  singleMetric(): Metrics {
    return new Metrics(this.#settings, true);
  }

  /** `ColdStart` once per container, by `function_name`, for on-demand containers only. */
  captureColdStartMetric(functionName: string | undefined): void {
    if (!this.#coldStart) return;
    this.#coldStart = false;
    const single = this.singleMetric();
    const name = this.#functionName || functionName?.trim();
    if (name) single.addDimension('function_name', name);
    single.addMetric('ColdStart', MetricUnit.Count, 1);
  }

  /** Writes the stored metrics as one blob and forgets them, their dimensions and metadata. */
  publishStoredMetrics(): void {
    const settings = this.#settings;
    if (this.#metrics.size === 0) {
      settings.output.warn(NO_METRICS_WARNING);
    } else if (!settings.disabled) {
      settings.output.log(JSON.stringify(this.#blob()));
    }
    this.#metrics = new Map();
    this.#dimensions = {};
    this.#dimensionSets = [];
    this.#metadata = {};
  }

  #blob(): Record<string, unknown> {
    const { namespace, service } = this.#settings;
    const definitions: { Name: string; Unit: string }[] = [];
    const values: Record<string, number | number[]> = {};
    for (const [name, { unit, value }] of this.#metrics) {
      definitions.push({ Name: name, Unit: unit });
      values[name] = value;
    }
    const dimensionNames: string[][] = [];
    const requestKeys = Object.keys(this.#dimensions);
    if (requestKeys.length > 0) dimensionNames.push(unique(['service', ...requestKeys]));
    for (const set of this.#dimensionSets)
      dimensionNames.push(unique(['service', ...Object.keys(set)]));
    if (dimensionNames.length === 0) dimensionNames.push(['service']);
    return {
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          { Namespace: namespace, Dimensions: dimensionNames, Metrics: definitions },
        ],
      },
      ...this.#metadata,
      service,
      ...this.#dimensions,
      ...Object.assign({}, ...this.#dimensionSets),
      ...values,
    };
  }
}

const unique = (keys: string[]): string[] => [...new Set(keys)];

const metrics = new Metrics({
  namespace: envText('POWERTOOLS_METRICS_NAMESPACE') || 'TencentChatSender',
  serviceName: SERVICE_NAME,
});

interface SendFacts {
  attempts: number;
  /** Time spent calling Tencent, retries and backoff included; undefined when it was not called. */
  upstreamMs: number | undefined;
  /** The fan-out a queued send belongs to: metadata, not a dimension (one value per fan-out). */
  fanoutId?: string | undefined;
}

/** The fan-out the stored blob counts for (queue mode records many sends in one blob). */
let blobFanoutId: string | undefined;

const recordSend = (result: SendResult, { attempts, upstreamMs, fanoutId }: SendFacts): void => {
  // One blob per fan-out: a batch mixing fan-outs, or plain sends, writes the blob it holds first.
  if (metrics.hasStoredMetrics() && blobFanoutId !== fanoutId) metrics.publishStoredMetrics();
  blobFanoutId = fanoutId;
  // Again on every send: a blob written early (a metric at 100 values) takes its dimensions along.
  metrics.addDimension('command', result.command);
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
export { Metrics, MetricUnit, metrics, recordSend };

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SendError } from '../../lib/errors.ts';
import { createMetrics, MetricUnit, metrics as shared } from '../../lib/metrics.ts';
import { failureResult, successResult } from '../../lib/results.ts';
import { recordSend } from '../../lib/send-metrics.ts';
import { type CapturedOutput, captureOutput } from '../support/output.ts';

// lib/metrics.ts is Powertools Metrics with this product's namespace and service; the blobs below
// pin what it prints (CloudWatch reads them as embedded metric format, dashboards by their names).

let output: CapturedOutput;
const printed = () =>
  output.lines().map((line) => line.replace(/"Timestamp":\d+/, '"Timestamp":0'));
const newMetrics = () => {
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'svc');
  return createMetrics();
};

beforeEach(() => {
  output = captureOutput();
});
afterEach(() => {
  output.restore();
  vi.unstubAllEnvs();
});

describe('Function: createMetrics', () => {
  it('writes one blob of the stored metrics, several values of one metric as a list', () => {
    // Prepare
    const metrics = newMetrics();

    // Act
    metrics.addDimension('command', 'send_group_msg');
    metrics.addMetadata('fanoutId', 'fx');
    metrics.addMetric('MessagesSent', MetricUnit.Count, 1);
    metrics.addMetric('MessagesSent', MetricUnit.Count, 1);
    metrics.addMetric('UpstreamLatency', MetricUnit.Milliseconds, 7);
    metrics.publishStoredMetrics();

    // Assess
    expect(printed()).toStrictEqual([
      '{"_aws":{"Timestamp":0,"CloudWatchMetrics":[{"Namespace":"TencentChatSender","Dimensions":[["service","command"]],"Metrics":[{"Name":"MessagesSent","Unit":"Count"},{"Name":"UpstreamLatency","Unit":"Milliseconds"}]}]},"fanoutId":"fx","service":"svc","command":"send_group_msg","MessagesSent":[1,1],"UpstreamLatency":7}',
    ]);
  });

  it('writes a single metric at once, with its dimension set', () => {
    // Act
    const failed = newMetrics().singleMetric();
    failed.addDimensions({ command: 'send_text_msg', errorCode: 'NOT_FOUND' });
    failed.addMetadata('fanoutId', 'f1');
    failed.addMetric('MessagesFailed', MetricUnit.Count, 1);

    // Assess
    expect(printed()).toStrictEqual([
      '{"_aws":{"Timestamp":0,"CloudWatchMetrics":[{"Namespace":"TencentChatSender","Dimensions":[["service","command","errorCode"]],"Metrics":[{"Name":"MessagesFailed","Unit":"Count"}]}]},"fanoutId":"f1","service":"svc","command":"send_text_msg","errorCode":"NOT_FOUND","MessagesFailed":1}',
    ]);
  });

  it('counts the cold start once, by function name, in on-demand containers only', () => {
    // Prepare
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const metrics = newMetrics();
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'provisioned-concurrency');
    const provisioned = newMetrics();

    // Act
    metrics.captureColdStartMetric('fn');
    metrics.captureColdStartMetric('fn');
    provisioned.captureColdStartMetric('fn');

    // Assess
    expect(printed()).toStrictEqual([
      '{"_aws":{"Timestamp":0,"CloudWatchMetrics":[{"Namespace":"TencentChatSender","Dimensions":[["service","function_name"]],"Metrics":[{"Name":"ColdStart","Unit":"Count"}]}]},"service":"svc","function_name":"fn","ColdStart":1}',
    ]);
  });

  it('forgets metrics, dimensions and metadata once written', () => {
    // Prepare
    const metrics = newMetrics();
    metrics.addDimension('command', 'send_group_msg');
    metrics.addMetadata('fanoutId', 'fx');
    metrics.addMetric('Retries', MetricUnit.Count, 0);

    // Act
    metrics.publishStoredMetrics();
    metrics.addMetric('FanOutMessagesQueued', MetricUnit.Count, 12);
    metrics.publishStoredMetrics();

    // Assess
    expect(metrics.hasStoredMetrics()).toBe(false);
    expect(printed()[1]).toBe(
      '{"_aws":{"Timestamp":0,"CloudWatchMetrics":[{"Namespace":"TencentChatSender","Dimensions":[["service"]],"Metrics":[{"Name":"FanOutMessagesQueued","Unit":"Count"}]}]},"service":"svc","FanOutMessagesQueued":12}',
    );
  });

  it('writes no blob in dev mode or when disabled, unless POWERTOOLS_METRICS_DISABLED=false', () => {
    // Prepare
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    const dev = newMetrics();
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const devEnabled = newMetrics();
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const disabled = newMetrics();

    // Act
    for (const metrics of [dev, devEnabled, disabled]) {
      metrics.addMetric('Retries', MetricUnit.Count, 0);
      metrics.publishStoredMetrics();
    }

    // Assess: dev mode writes through the global console
    expect(log.mock.calls.map(([line]) => JSON.parse(line).Retries)).toStrictEqual([0]);
    expect(output.lines().filter((line) => line.includes('_aws'))).toStrictEqual([]);
    log.mockRestore();
  });

  it('refuses a metric added again with another unit', () => {
    const metrics = newMetrics();
    metrics.addMetric('Retries', MetricUnit.Count, 0);
    expect(() => metrics.addMetric('Retries', MetricUnit.Milliseconds, 0)).toThrow(/unit "Count"/);
  });
});

describe('Function: recordSend', () => {
  const sent = successResult('send_group_msg', { msgSeq: 1 } as never, 7);
  const blobs = () => output.lines().map((line) => JSON.parse(line) as Record<string, unknown>);

  it('keeps the command dimension on every blob, also after one was written at 100 values', () => {
    // Act
    for (let i = 0; i < 150; i += 1) recordSend(sent, { attempts: 1, upstreamMs: 3 });
    shared.publishStoredMetrics();

    // Assess
    expect(blobs().length).toBeGreaterThan(1);
    for (const blob of blobs()) expect(blob.command).toBe('send_group_msg');
  });

  it('writes one blob per fan-out, each with its own fanoutId', () => {
    // Act
    recordSend(sent, { attempts: 1, upstreamMs: 3, fanoutId: 'f1' });
    recordSend(sent, { attempts: 1, upstreamMs: 3, fanoutId: 'f1' });
    recordSend(sent, { attempts: 1, upstreamMs: 3, fanoutId: 'f2' });
    recordSend(sent, { attempts: 1, upstreamMs: 3 });
    shared.publishStoredMetrics();

    // Assess
    expect(blobs().map((blob) => [blob.fanoutId, blob.MessagesSent])).toStrictEqual([
      ['f1', [1, 1]],
      ['f2', 1],
      [undefined, 1],
    ]);
  });

  it('counts a failure by error code in a blob of its own, with no warning from Powertools', () => {
    // Prepare
    const failed = failureResult('send_text_msg', new SendError('NOT_FOUND', 'no room'), undefined);

    // Act
    recordSend(failed, { attempts: 2, upstreamMs: 4, fanoutId: 'f3' });
    recordSend(failed, { attempts: 1, upstreamMs: 4, fanoutId: 'f3' });
    shared.publishStoredMetrics();

    // Assess
    const [first, , rest] = printed();
    expect(printed()).toHaveLength(3);
    expect(first).toBe(
      '{"_aws":{"Timestamp":0,"CloudWatchMetrics":[{"Namespace":"TencentChatSender","Dimensions":[["service","command","errorCode"]],"Metrics":[{"Name":"MessagesFailed","Unit":"Count"}]}]},"fanoutId":"f3","service":"tencent-chat-sender","command":"send_text_msg","errorCode":"NOT_FOUND","MessagesFailed":1}',
    );
    expect(rest).toBe(
      '{"_aws":{"Timestamp":0,"CloudWatchMetrics":[{"Namespace":"TencentChatSender","Dimensions":[["service","command"]],"Metrics":[{"Name":"Retries","Unit":"Count"},{"Name":"UpstreamLatency","Unit":"Milliseconds"}]}]},"fanoutId":"f3","service":"tencent-chat-sender","command":"send_text_msg","Retries":[1,0],"UpstreamLatency":[4,4]}',
    );
  });
});

describe('Function: createMetrics', () => {
  it("keeps this product's namespace and service when the variables are empty", () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', ' ');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', '');
    const metrics = createMetrics();
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'orders');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'Shop');
    const named = createMetrics();

    // Act
    for (const each of [metrics, named]) {
      each.addMetric('Retries', MetricUnit.Count, 0);
      each.publishStoredMetrics();
    }

    // Assess
    const blobs = printed().map((line) => JSON.parse(line));
    expect(blobs.map((blob) => [blob._aws.CloudWatchMetrics[0].Namespace, blob.service])).toEqual([
      ['TencentChatSender', 'tencent-chat-sender'],
      ['Shop', 'orders'],
    ]);
  });
});

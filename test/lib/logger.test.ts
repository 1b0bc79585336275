import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../lib/logger.ts';
import { type CapturedOutput, captureOutput, jsonLines } from '../support/output.ts';

// lib/logger.ts is Powertools Logger with this product's service name; the lines below pin the
// format it prints, a contract with every log query and dashboard (checked again on upgrades).

const context = (awsRequestId: string) => ({
  awsRequestId,
  functionName: 'fn',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:fn',
  memoryLimitInMB: '256',
  logGroupName: 'g',
  logStreamName: 's',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 1_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

const LAMBDA_FIELDS =
  '"function_arn":"arn:aws:lambda:us-east-1:1:function:fn","function_memory_size":"256","function_name":"fn"';

let output: CapturedOutput;
const printed = () =>
  output.lines().map((line) => line.replace(/"timestamp":"[^"]+"/, '"timestamp":"T"'));

beforeEach(() => {
  output = captureOutput();
});
afterEach(() => {
  output.restore();
  vi.unstubAllEnvs();
});

describe('Class: Logger', () => {
  it('writes Powertools lines: base keys in order, then the attributes, without empty ones', () => {
    // Prepare
    const logger = createLogger();

    // Act
    logger.info('before context', { a: 1 });
    logger.addContext(context('r1'));
    logger.info('Message sent', {
      command: 'send_group_msg',
      random: 5,
      tencentRequestId: undefined,
      tencentInfo: '',
      nothing: null,
      warnings: [{ path: 'a', message: 'b' }],
      nested: { x: undefined, y: '', z: null },
      level: 'dropped: a reserved key',
    });

    // Assess
    expect(printed()).toStrictEqual([
      '{"level":"INFO","message":"before context","timestamp":"T","service":"tencent-chat-sender","sampling_rate":0,"a":1}',
      // Powertools says so when it drops a reserved key.
      `{"level":"WARN","message":"The key \\"level\\" is a reserved key and will be dropped.","timestamp":"T","service":"tencent-chat-sender","cold_start":false,${LAMBDA_FIELDS},"function_request_id":"r1","sampling_rate":0}`,
      `{"level":"INFO","message":"Message sent","timestamp":"T","service":"tencent-chat-sender","cold_start":false,${LAMBDA_FIELDS},"function_request_id":"r1","sampling_rate":0,"command":"send_group_msg","random":5,"warnings":[{"path":"a","message":"b"}],"nested":{"y":"","z":null}}`,
    ]);
  });

  it('marks the first invocation of an on-demand container as the cold start', () => {
    // Prepare
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const logger = createLogger();

    // Act
    logger.addContext(context('r1'));
    logger.info('one');
    logger.addContext(context('r2'));
    logger.info('two');

    // Assess
    expect(printed().map((line) => JSON.parse(line).cold_start)).toStrictEqual([true, false]);
  });

  it('takes its level from POWERTOOLS_LOG_LEVEL, and AWS_LAMBDA_LOG_LEVEL over it', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'WARN');
    const warnOnly = createLogger();
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', 'ERROR');
    const errorOnly = createLogger();

    // Act
    for (const logger of [warnOnly, errorOnly]) {
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
    }

    // Assess
    expect(printed().map((line) => JSON.parse(line).message)).toStrictEqual(['w', 'e', 'e']);
  });

  it('prints nothing at SILENT', () => {
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    createLogger().error('e');
    expect(output.lines()).toStrictEqual([]);
  });

  it('adds the X-Ray trace id, an Error formatted as Powertools does, and bigints as text', () => {
    // Prepare
    vi.stubEnv('_X_AMZN_TRACE_ID', 'Root=1-abc-def;Parent=x;Sampled=1');
    const logger = createLogger();
    const error = Object.assign(new Error('boom'), { code: 'E1' });

    // Act
    logger.error('with error', { err: error, big: 10n });

    // Assess
    const line = JSON.parse(output.lines()[0] ?? '{}');
    expect(line).toMatchObject({ xray_trace_id: '1-abc-def', big: '10' });
    expect(line.err).toStrictEqual({
      name: 'Error',
      // Powertools' rule: the first frame written `(file:line:column)`.
      location: expect.stringMatching(/:\d+$/),
      message: 'boom',
      stack: expect.stringContaining('Error: boom'),
      code: 'E1',
    });
  });

  it('indents by four in dev mode, through the global console', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});

    // Act
    createLogger().info('x');

    // Assess
    expect(info.mock.calls[0]?.[0]).toContain('{\n    "level": "INFO",\n    "message": "x",');
    info.mockRestore();
  });

  it('writes timestamps with the offset of TZ, and in UTC as ISO', () => {
    vi.stubEnv('TZ', 'Asia/Shanghai');
    createLogger().info('x');
    vi.stubEnv('TZ', ':UTC');
    createLogger().info('y');
    const [shanghai, utc] = output.lines().map((line) => JSON.parse(line).timestamp);
    expect(shanghai).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
    expect(utc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('logs every level for a sampled invocation (POWERTOOLS_LOGGER_SAMPLE_RATE)', () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
    vi.stubEnv('POWERTOOLS_LOGGER_SAMPLE_RATE', '1');
    const logger = createLogger();

    // Act
    logger.debug('d');

    // Assess
    expect(jsonLines(output.lines()).find((line) => line.message === 'd')).toMatchObject({
      level: 'DEBUG',
      sampling_rate: 1,
    });
  });

  it("keeps this product's service name when POWERTOOLS_SERVICE_NAME is empty", () => {
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', '');
    createLogger().info('x');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'orders');
    createLogger().info('y');
    expect(jsonLines(output.lines()).map((line) => line.service)).toEqual([
      'tencent-chat-sender',
      'orders',
    ]);
  });
});

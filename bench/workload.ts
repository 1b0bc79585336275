import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { LOCAL_SECRET_ID, localAwsEnvironment } from '../emulators/local-environment.ts';
import { DEFAULT_APP } from '../emulators/tencent-chat/emulator.ts';

/** What every benchmark process shares: the commands, their requests and the environment. */

const COMMANDS = {
  'send-group-msg': { service: 'group_open_http_svc', command: 'send_group_msg' },
  'send-broadcast-msg': { service: 'group_open_http_svc', command: 'send_broadcast_msg' },
  'send-text-msg': { service: 'live_engine_http_srv', command: 'send_text_msg' },
  'send-custom-msg': { service: 'live_engine_http_srv', command: 'send_custom_msg' },
} as const;

type FunctionName = keyof typeof COMMANDS;

const FUNCTION_NAMES = Object.keys(COMMANDS) as FunctionName[];

const text = (Text: string) => ({ MsgType: 'TIMTextElem', MsgContent: { Text } });

/** The i-th request: group commands carry their own Random, so no two are de-duplicated. */
const requestFor = (name: FunctionName, i: number): Record<string, unknown> => {
  switch (name) {
    case 'send-group-msg':
      return { GroupId: '@TGS#2C5SZEAEF', Random: i, MsgBody: [text('benchmark message')] };
    case 'send-broadcast-msg':
      return { Random: i, MsgBody: [text('benchmark broadcast')] };
    case 'send-text-msg':
      return { RoomId: 'room1', Sender_Account: 'host', TextContent: 'benchmark message' };
    case 'send-custom-msg':
      return { RoomId: 'room1', BusinessId: 'benchmark', Data: '{"n":1}' };
  }
};

const SECRET_ID = LOCAL_SECRET_ID;

const environmentFor = (urls: {
  tencentUrl: string;
  secretsUrl: string;
}): Record<string, string> => ({
  ...localAwsEnvironment(urls.secretsUrl),
  TENCENT_CHAT_BASE_URL: urls.tencentUrl,
});

interface ColdSample {
  importMs: number;
  /** With a request to invoke it with only. */
  firstInvocationMs?: number;
  /** From the process's start to the import's end, or to the first result when invoked. */
  endToEndMs: number;
}

const coldStartScript = new URL('./cold-start.mjs', import.meta.url).pathname;

/** One cold start of `file` in a fresh process (bench/cold-start.mjs), invoked once if asked. */
const coldSample = async (
  file: string,
  env: NodeJS.ProcessEnv,
  invokeWith?: object,
): Promise<ColdSample> => {
  const args = [
    coldStartScript,
    file,
    ...(invokeWith ? ['invoke', JSON.stringify(invokeWith)] : []),
  ];
  const { stderr } = await promisify(execFile)(process.execPath, args, { env, maxBuffer: 1 << 24 });
  return JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}') as ColdSample;
};

const lambdaContext = () => ({
  awsRequestId: randomUUID(),
  functionName: 'benchmark',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:benchmark',
  memoryLimitInMB: '256',
  logGroupName: '/aws/lambda/benchmark',
  logStreamName: 'benchmark',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 10_000,
});

const percentile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;

const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
  };
};

const digest = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 16);

export type { FunctionName };
export {
  COMMANDS,
  coldSample,
  DEFAULT_APP,
  digest,
  environmentFor,
  FUNCTION_NAMES,
  lambdaContext,
  requestFor,
  SECRET_ID,
  summary,
};

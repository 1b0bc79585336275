import type { Context } from 'aws-lambda';
import { newContainer } from '../../emulators/lambda-container.ts';
import { LOCAL_SECRET_ID, localAwsEnvironment } from '../../emulators/local-environment.ts';
import {
  type RunningSecretsManager,
  startSecretsManager,
} from '../../emulators/secrets-manager/server.ts';
import type { EmulatorOptions } from '../../emulators/tencent-chat/emulator.ts';
import { defaultAdminSecret } from '../../emulators/tencent-chat/emulator.ts';
import {
  type RunningEmulator,
  startTencentChatEmulator,
} from '../../emulators/tencent-chat/server.ts';

/** The local stack the integration tests run the built bundles against. */

const SECRET_ID = LOCAL_SECRET_ID;

const FUNCTIONS = {
  send_group_msg: 'send-group-msg',
  send_broadcast_msg: 'send-broadcast-msg',
  send_text_msg: 'send-text-msg',
  send_custom_msg: 'send-custom-msg',
} as const;

type CommandName = keyof typeof FUNCTIONS;

type Handler = (event: unknown, context: Context) => Promise<unknown>;

interface Stack {
  tencent: RunningEmulator;
  secrets: RunningSecretsManager;
  env: Record<string, string>;
  close: () => Promise<void>;
}

const secretValue = defaultAdminSecret;

/** Starts the emulator and the Secrets Manager stand-in and points the environment at them. */
const startStack = async (options: EmulatorOptions = {}): Promise<Stack> => {
  const tencent = await startTencentChatEmulator(options);
  const secrets = await startSecretsManager({ secrets: { [SECRET_ID]: secretValue() } });
  const env = {
    ...localAwsEnvironment(secrets.url),
    TENCENT_CHAT_BASE_URL: tencent.url,
    TENCENT_CHAT_BACKOFF_BASE_MS: '5',
    TENCENT_CHAT_BACKOFF_MAX_MS: '20',
  };
  Object.assign(process.env, env);
  return {
    tencent,
    secrets,
    env,
    close: async () => {
      await Promise.all([tencent.close(), secrets.close()]);
    },
  };
};

/** Loads a built bundle in a new container, with empty caches (emulators/lambda-container.ts). */
const loadBundle = (command: CommandName): Promise<Handler> =>
  newContainer<Handler>(FUNCTIONS[command]);

/** A Lambda context with a deadline, as the runtime passes it. */
const lambdaContext = (timeoutMs = 10_000, awsRequestId: string = crypto.randomUUID()): Context => {
  const deadline = Date.now() + timeoutMs;
  return {
    awsRequestId,
    functionName: 'send-test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:send-test',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/send-test',
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
};

export type { CommandName, Handler, Stack };
export { FUNCTIONS, lambdaContext, loadBundle, SECRET_ID, secretValue, startStack };

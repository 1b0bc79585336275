import { type RunningEventBridge, startEventBridge } from './eventbridge/server.ts';
import { type RunningSecretsManager, startSecretsManager } from './secrets-manager/server.ts';
import { defaultAdminSecret } from './tencent-chat/emulator.ts';

/**
 * What a function needs in its environment to run against the local stand-ins, as Lambda would
 * set it: AWS credentials and region, the Secrets Manager stand-in, and the secret's name; and
 * that stand-in, holding the emulator's admin secret under that name.
 */

const LOCAL_SECRET_ID = 'tencent-chat/admin';
/** The local stage's fan-out report table (serverless.yml names it the same way). */
const LOCAL_FANOUT_TABLE = 'tencent-chat-sender-local-fanouts';

const localAwsEnvironment = (
  secretsUrl: string,
  { eventBridgeUrl }: { eventBridgeUrl?: string } = {},
): Record<string, string> => ({
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
  // As the Lambda runtime sets it, so that cold starts are logged and counted.
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  TENCENT_CHAT_SECRET_ID: LOCAL_SECRET_ID,
  // The finished events of fan-outs go to the EventBridge stand-in, which records them.
  ...(eventBridgeUrl !== undefined && { AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridgeUrl }),
});

/** The Secrets Manager stand-in holding the emulator's default admin secret as LOCAL_SECRET_ID. */
const startLocalSecretsManager = (
  options: { port?: number; host?: string } = {},
): Promise<RunningSecretsManager> =>
  startSecretsManager({ ...options, secrets: { [LOCAL_SECRET_ID]: defaultAdminSecret() } });

/** The EventBridge stand-in, recording the events it is sent (GET /stand-in/events). */
const startLocalEventBridge = (
  options: { port?: number; host?: string } = {},
): Promise<RunningEventBridge> => startEventBridge(options);

export {
  LOCAL_FANOUT_TABLE,
  LOCAL_SECRET_ID,
  localAwsEnvironment,
  startLocalEventBridge,
  startLocalSecretsManager,
};

import { type RunningSecretsManager, startSecretsManager } from './secrets-manager/server.ts';
import { defaultAdminSecret } from './tencent-chat/emulator.ts';

/**
 * What a function needs in its environment to run against the local stand-ins, as Lambda would
 * set it: AWS credentials and region, the Secrets Manager stand-in, and the secret's name; and
 * that stand-in, holding the emulator's admin secret under that name.
 */

const LOCAL_SECRET_ID = 'tencent-chat/admin';

const localAwsEnvironment = (secretsUrl: string): Record<string, string> => ({
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
  // As the Lambda runtime sets it, so that cold starts are logged and counted.
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  TENCENT_CHAT_SECRET_ID: LOCAL_SECRET_ID,
});

/** The Secrets Manager stand-in holding the emulator's default admin secret as LOCAL_SECRET_ID. */
const startLocalSecretsManager = (
  options: { port?: number; host?: string } = {},
): Promise<RunningSecretsManager> =>
  startSecretsManager({ ...options, secrets: { [LOCAL_SECRET_ID]: defaultAdminSecret() } });

export { LOCAL_SECRET_ID, localAwsEnvironment, startLocalSecretsManager };

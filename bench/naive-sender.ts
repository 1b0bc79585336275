import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Api } from 'tls-sig-api-v2/TLSSigAPIv2.js';

/**
 * The usual hand-written sender, for comparison: it reads the secret and signs a UserSig on every
 * call, then posts with fetch. (One SDK client per container, as any sender would keep.)
 */

const client = new SecretsManagerClient({});

const naiveSend = async (
  baseUrl: string,
  secretId: string,
  target: { service: string; command: string },
  body: object,
): Promise<unknown> => {
  const secret = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const { sdkAppId, secretKey, adminIdentifier } = JSON.parse(secret.SecretString ?? '{}');
  const userSig = new Api(Number(sdkAppId), secretKey).genUserSig(adminIdentifier, 86_400);
  const query = new URLSearchParams({
    sdkappid: String(sdkAppId),
    identifier: adminIdentifier,
    usersig: userSig,
    random: String(Math.floor(Math.random() * 4294967295)),
    contenttype: 'json',
  });
  const response = await fetch(`${baseUrl}/v4/${target.service}/${target.command}?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const reply = (await response.json()) as { ErrorCode: number };
  if (reply.ErrorCode !== 0) throw new Error(`Tencent ErrorCode ${reply.ErrorCode}`);
  return reply;
};

export { naiveSend };

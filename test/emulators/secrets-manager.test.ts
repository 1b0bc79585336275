import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningSecretsManager,
  startSecretsManager,
} from '../../emulators/secrets-manager/server.ts';

/** The stand-in, reached by the real AWS SDK client as a deployment reaches Secrets Manager. */

let standIn: RunningSecretsManager;
let client: SecretsManagerClient;

describe('Secrets Manager stand-in', () => {
  beforeAll(async () => {
    standIn = await startSecretsManager({ secrets: { app: '{"a":1}' } });
    client = new SecretsManagerClient({
      region: 'us-east-1',
      endpoint: standIn.url,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });
  afterAll(() => standIn.close());

  it('answers GetSecretValue by name and by ARN', async () => {
    const byName = await client.send(new GetSecretValueCommand({ SecretId: 'app' }));
    const byArn = await client.send(new GetSecretValueCommand({ SecretId: byName.ARN }));
    expect(byName).toMatchObject({
      Name: 'app',
      SecretString: '{"a":1}',
      VersionStages: ['AWSCURRENT'],
    });
    expect(byArn.SecretString).toBe('{"a":1}');
    expect(byName.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:app-\w{6}$/);
  });

  it('changes the secret while running with PutSecretValue', async () => {
    await client.send(new PutSecretValueCommand({ SecretId: 'app', SecretString: '{"a":2}' }));
    const value = await client.send(new GetSecretValueCommand({ SecretId: 'app' }));
    expect(value.SecretString).toBe('{"a":2}');
  });

  it('answers an unknown secret with ResourceNotFoundException, and injected faults by name', async () => {
    await expect(
      client.send(new GetSecretValueCommand({ SecretId: 'nope' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    standIn.addFault({ error: 'ThrottlingException' });
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'app' }))).rejects.toMatchObject(
      { name: 'ThrottlingException' },
    );
    await expect(
      client.send(new GetSecretValueCommand({ SecretId: 'app' })),
    ).resolves.toMatchObject({ Name: 'app' });
  });

  it('counts the calls it answered', () => {
    expect(standIn.calls.GetSecretValue).toBeGreaterThanOrEqual(5);
    expect(standIn.calls.PutSecretValue).toBe(1);
  });
});

import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../lib/errors.ts';
import { clearSecretCache, getAdminCredentials, parseAdminCredentials } from '../../lib/secrets.ts';

const SECRET_KEY = 'the-secret-key-that-must-never-leak';
const secretString = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    sdkAppId: 1400000000,
    secretKey: SECRET_KEY,
    adminIdentifier: 'administrator',
    ...overrides,
  });

const secretsManager = mockClient(SecretsManagerClient);
const options = { secretId: 'tencent-chat/admin', maxAgeSeconds: 300 };

describe('Function: getAdminCredentials', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_REGION', 'us-east-1');
    clearSecretCache();
    secretsManager.reset();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllEnvs();
  });

  it('reads the secret once and serves later calls from the cache', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });

    // Act
    const first = await getAdminCredentials(options);
    for (let i = 0; i < 99; i += 1) await getAdminCredentials(options);

    // Assess
    expect(first).toStrictEqual({
      sdkAppId: 1400000000,
      secretKey: SECRET_KEY,
      adminIdentifier: 'administrator',
    });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toStrictEqual({
      SecretId: 'tencent-chat/admin',
    });
  });

  it('fetches again once the cache lifetime has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString() });
    await getAdminCredentials(options);
    vi.setSystemTime(Date.now() + 301_000);
    await getAdminCredentials(options);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('shares one fetch among concurrent callers', async () => {
    secretsManager.on(GetSecretValueCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { SecretString: secretString() };
    });
    await Promise.all(Array.from({ length: 50 }, () => getAdminCredentials(options)));
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('does not cache a failed fetch', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('boom'), { name: 'InternalServiceError' }))
      .resolves({ SecretString: secretString() });

    // Act & Assess
    await expect(getAdminCredentials(options)).rejects.toThrow(
      'Could not read the secret named by TENCENT_CHAT_SECRET_ID: InternalServiceError',
    );
    await expect(getAdminCredentials(options)).resolves.toMatchObject({ sdkAppId: 1400000000 });
  });

  it('does not cache a secret it cannot use, so a fixed one is read at the next call', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: secretString({ secretKey: '' }) })
      .resolves({ SecretString: secretString() });

    // Act & Assess
    await expect(getAdminCredentials(options)).rejects.toThrow('Secret field secretKey');
    await expect(getAdminCredentials(options)).resolves.toMatchObject({ sdkAppId: 1400000000 });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('reports a missing secret as CONFIGURATION_ERROR naming the variable', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('not found'), { name: 'ResourceNotFoundException' }));
    const failure = getAdminCredentials(options);
    await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
    await expect(failure).rejects.toThrow(/TENCENT_CHAT_SECRET_ID: ResourceNotFoundException/);
  });

  it('fetches again when forced, bypassing the cache, and caches the new value', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: secretString() })
      .resolves({ SecretString: secretString({ secretKey: 'rotated-key' }) });
    await getAdminCredentials(options);

    // Act
    const refreshed = await getAdminCredentials({ ...options, forceFetch: true });
    const later = await getAdminCredentials(options);

    // Assess
    expect(refreshed.secretKey).toBe('rotated-key');
    expect(later.secretKey).toBe('rotated-key');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});

describe('Function: parseAdminCredentials', () => {
  it('accepts sdkAppId as a string of digits, as the console key/value editor stores it', () => {
    expect(parseAdminCredentials(secretString({ sdkAppId: '1400000001' })).sdkAppId).toBe(
      1400000001,
    );
  });

  it.each([
    [secretString({ sdkAppId: 'abc' }), 'Secret field sdkAppId must be a positive whole number'],
    [secretString({ sdkAppId: -1 }), 'Secret field sdkAppId'],
    [secretString({ secretKey: '' }), 'Secret field secretKey must be a non-empty string'],
    [
      secretString({ adminIdentifier: 7 }),
      'Secret field adminIdentifier must be a non-empty string',
    ],
    ['{not json', 'is not JSON'],
    ['[1,2]', 'must be a JSON object with sdkAppId, secretKey and adminIdentifier'],
    [undefined, 'has no SecretString'],
  ])('fails with CONFIGURATION_ERROR naming the field, never the value (%#)', (value, message) => {
    let error: unknown;
    try {
      parseAdminCredentials(value);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain(SECRET_KEY);
  });
});

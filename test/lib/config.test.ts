import { describe, expect, it } from 'vitest';
import { DEFAULTS, readConfig } from '../../lib/config.ts';
import { ConfigurationError } from '../../lib/errors.ts';
import { REGION_DOMAINS, REGIONS } from '../../lib/regions.ts';

const BASE = { TENCENT_CHAT_SECRET_ID: 'tencent-chat/admin', TENCENT_CHAT_REGION: 'singapore' };

const failureOf = (env: Record<string, string | undefined>): string => {
  try {
    readConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).code).toBe('CONFIGURATION_ERROR');
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('Function: readConfig', () => {
  it('reads the secret id and maps the region to its domain, with defaults for the tunables', () => {
    expect(readConfig(BASE)).toStrictEqual({
      secretId: 'tencent-chat/admin',
      baseUrl: 'https://adminapisgp.im.qcloud.com',
      attemptTimeoutMs: DEFAULTS.attemptTimeoutMs,
      maxRetries: DEFAULTS.maxRetries,
      backoffBaseMs: DEFAULTS.backoffBaseMs,
      backoffMaxMs: DEFAULTS.backoffMaxMs,
      deadlineReserveMs: DEFAULTS.deadlineReserveMs,
      secretMaxAgeSeconds: 300,
      userSigLifetimeSeconds: DEFAULTS.userSigLifetimeSeconds,
      idempotencyTable: undefined,
      idempotencyLifetimeSeconds: 86_400,
    });
  });

  it('reads the idempotency table and its lifetime', () => {
    const config = readConfig({
      ...BASE,
      TENCENT_CHAT_IDEMPOTENCY_TABLE: ' sends-idempotency ',
      TENCENT_CHAT_IDEMPOTENCY_TTL_SECONDS: '3600',
    });
    expect(config).toMatchObject({
      idempotencyTable: 'sends-idempotency',
      idempotencyLifetimeSeconds: 3600,
    });
  });

  it('refuses an idempotency lifetime shorter than the five-minute window of Tencent', () => {
    expect(() => readConfig({ ...BASE, TENCENT_CHAT_IDEMPOTENCY_TTL_SECONDS: '60' })).toThrow(
      'Environment variable TENCENT_CHAT_IDEMPOTENCY_TTL_SECONDS must be a whole number',
    );
  });

  it.each(REGIONS)('maps region %s to its Tencent domain', (region) => {
    expect(readConfig({ ...BASE, TENCENT_CHAT_REGION: region }).baseUrl).toBe(
      `https://${REGION_DOMAINS[region]}`,
    );
  });

  it('lets TENCENT_CHAT_BASE_URL replace the region, keeping scheme, host and port', () => {
    const config = readConfig({
      TENCENT_CHAT_SECRET_ID: 's',
      TENCENT_CHAT_BASE_URL: 'http://127.0.0.1:4100/',
    });
    expect(config.baseUrl).toBe('http://127.0.0.1:4100');
  });

  it('reads the tunables', () => {
    const config = readConfig({
      ...BASE,
      TENCENT_CHAT_TIMEOUT_MS: '1500',
      TENCENT_CHAT_MAX_RETRIES: '0',
      TENCENT_CHAT_SECRET_MAX_AGE_SECONDS: '60',
    });
    expect(config).toMatchObject({
      attemptTimeoutMs: 1500,
      maxRetries: 0,
      secretMaxAgeSeconds: 60,
    });
  });

  it.each([
    [{ TENCENT_CHAT_REGION: 'china' }, 'Environment variable TENCENT_CHAT_SECRET_ID is required'],
    [
      { TENCENT_CHAT_SECRET_ID: '  ', TENCENT_CHAT_REGION: 'china' },
      'Environment variable TENCENT_CHAT_SECRET_ID is required',
    ],
    [{ TENCENT_CHAT_SECRET_ID: 's' }, 'Environment variable TENCENT_CHAT_REGION is required'],
    [
      { ...BASE, TENCENT_CHAT_REGION: 'Singapore' },
      'TENCENT_CHAT_REGION must be one of china, singapore',
    ],
    [{ ...BASE, TENCENT_CHAT_BASE_URL: 'not a url' }, 'TENCENT_CHAT_BASE_URL must be a URL'],
    [
      { ...BASE, TENCENT_CHAT_BASE_URL: 'https://proxy.example/v4' },
      'TENCENT_CHAT_BASE_URL must be scheme, host and optional port only',
    ],
    [
      { ...BASE, TENCENT_CHAT_BASE_URL: 'ftp://proxy.example' },
      'TENCENT_CHAT_BASE_URL must be scheme',
    ],
    [
      { ...BASE, TENCENT_CHAT_TIMEOUT_MS: 'fast' },
      'TENCENT_CHAT_TIMEOUT_MS must be a whole number from 100 to 60000',
    ],
    [
      { ...BASE, TENCENT_CHAT_MAX_RETRIES: '11' },
      'TENCENT_CHAT_MAX_RETRIES must be a whole number from 0 to 10',
    ],
  ])('fails with CONFIGURATION_ERROR naming the variable (%#)', (env, message) => {
    expect(failureOf(env)).toContain(message);
  });
});

import { ConfigurationError } from './errors.ts';
import { baseUrlForRegion, isRegion, REGIONS } from './regions.ts';

/** Everything the sender reads from its environment (contract section 2 and the README). */
interface Config {
  secretId: string;
  baseUrl: string;
  /** Timeout of one HTTP attempt to Tencent. */
  attemptTimeoutMs: number;
  /** Retries after the first attempt, for retryable failures only. */
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Time kept free before the Lambda deadline to answer cleanly. */
  deadlineReserveMs: number;
  secretMaxAgeSeconds: number;
  userSigLifetimeSeconds: number;
  /** The DynamoDB idempotency table (contract section 5); undefined = no table, nothing recorded. */
  idempotencyTable: string | undefined;
  /** How long a key's record is kept. */
  idempotencyLifetimeSeconds: number;
}

type Environment = Record<string, string | undefined>;

/** What to do with request fields Tencent does not document: refuse them, or send them as given. */
type UnknownFieldsMode = 'reject' | 'forward';

const UNKNOWN_FIELDS_MODES: readonly UnknownFieldsMode[] = ['reject', 'forward'];

const DEFAULTS = {
  attemptTimeoutMs: 5_000,
  maxRetries: 3,
  backoffBaseMs: 200,
  backoffMaxMs: 2_000,
  deadlineReserveMs: 300,
  secretMaxAgeSeconds: 300,
  userSigLifetimeSeconds: 86_400,
  idempotencyLifetimeSeconds: 86_400,
} as const;

const readText = (env: Environment, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
};

const requireText = (env: Environment, name: string): string => {
  const value = readText(env, name);
  if (value === undefined) {
    throw new ConfigurationError(`Environment variable ${name} is required`);
  }
  return value;
};

const readInteger = (
  env: Environment,
  name: string,
  fallback: number,
  { min, max }: { min: number; max: number },
): number => {
  const text = readText(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(
      `Environment variable ${name} must be a whole number from ${min} to ${max}`,
    );
  }
  return value;
};

const readBaseUrl = (env: Environment): string => {
  const override = readText(env, 'TENCENT_CHAT_BASE_URL');
  if (override !== undefined) {
    let url: URL;
    try {
      url = new URL(override);
    } catch {
      throw new ConfigurationError('Environment variable TENCENT_CHAT_BASE_URL must be a URL');
    }
    const bare = url.pathname === '/' && url.search === '' && url.hash === '';
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !bare) {
      throw new ConfigurationError(
        'Environment variable TENCENT_CHAT_BASE_URL must be scheme, host and optional port only',
      );
    }
    return url.origin;
  }
  const region = requireText(env, 'TENCENT_CHAT_REGION');
  if (!isRegion(region)) {
    throw new ConfigurationError(
      `Environment variable TENCENT_CHAT_REGION must be one of ${REGIONS.join(', ')}`,
    );
  }
  return baseUrlForRegion(region);
};

const readConfig = (env: Environment = process.env): Config => ({
  secretId: requireText(env, 'TENCENT_CHAT_SECRET_ID'),
  baseUrl: readBaseUrl(env),
  attemptTimeoutMs: readInteger(env, 'TENCENT_CHAT_TIMEOUT_MS', DEFAULTS.attemptTimeoutMs, {
    min: 100,
    max: 60_000,
  }),
  maxRetries: readInteger(env, 'TENCENT_CHAT_MAX_RETRIES', DEFAULTS.maxRetries, {
    min: 0,
    max: 10,
  }),
  backoffBaseMs: readInteger(env, 'TENCENT_CHAT_BACKOFF_BASE_MS', DEFAULTS.backoffBaseMs, {
    min: 1,
    max: 10_000,
  }),
  backoffMaxMs: readInteger(env, 'TENCENT_CHAT_BACKOFF_MAX_MS', DEFAULTS.backoffMaxMs, {
    min: 1,
    max: 60_000,
  }),
  deadlineReserveMs: readInteger(
    env,
    'TENCENT_CHAT_DEADLINE_RESERVE_MS',
    DEFAULTS.deadlineReserveMs,
    { min: 0, max: 10_000 },
  ),
  secretMaxAgeSeconds: readInteger(
    env,
    'TENCENT_CHAT_SECRET_MAX_AGE_SECONDS',
    DEFAULTS.secretMaxAgeSeconds,
    { min: 0, max: 86_400 },
  ),
  userSigLifetimeSeconds: readInteger(
    env,
    'TENCENT_CHAT_USERSIG_TTL_SECONDS',
    DEFAULTS.userSigLifetimeSeconds,
    { min: 600, max: 15_552_000 },
  ),
  idempotencyTable: readText(env, 'TENCENT_CHAT_IDEMPOTENCY_TABLE'),
  // At least Tencent's own five-minute window; at most a year.
  idempotencyLifetimeSeconds: readInteger(
    env,
    'TENCENT_CHAT_IDEMPOTENCY_TTL_SECONDS',
    DEFAULTS.idempotencyLifetimeSeconds,
    { min: 300, max: 31_536_000 },
  ),
});

/**
 * TENCENT_CHAT_UNKNOWN_FIELDS, read apart from readConfig because the request is checked with it
 * before anything else is needed.
 */
const readUnknownFieldsMode = (env: Environment = process.env): UnknownFieldsMode => {
  const value = readText(env, 'TENCENT_CHAT_UNKNOWN_FIELDS') ?? 'reject';
  const mode = UNKNOWN_FIELDS_MODES.find((known) => known === value);
  if (mode === undefined) {
    throw new ConfigurationError(
      `Environment variable TENCENT_CHAT_UNKNOWN_FIELDS must be one of ${UNKNOWN_FIELDS_MODES.join(', ')}`,
    );
  }
  return mode;
};

export type { Config, Environment, UnknownFieldsMode };
export { DEFAULTS, readConfig, readUnknownFieldsMode };

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

const readNumber = (
  env: Environment,
  name: string,
  fallback: number,
  { min, max, whole = false }: { min: number; max: number; whole?: boolean },
): number => {
  const text = readText(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  const valid = whole ? Number.isInteger(value) : Number.isFinite(value);
  if (!valid || value < min || value > max) {
    throw new ConfigurationError(
      `Environment variable ${name} must be a ${whole ? 'whole number' : 'number'} from ${min} to ${max}`,
    );
  }
  return value;
};

const readInteger = (
  env: Environment,
  name: string,
  fallback: number,
  range: { min: number; max: number },
): number => readNumber(env, name, fallback, { ...range, whole: true });

/** Queue mode's settings (contract section 6; defaults in the README). */
interface QueueConfig {
  /** The most sends one container starts per second. */
  sendsPerSecond: number;
  /** The most sends to one group one container starts per second. */
  groupSendsPerSecond: number;
  /** Merge broadcasts taken together from one batch (send_broadcast_msg only). */
  mergeBroadcasts: boolean;
}

/** Tencent's limits the queue defaults divide (reference B.6). */
const TENCENT_LIMITS = { perCommandPerSecond: 200, perGroupPerSecond: 40 } as const;

const QUEUE_DEFAULTS = {
  /** Tencent's 200/s shared by the default maximum concurrency of 5. */
  sendsPerSecond: 40,
} as const;

const readQueueConfig = (env: Environment = process.env): QueueConfig => {
  const sendsPerSecond = readNumber(
    env,
    'TENCENT_CHAT_QUEUE_SENDS_PER_SECOND',
    QUEUE_DEFAULTS.sendsPerSecond,
    { min: 0.1, max: 1_000 },
  );
  // A container's share of the per-group limit is its share of the per-command limit.
  const share = Math.min(1, sendsPerSecond / TENCENT_LIMITS.perCommandPerSecond);
  const merge = readText(env, 'TENCENT_CHAT_QUEUE_MERGE_BROADCASTS') ?? 'false';
  if (merge !== 'true' && merge !== 'false') {
    throw new ConfigurationError(
      'Environment variable TENCENT_CHAT_QUEUE_MERGE_BROADCASTS must be true or false',
    );
  }
  return {
    sendsPerSecond,
    groupSendsPerSecond: readNumber(
      env,
      'TENCENT_CHAT_QUEUE_GROUP_SENDS_PER_SECOND',
      Math.max(1, TENCENT_LIMITS.perGroupPerSecond * share),
      { min: 0.1, max: TENCENT_LIMITS.perGroupPerSecond },
    ),
    mergeBroadcasts: merge === 'true',
  };
};

/** Fan-out reports (contract section 10; README "Fan-out reports"). */
interface FanOutConfig {
  /** The report table; undefined = no reports are kept or read. */
  table: string | undefined;
  /** The EventBridge bus of the "Group fan-out finished" events. */
  eventBus: string;
  /** How long a report is kept. */
  reportLifetimeSeconds: number;
  /** The send-group-msg queue's maxReceiveCount: a record's last receive before the DLQ. */
  maxReceives: number;
}

const FAN_OUT_DEFAULTS = { reportDays: 7, eventBus: 'default', maxReceives: 10 } as const;

const readFanOutConfig = (env: Environment = process.env): FanOutConfig => ({
  table: readText(env, 'TENCENT_CHAT_FANOUT_TABLE'),
  eventBus: readText(env, 'TENCENT_CHAT_EVENT_BUS') ?? FAN_OUT_DEFAULTS.eventBus,
  reportLifetimeSeconds:
    readInteger(env, 'TENCENT_CHAT_FANOUT_REPORT_DAYS', FAN_OUT_DEFAULTS.reportDays, {
      min: 1,
      max: 365,
    }) * 86_400,
  maxReceives: readInteger(env, 'TENCENT_CHAT_QUEUE_MAX_RECEIVES', FAN_OUT_DEFAULTS.maxReceives, {
    min: 1,
    max: 1_000,
  }),
});

/** The report table, for the functions that cannot work without it (get and cancel). */
const requireFanOutTable = (env: Environment = process.env): string =>
  requireText(env, 'TENCENT_CHAT_FANOUT_TABLE');

/** The queue fan-outs feed (fan-out-group-msg only). */
const readGroupQueueUrl = (env: Environment = process.env): string => {
  const text = requireText(env, 'TENCENT_CHAT_GROUP_QUEUE_URL');
  try {
    new URL(text);
  } catch {
    throw new ConfigurationError('Environment variable TENCENT_CHAT_GROUP_QUEUE_URL must be a URL');
  }
  return text;
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

/** The time kept back from the Lambda deadline to answer in, alone (the fan-out needs no more). */
const readDeadlineReserveMs = (env: Environment = process.env): number =>
  readInteger(env, 'TENCENT_CHAT_DEADLINE_RESERVE_MS', DEFAULTS.deadlineReserveMs, {
    min: 0,
    max: 10_000,
  });

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
  deadlineReserveMs: readDeadlineReserveMs(env),
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

export type { Config, Environment, FanOutConfig, QueueConfig, UnknownFieldsMode };
export {
  DEFAULTS,
  FAN_OUT_DEFAULTS,
  readConfig,
  readDeadlineReserveMs,
  readFanOutConfig,
  readGroupQueueUrl,
  readQueueConfig,
  readUnknownFieldsMode,
  requireFanOutTable,
};

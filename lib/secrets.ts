import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from './errors.ts';

/** The admin credentials kept in Secrets Manager (contract section 2). */
interface AdminCredentials {
  sdkAppId: number;
  secretKey: string;
  adminIdentifier: string;
}

interface FetchOptions {
  secretId: string;
  maxAgeSeconds: number;
  /** Skip the cache: after Tencent refused the signature, the secret may have been rotated. */
  forceFetch?: boolean;
}

/** Secrets Manager answers in milliseconds; a hung connection must not eat the Lambda's time. */
const SECRETS_MANAGER_CLIENT_CONFIG = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
};

const field = (name: string, problem: string): ConfigurationError =>
  new ConfigurationError(`Secret field ${name} ${problem}`);

const parseSdkAppId = (value: unknown): number => {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) {
    throw field('sdkAppId', 'must be a positive whole number (or a string of digits)');
  }
  return number;
};

const parseText = (record: Record<string, unknown>, name: string): string => {
  const value = record[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw field(name, 'must be a non-empty string');
  }
  return value.trim();
};

/** Checks the secret's JSON without ever putting its value into a message. */
const parseAdminCredentials = (secretText: unknown): AdminCredentials => {
  if (typeof secretText !== 'string') {
    throw new ConfigurationError('The secret named by TENCENT_CHAT_SECRET_ID has no SecretString');
  }
  let record: unknown;
  try {
    record = JSON.parse(secretText);
  } catch {
    throw new ConfigurationError('The secret named by TENCENT_CHAT_SECRET_ID is not JSON');
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw new ConfigurationError(
      'The secret named by TENCENT_CHAT_SECRET_ID must be a JSON object with sdkAppId, secretKey and adminIdentifier',
    );
  }
  const fields = record as Record<string, unknown>;
  return {
    sdkAppId: parseSdkAppId(fields.sdkAppId),
    secretKey: parseText(fields, 'secretKey'),
    adminIdentifier: parseText(fields, 'adminIdentifier'),
  };
};

/** The AWS error name or the system error code, never the message (it may quote the request). */
const describeFailure = (error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (!(cause instanceof Error)) return 'the fetch failed';
  const { code } = cause as { code?: unknown };
  if (typeof code === 'string') return code;
  return cause.name !== 'Error' ? cause.name : 'the fetch failed';
};

// Powertools' provider, made at the first fetch with the product's own client (its timeouts, and
// the credential chain the build trims to the environment's). It caches the secret's text for
// `maxAge`, and nothing when the fetch fails.
let provider: SecretsProvider | undefined;
// Powertools does not share a fetch under way: concurrent cold invocations join this one.
const fetchesUnderWay = new Map<string, Promise<AdminCredentials>>();
// The credentials of the text last read: the same object while the cached text lasts, so that the
// UserSig cache knows it without hashing the key again.
let parsed: { secretText: unknown; credentials: AdminCredentials } | undefined;

const credentialsOf = (secretText: unknown): AdminCredentials => {
  if (parsed !== undefined && parsed.secretText === secretText) return parsed.credentials;
  const credentials = parseAdminCredentials(secretText);
  parsed = { secretText, credentials };
  return credentials;
};

const fetchAdminCredentials = async ({
  secretId,
  maxAgeSeconds,
  forceFetch = false,
}: FetchOptions): Promise<AdminCredentials> => {
  provider ??= new SecretsProvider({
    awsSdkV3Client: new SecretsManagerClient(SECRETS_MANAGER_CLIENT_CONFIG),
  });
  let secretText: unknown;
  try {
    secretText = await provider.get(secretId, { maxAge: maxAgeSeconds, forceFetch });
  } catch (error) {
    // Powertools wraps the SDK's error in a GetParameterError.
    const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
    throw new ConfigurationError(
      `Could not read the secret named by TENCENT_CHAT_SECRET_ID: ${describeFailure(cause)}`,
      { cause: error },
    );
  }
  try {
    return credentialsOf(secretText);
  } catch (error) {
    // Powertools has kept the text: an unusable secret must be read again at the next call.
    provider.clearCache();
    throw error;
  }
};

/**
 * The admin credentials, cached per container for `maxAgeSeconds`; concurrent callers share one
 * fetch, and a forced fetch never joins one that may return the stale value.
 */
const getAdminCredentials = (options: FetchOptions): Promise<AdminCredentials> => {
  const key = `${options.forceFetch ? 'force' : 'cached'}:${options.secretId}`;
  const underWay = fetchesUnderWay.get(key);
  if (underWay) return underWay;
  const fetch = fetchAdminCredentials(options).finally(() => fetchesUnderWay.delete(key));
  fetchesUnderWay.set(key, fetch);
  return fetch;
};

const clearSecretCache = (): void => {
  fetchesUnderWay.clear();
  provider = undefined;
  parsed = undefined;
};

export type { AdminCredentials };
export { clearSecretCache, getAdminCredentials, parseAdminCredentials };

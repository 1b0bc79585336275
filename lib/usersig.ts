import { createHash } from 'node:crypto';
import { Api } from 'tls-sig-api-v2/TLSSigAPIv2.js';
import type { AdminCredentials } from './secrets.ts';

interface SignedIdentity {
  sdkAppId: number;
  identifier: string;
  userSig: string;
}

interface CachedSignature {
  /** The credentials signed with: the same object is known to match without hashing again. */
  credentials: AdminCredentials;
  credentialsKey: string;
  identity: SignedIdentity;
  renewAtMs: number;
}

/** A signature is renewed once 90 % of its lifetime has passed, well before Tencent rejects it. */
const RENEW_AFTER_FRACTION = 0.9;

let cached: CachedSignature | undefined;
let generated = 0;

// The key is part of the cache key only as a digest, so a rotated key signs anew.
const credentialsKeyOf = (credentials: AdminCredentials): string =>
  createHash('sha256')
    .update(`${credentials.sdkAppId}\n${credentials.adminIdentifier}\n${credentials.secretKey}`)
    .digest('base64');

/**
 * The admin's UserSig, generated once per secret and reused until shortly before it expires
 * (contract section 6). `renew` signs anew, after Tencent refused the signature.
 */
const getSignedIdentity = (
  credentials: AdminCredentials,
  lifetimeSeconds: number,
  { renew = false, nowMs = Date.now() }: { renew?: boolean; nowMs?: number } = {},
): SignedIdentity => {
  const credentialsKey =
    cached?.credentials === credentials ? cached.credentialsKey : credentialsKeyOf(credentials);
  const reusable = cached?.credentialsKey === credentialsKey && nowMs < cached.renewAtMs;
  if (cached && reusable && !renew) {
    return cached.identity;
  }
  const api = new Api(credentials.sdkAppId, credentials.secretKey);
  const identity = {
    sdkAppId: credentials.sdkAppId,
    identifier: credentials.adminIdentifier,
    userSig: api.genUserSig(credentials.adminIdentifier, lifetimeSeconds),
  };
  generated += 1;
  cached = {
    credentials,
    credentialsKey,
    identity,
    renewAtMs: nowMs + lifetimeSeconds * 1000 * RENEW_AFTER_FRACTION,
  };
  return identity;
};

/** How many UserSigs this container has generated; the benchmark reports it. */
const userSigsGenerated = (): number => generated;

const clearUserSigCache = (): void => {
  cached = undefined;
};

export type { SignedIdentity };
export { clearUserSigCache, getSignedIdentity, userSigsGenerated };

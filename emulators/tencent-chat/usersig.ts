import { createHmac, timingSafeEqual } from 'node:crypto';
import { inflateSync } from 'node:zlib';

/**
 * The emulator's own UserSig check, written from the algorithm (reference D.1, D.2) rather than by
 * calling the generator, so that a generator bug cannot hide behind it.
 */

interface DecodedUserSig {
  version: unknown;
  identifier: unknown;
  sdkAppId: unknown;
  time: unknown;
  expire: unknown;
  sig: unknown;
}

/** Tencent's error codes for a refused UserSig. */
const SIG_ERRORS = {
  empty: 70002,
  unreadable: 70003,
  expired: 70001,
  mismatch: 70009,
  identifier: 70013,
  sdkAppId: 70014,
} as const;

const decodeUserSig = (userSig: string): DecodedUserSig | undefined => {
  try {
    const base64 = userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
    const json = JSON.parse(inflateSync(Buffer.from(base64, 'base64')).toString('utf8'));
    return {
      version: json['TLS.ver'],
      identifier: json['TLS.identifier'],
      sdkAppId: json['TLS.sdkappid'],
      time: json['TLS.time'],
      expire: json['TLS.expire'],
      sig: json['TLS.sig'],
    };
  } catch {
    return undefined;
  }
};

const expectedSignature = (
  key: string,
  {
    identifier,
    sdkAppId,
    time,
    expire,
  }: { identifier: string; sdkAppId: number; time: number; expire: number },
): string =>
  createHmac('sha256', key)
    .update(
      `TLS.identifier:${identifier}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`,
    )
    .digest('base64');

interface SigFacts {
  sdkAppId: number;
  identifier: string;
  key: string;
}

/**
 * What a UserSig proves whatever the moment: Tencent's error code, or the time it was signed and
 * its lifetime in seconds. The checks come in Tencent's order; only the expiry is left.
 */
const sigVerdict = (
  userSig: string,
  expected: SigFacts,
): { error: number } | { time: number; expire: number } => {
  if (userSig === '') return { error: SIG_ERRORS.empty };
  const decoded = decodeUserSig(userSig);
  if (
    decoded?.version !== '2.0' ||
    typeof decoded.identifier !== 'string' ||
    typeof decoded.sdkAppId !== 'number' ||
    typeof decoded.time !== 'number' ||
    typeof decoded.expire !== 'number' ||
    typeof decoded.sig !== 'string'
  ) {
    return { error: SIG_ERRORS.unreadable };
  }
  if (decoded.sdkAppId !== expected.sdkAppId) return { error: SIG_ERRORS.sdkAppId };
  if (decoded.identifier !== expected.identifier) return { error: SIG_ERRORS.identifier };
  const want = Buffer.from(
    expectedSignature(expected.key, {
      identifier: decoded.identifier,
      sdkAppId: decoded.sdkAppId,
      time: decoded.time,
      expire: decoded.expire,
    }),
  );
  const got = Buffer.from(decoded.sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) {
    return { error: SIG_ERRORS.mismatch };
  }
  return { time: decoded.time, expire: decoded.expire };
};

const withExpiry = (verdict: ReturnType<typeof sigVerdict>, nowSeconds: number): number => {
  if ('error' in verdict) return verdict.error;
  return nowSeconds > verdict.time + verdict.expire ? SIG_ERRORS.expired : 0;
};

/** 0 when the UserSig is good for this app, identifier and moment; else Tencent's error code. */
const verifyUserSig = (userSig: string, expected: SigFacts & { nowSeconds: number }): number =>
  withExpiry(sigVerdict(userSig, expected), expected.nowSeconds);

/**
 * The emulator's UserSig work, done once per UserSig: `verify` is `verifyUserSig` that decodes and
 * signs once per UserSig, app, identifier and key (a sender reuses one UserSig for many requests,
 * and inflating it and computing the HMAC were most of a cold request's work in the emulator); the
 * expiry is still checked on every call, and a rotated key is another entry. The cache forgets
 * everything once it holds `maxEntries`.
 */
const userSigVerifier = (maxEntries = 1_000) => {
  const verdicts = new Map<string, ReturnType<typeof sigVerdict>>();
  return {
    verify: (userSig: string, expected: SigFacts & { nowSeconds: number }): number => {
      const key = `${expected.sdkAppId}\n${expected.identifier}\n${expected.key}\n${userSig}`;
      let verdict = verdicts.get(key);
      if (!verdict) {
        if (verdicts.size >= maxEntries) verdicts.clear();
        verdict = sigVerdict(userSig, expected);
        verdicts.set(key, verdict);
      }
      return withExpiry(verdict, expected.nowSeconds);
    },
    clearCaches: (): void => {
      verdicts.clear();
    },
  };
};

export type { DecodedUserSig };
export { decodeUserSig, expectedSignature, SIG_ERRORS, userSigVerifier, verifyUserSig };

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

/** 0 when the UserSig is good for this app, identifier and moment; else Tencent's error code. */
const verifyUserSig = (
  userSig: string,
  expected: { sdkAppId: number; identifier: string; key: string; nowSeconds: number },
): number => {
  if (userSig === '') return SIG_ERRORS.empty;
  const decoded = decodeUserSig(userSig);
  if (
    decoded?.version !== '2.0' ||
    typeof decoded.identifier !== 'string' ||
    typeof decoded.sdkAppId !== 'number' ||
    typeof decoded.time !== 'number' ||
    typeof decoded.expire !== 'number' ||
    typeof decoded.sig !== 'string'
  ) {
    return SIG_ERRORS.unreadable;
  }
  if (decoded.sdkAppId !== expected.sdkAppId) return SIG_ERRORS.sdkAppId;
  if (decoded.identifier !== expected.identifier) return SIG_ERRORS.identifier;
  const want = Buffer.from(
    expectedSignature(expected.key, {
      identifier: decoded.identifier,
      sdkAppId: decoded.sdkAppId,
      time: decoded.time,
      expire: decoded.expire,
    }),
  );
  const got = Buffer.from(decoded.sig);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return SIG_ERRORS.mismatch;
  if (expected.nowSeconds > decoded.time + decoded.expire) return SIG_ERRORS.expired;
  return 0;
};

export type { DecodedUserSig };
export { decodeUserSig, expectedSignature, SIG_ERRORS, verifyUserSig };

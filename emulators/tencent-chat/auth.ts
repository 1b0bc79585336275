import type { App } from './config.ts';
import { userSigVerifier } from './usersig.ts';

/**
 * The query string every command carries: contenttype, random, sdkappid, identifier and a
 * UserSig that must verify for an App admin, checked in Tencent's order with Tencent's codes.
 */

type QueryError = [errorCode: number, errorInfo: string];

const MAX_UINT32 = 4_294_967_295;

interface QueryChecker {
  /** Tencent's error for the first check that fails, or undefined. */
  check(query: URLSearchParams): QueryError | undefined;
  /** Forgets the verified UserSigs (a reset, a rotated key). */
  clearCaches(): void;
}

const queryChecker = (apps: ReadonlyMap<number, App>, now: () => number): QueryChecker => {
  const userSigs = userSigVerifier();

  const check = (query: URLSearchParams): QueryError | undefined => {
    if (query.get('contenttype') !== 'json') return [60002, 'contenttype must be json'];
    const random = query.get('random');
    if (random === null || !/^\d+$/.test(random) || Number(random) > MAX_UINT32) {
      return [60002, 'random must be a 32-bit unsigned integer'];
    }
    const sdkAppIdText = query.get('sdkappid');
    if (!sdkAppIdText) return [60012, 'sdkappid is missing'];
    const app = apps.get(Number(sdkAppIdText));
    if (!app) return [70020, 'SDKAppID not found: check the SDKAppID and the data center'];
    const identifier = query.get('identifier');
    if (!identifier) return [60004, 'identifier is missing'];
    const sigError = userSigs.verify(query.get('usersig') ?? '', {
      sdkAppId: app.sdkAppId,
      identifier,
      key: app.secretKey,
      nowSeconds: Math.floor(now() / 1000),
    });
    if (sigError !== 0) return [sigError, 'UserSig verification failed'];
    if (!app.admins.includes(identifier)) return [60010, 'the identifier is not an App admin'];
    return undefined;
  };

  return { check, clearCaches: (): void => userSigs.clearCaches() };
};

export type { QueryChecker };
export { queryChecker };

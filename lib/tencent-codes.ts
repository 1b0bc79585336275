import type { ErrorCode } from './errors.ts';

/** Tencent `ErrorCode` values and the normalized code each maps to (contract section 4). */
const CODES_BY_ERROR: Partial<Record<ErrorCode, readonly number[]>> = {
  INVALID_REQUEST: [10004, 100002],
  FORBIDDEN: [10007, 10016, 10017, 100006, 100601],
  NOT_FOUND: [10010, 10015, 100004],
  PAYLOAD_TOO_LARGE: [80002, 100603],
  RATE_LIMITED: [10023, 100602, 60007, 60011, 60018, 60019],
  CONFIGURATION_ERROR: [
    60004, 60005, 60006, 60010, 70001, 70002, 70003, 70005, 70009, 70013, 70014, 70016, 70020,
    70050, 70052, 70403,
  ],
  UPSTREAM_UNAVAILABLE: [10002, 100001, 60008, 70169, 70202, 70500],
};

const ERROR_BY_TENCENT_CODE = new Map<number, ErrorCode>(
  Object.entries(CODES_BY_ERROR).flatMap(([error, codes]) =>
    (codes ?? []).map((code) => [code, error as ErrorCode] as const),
  ),
);

/** Any other non-zero code is an upstream error. */
const errorCodeForTencent = (tencentCode: number): ErrorCode =>
  ERROR_BY_TENCENT_CODE.get(tencentCode) ?? 'UPSTREAM_ERROR';

/**
 * Codes that say the admin identity or signature was refused: the secret may have been rotated,
 * so the sender fetches it again, signs again and retries once.
 */
const isCredentialRejection = (tencentCode: number): boolean =>
  errorCodeForTencent(tencentCode) === 'CONFIGURATION_ERROR';

/** Live-room failures that show Tencent did not take the message, so a retry cannot duplicate it. */
const LIVE_ROOM_RETRYABLE_CODES: ReadonlySet<number> = new Set([100001, 100602]);

export { errorCodeForTencent, isCredentialRejection, LIVE_ROOM_RETRYABLE_CODES };

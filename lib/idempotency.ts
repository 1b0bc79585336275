import { createHash, randomInt } from 'node:crypto';
import { UINT32_MAX } from './schemas/fields.ts';

/** A uint32 drawn from a key: the same key always gives the same value. */
const randomFromKey = (key: string): number =>
  createHash('sha256').update(key, 'utf8').digest().readUInt32BE(0);

const freshRandom = (): number => randomInt(0, UINT32_MAX + 1);

/**
 * The body `Random` that Tencent de-duplicates on (contract section 5): the caller's own, else one
 * derived from the idempotency key, else one derived from the Lambda request id (Lambda keeps it
 * when it re-delivers an asynchronous event, so its retries reuse the Random), else a fresh one.
 */
const chooseRandom = ({
  given,
  idempotencyKey,
  awsRequestId,
}: {
  given: number | undefined;
  idempotencyKey: string | undefined;
  awsRequestId: string | undefined;
}): number => {
  if (given !== undefined) return given;
  if (idempotencyKey !== undefined) return randomFromKey(`key:${idempotencyKey}`);
  if (awsRequestId) return randomFromKey(`invocation:${awsRequestId}`);
  return freshRandom();
};

export { chooseRandom, freshRandom, randomFromKey };

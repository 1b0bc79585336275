import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseRandom, randomFromKey } from '../../lib/idempotency.ts';

describe('Function: chooseRandom', () => {
  it('uses a caller-supplied Random as given, even 0', () => {
    expect(chooseRandom({ given: 0, idempotencyKey: 'k', awsRequestId: 'r' })).toBe(0);
    expect(
      chooseRandom({ given: 4294967295, idempotencyKey: undefined, awsRequestId: undefined }),
    ).toBe(4294967295);
  });

  it('derives the same Random from the same key, whatever the invocation', () => {
    const first = chooseRandom({ given: undefined, idempotencyKey: 'order-42', awsRequestId: 'a' });
    const again = chooseRandom({ given: undefined, idempotencyKey: 'order-42', awsRequestId: 'b' });
    expect(again).toBe(first);
  });

  it('derives a uint32, and different keys almost never collide', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `key-${i}`);
    const randoms = new Set(keys.map(randomFromKey));
    expect(randoms.size).toBeGreaterThanOrEqual(9_998);
    fc.assert(
      fc.property(fc.string(), (key) => {
        const value = randomFromKey(key);
        return Number.isInteger(value) && value >= 0 && value <= 4294967295;
      }),
    );
  });

  it('without a key, keeps the Random of one Lambda request id (its re-deliveries) and varies across ids', () => {
    const a1 = chooseRandom({ given: undefined, idempotencyKey: undefined, awsRequestId: 'req-a' });
    const a2 = chooseRandom({ given: undefined, idempotencyKey: undefined, awsRequestId: 'req-a' });
    const b = chooseRandom({ given: undefined, idempotencyKey: undefined, awsRequestId: 'req-b' });
    expect(a2).toBe(a1);
    expect(b).not.toBe(a1);
  });

  it('draws a fresh Random each time when there is nothing to derive it from', () => {
    const draws = new Set(
      Array.from({ length: 100 }, () =>
        chooseRandom({ given: undefined, idempotencyKey: undefined, awsRequestId: undefined }),
      ),
    );
    expect(draws.size).toBeGreaterThan(95);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  decodeUserSig,
  expectedSignature,
  verifyUserSig,
} from '../../emulators/tencent-chat/usersig.ts';
import { clearUserSigCache, getSignedIdentity, userSigsGenerated } from '../../lib/usersig.ts';

// Reference D.4: the sample key of every official README and test.
const SAMPLE_KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const credentials = (adminIdentifier: string, secretKey = SAMPLE_KEY) => ({
  sdkAppId: 1400000000,
  secretKey,
  adminIdentifier,
});

describe('Function: getSignedIdentity', () => {
  beforeEach(() => {
    clearUserSigCache();
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => vi.useRealTimers());

  it.each([
    // D.4.2, computed with the official Node library.
    [
      'xiaojun',
      15_552_000,
      'LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4=',
      'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwhWZiflZpXlQqeKU7MSCgswUJStDEwMogMiUZOamKlkZmqOKplYUZBaBxE1NTY3gosWZ6UpWSj5ljuYp*p7l5unBxXnF2WVhVU4uAf7Ozi5JpX7O5SbuHuUhzgZJmQXaTia2SrUAohcx8g__',
    ],
    [
      'administrator',
      86_400,
      'yLAe+w7WUeUuqbV9h/TX78u21oTGi+i9Zp1u3PpnY60=',
      'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwokpuZl5mcUlRYkl*UVQBcUp2YkFBZkpSlaGJgZQAJEpycxNVbIyNEcVTa0oyCxKVbKyMDOBCRVnpitZKVX6OKZql5uHh6aGlhYmhVlm6IdEmFuUGhnmh7hnamdaRhUYlhoHFORFmhnYKtUCAK0SM5I_',
    ],
  ])('matches the reference vector for %s', (identifier, expire, hmac, userSig) => {
    // Prepare
    vi.setSystemTime(1_700_000_000_000);

    // Act
    const identity = getSignedIdentity(credentials(identifier), expire);

    // Assess
    expect(identity.userSig).toBe(userSig);
    expect(decodeUserSig(identity.userSig)).toStrictEqual({
      version: '2.0',
      identifier,
      sdkAppId: 1400000000,
      time: 1_700_000_000,
      expire,
      sig: hmac,
    });
  });

  it('computes the published third-party HMAC vector (D.4.1)', () => {
    const sig = expectedSignature(SAMPLE_KEY, {
      identifier: '0',
      sdkAppId: 1400000000,
      time: 1569910200000,
      expire: 15552000000,
    });
    expect(sig).toBe('bEj7EPKeOGh/DZ+LevCNXjSrLtgjj+lC8Ed0uirJXYU=');
  });

  it('signs once and reuses the UserSig until 90 % of its lifetime has passed', () => {
    // Prepare
    vi.setSystemTime(1_700_000_000_000);
    const before = userSigsGenerated();

    // Act
    const first = getSignedIdentity(credentials('administrator'), 86_400);
    vi.setSystemTime(1_700_000_000_000 + 77_000_000);
    const reused = getSignedIdentity(credentials('administrator'), 86_400);
    vi.setSystemTime(1_700_000_000_000 + 78_000_000);
    const renewed = getSignedIdentity(credentials('administrator'), 86_400);

    // Assess
    expect(reused.userSig).toBe(first.userSig);
    expect(renewed.userSig).not.toBe(first.userSig);
    expect(userSigsGenerated() - before).toBe(2);
    expect(
      verifyUserSig(renewed.userSig, {
        sdkAppId: 1400000000,
        identifier: 'administrator',
        key: SAMPLE_KEY,
        nowSeconds: 1_700_078_000,
      }),
    ).toBe(0);
  });

  it('signs anew when the key is rotated or when asked to renew', () => {
    vi.setSystemTime(1_700_000_000_000);
    const first = getSignedIdentity(credentials('administrator'), 86_400);
    const rotated = getSignedIdentity(credentials('administrator', 'another-key'), 86_400);
    vi.setSystemTime(1_700_000_001_000);
    const renewed = getSignedIdentity(credentials('administrator', 'another-key'), 86_400, {
      renew: true,
    });
    expect(rotated.userSig).not.toBe(first.userSig);
    expect(renewed.userSig).not.toBe(rotated.userSig);
    expect(
      verifyUserSig(rotated.userSig, {
        sdkAppId: 1400000000,
        identifier: 'administrator',
        key: 'another-key',
        nowSeconds: 1_700_000_000,
      }),
    ).toBe(0);
  });
});

describe('Function: verifyUserSig (the emulator)', () => {
  const sign = (key = SAMPLE_KEY) => {
    clearUserSigCache();
    return getSignedIdentity(credentials('administrator', key), 86_400, {
      nowMs: 1_700_000_000_000,
    }).userSig;
  };
  const expected = {
    sdkAppId: 1400000000,
    identifier: 'administrator',
    key: SAMPLE_KEY,
    nowSeconds: Math.floor(Date.now() / 1000),
  };

  it('accepts a good signature and refuses each kind of bad one with its Tencent code', () => {
    const good = sign();
    expect(verifyUserSig(good, expected)).toBe(0);
    expect(verifyUserSig('', expected)).toBe(70002);
    expect(verifyUserSig('garbage', expected)).toBe(70003);
    expect(verifyUserSig(good, { ...expected, sdkAppId: 1400000001 })).toBe(70014);
    expect(verifyUserSig(good, { ...expected, identifier: 'someone' })).toBe(70013);
    expect(verifyUserSig(sign('wrong-key'), expected)).toBe(70009);
  });

  it('refuses an expired signature with 70001', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_700_000_000_000);
    const userSig = sign();
    vi.useRealTimers();
    expect(verifyUserSig(userSig, { ...expected, nowSeconds: 1_700_000_000 + 86_400 })).toBe(0);
    expect(verifyUserSig(userSig, { ...expected, nowSeconds: 1_700_000_000 + 86_401 })).toBe(70001);
  });
});

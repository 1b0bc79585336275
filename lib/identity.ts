import type { Config } from './config.ts';
import { getAdminCredentials } from './secrets.ts';
import { getSignedIdentity, type SignedIdentity } from './usersig.ts';

/**
 * The signed admin identity a send calls Tencent with: the cached secret, signed once and reused
 * (lib/usersig.ts). `refresh` reads the secret again and signs anew, after Tencent refused the
 * signature (contract section 6).
 */
const identityProvider =
  (config: Config) =>
  async ({ refresh }: { refresh: boolean }): Promise<SignedIdentity> => {
    const credentials = await getAdminCredentials({
      secretId: config.secretId,
      maxAgeSeconds: config.secretMaxAgeSeconds,
      forceFetch: refresh,
    });
    return getSignedIdentity(credentials, config.userSigLifetimeSeconds, { renew: refresh });
  };

export { identityProvider };

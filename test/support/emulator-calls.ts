import { DEFAULT_APP } from '../../emulators/tencent-chat/emulator.ts';
import { clearUserSigCache, getSignedIdentity } from '../../lib/usersig.ts';

/** Calls to the Tencent Chat emulator as its default app's admin, for the emulator's own tests. */

/** The query string of a command, signed anew for the default app; `overrides` replace fields. */
const signedQuery = (overrides: Record<string, string> = {}): URLSearchParams => {
  clearUserSigCache();
  const { userSig } = getSignedIdentity(
    {
      sdkAppId: DEFAULT_APP.sdkAppId,
      secretKey: DEFAULT_APP.secretKey,
      adminIdentifier: 'administrator',
    },
    86_400,
  );
  return new URLSearchParams({
    sdkappid: String(DEFAULT_APP.sdkAppId),
    identifier: 'administrator',
    usersig: userSig,
    random: '7',
    contenttype: 'json',
    ...overrides,
  });
};

/** POSTs a command's body (an object, or raw text) and returns the status and the JSON reply. */
const postCommand = async (
  baseUrl: string,
  path: string,
  body: unknown,
  params: URLSearchParams = signedQuery(),
): Promise<{ status: number; body: Record<string, unknown> }> => {
  const response = await fetch(`${baseUrl}${path}?${params}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

export { postCommand, signedQuery };

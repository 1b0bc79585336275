/**
 * The Tencent client (ky, and with it Node's undici, about 20 ms of loading) is imported once,
 * and not with the rest of the code: init starts it once the connection and the secret fetch are
 * on their way (lib/warm-up.ts), so that it loads while they wait on the network; a send that
 * comes first starts it itself.
 */
let loading: Promise<typeof import('./tencent-client.ts')> | undefined;

const loadTencentClient = (): Promise<typeof import('./tencent-client.ts')> => {
  loading ??= import('./tencent-client.ts');
  return loading;
};

export { loadTencentClient };

import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * A new Lambda container for a built function, in this process: a fresh copy of its folder in
 * `dist/`, imported anew. Re-importing `index.mjs` with a query string is not enough: the bundles
 * are split into chunks (code loaded only when a feature is on, and what it shares with the
 * entry), and a chunk is loaded once per process, keeping its module state (the secret and
 * UserSig caches, the connections) across "containers". A copy is a new set of modules, as a
 * new container is.
 */

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const root = fileURLToPath(new URL('..', import.meta.url));
// As deep below the repository as dist/<function>/, so that the source maps' relative paths
// (../../lib/…) still lead to the sources.
const copies = join(root, '.lambda-containers');
// The test run's name first (test/support/global-setup.ts), so that each run removes only its own.
const run = `${process.env.LAMBDA_CONTAINERS_RUN ?? 'direct'}-${process.pid}-${Date.now()}`;
const made: string[] = [];
process.once('exit', () => {
  for (const folder of made) rmSync(folder, { recursive: true, force: true });
});

const newContainer = async <H = Handler>(functionName: string): Promise<H> => {
  const folder = join(copies, `${run}-${made.length + 1}`);
  made.push(folder);
  cpSync(join(root, 'dist', functionName), folder, { recursive: true });
  const module = (await import(pathToFileURL(join(folder, 'index.mjs')).href)) as { handler: H };
  return module.handler;
};

export type { Handler };
export { newContainer };

import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
const copies = mkdtempSync(join(tmpdir(), 'lambda-containers-'));
let containers = 0;
process.once('exit', () => rmSync(copies, { recursive: true, force: true }));

const newContainer = async <H = Handler>(functionName: string): Promise<H> => {
  containers += 1;
  const folder = join(copies, String(containers));
  cpSync(join(root, 'dist', functionName), folder, { recursive: true });
  const module = (await import(pathToFileURL(join(folder, 'index.mjs')).href)) as { handler: H };
  return module.handler;
};

export { newContainer };

import { readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';

/**
 * The console's static files (`static/`: CSS and browser JavaScript, no build step), read once
 * when the emulator starts and served from memory under /console/assets/.
 */

interface Asset {
  type: string;
  body: Buffer;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const STATIC_DIR = join(import.meta.dirname, 'static');

const loadAssets = (): Map<string, Asset> =>
  new Map(
    readdirSync(STATIC_DIR)
      .filter((name) => TYPES[extname(name)] !== undefined)
      .map((name) => [
        name,
        { type: TYPES[extname(name)] as string, body: readFileSync(join(STATIC_DIR, name)) },
      ]),
  );

/** Answers one asset by file name; false when there is none. */
const serveAsset = (
  assets: Map<string, Asset>,
  name: string,
  response: ServerResponse,
): boolean => {
  const asset = assets.get(name);
  if (!asset) return false;
  response.writeHead(200, {
    'content-type': asset.type,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  response.end(asset.body);
  return true;
};

export type { Asset };
export { loadAssets, serveAsset };

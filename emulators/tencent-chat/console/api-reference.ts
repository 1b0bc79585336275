import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join } from 'node:path';

/**
 * The API reference page (Swagger UI over openapi.yaml) beside the console, under /api-reference/.
 * `npm run api-reference` writes the folder; it is read when asked for, so a rebuild needs no restart.
 */

const API_REFERENCE_DIR = join(import.meta.dirname, '../../../dist-docs/api-reference');
const API_REFERENCE_PATH = '/api-reference/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
};

const sendText = (response: ServerResponse, status: number, text: string): void => {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
};

/** Answers a GET under /api-reference; false for any other path. Only files the build wrote. */
const serveApiReference = (pathname: string, response: ServerResponse): boolean => {
  if (pathname === '/api-reference') {
    response.writeHead(301, { location: API_REFERENCE_PATH });
    response.end();
    return true;
  }
  if (!pathname.startsWith(API_REFERENCE_PATH)) return false;
  if (!existsSync(API_REFERENCE_DIR)) {
    sendText(response, 404, 'No API reference built: run npm run api-reference.\n');
    return true;
  }
  const name = pathname.slice(API_REFERENCE_PATH.length) || 'index.html';
  const type = TYPES[extname(name)];
  if (!type || !readdirSync(API_REFERENCE_DIR).includes(name)) {
    sendText(response, 404, 'not found\n');
    return true;
  }
  response.writeHead(200, {
    'content-type': type,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    // Swagger UI sets inline styles; every script and document comes from this folder.
    'content-security-policy':
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'",
  });
  response.end(readFileSync(join(API_REFERENCE_DIR, name)));
  return true;
};

export { API_REFERENCE_DIR, API_REFERENCE_PATH, serveApiReference };

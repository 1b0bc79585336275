import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../../loopback-server.ts';

/**
 * The console's send form posts here; the emulator passes the request on to the local API
 * (serverless-offline running the functions), so that the form exercises the functions exactly as
 * a caller would, and answers with what it sent and the function's full result. A proxy rather
 * than a cross-origin call keeps CORS out of the deployed API.
 */

const ROUTES = new Set([
  'group-messages',
  'broadcast-messages',
  'room-text-messages',
  'room-custom-messages',
]);

/** Longer than a send with its retries may take (the functions' own budget is 30 s). */
const PROXY_TIMEOUT_MS = 40_000;

const proxySend = async (
  apiUrl: string | undefined,
  route: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> => {
  if (!ROUTES.has(route)) {
    return sendJson(response, 404, { error: `no route /v1/${route}; use one of ${[...ROUTES]}` });
  }
  if (!apiUrl) {
    return sendJson(response, 503, {
      error: 'This emulator does not know the local API: start the whole stack with npm start.',
    });
  }
  const body = await readBody(request);
  const idempotencyKey = request.headers['idempotency-key'];
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (typeof idempotencyKey === 'string' && idempotencyKey !== '') {
    headers['idempotency-key'] = idempotencyKey;
  }
  const url = `${apiUrl.replace(/\/$/, '')}/v1/${route}`;
  const sent = { method: 'POST', url, headers, body };
  const startedAt = Date.now();
  try {
    const reply = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(PROXY_TIMEOUT_MS),
    });
    const text = await reply.text();
    let result: unknown = text;
    try {
      result = JSON.parse(text);
    } catch {}
    sendJson(response, 200, {
      request: sent,
      status: reply.status,
      retryAfter: reply.headers.get('retry-after') ?? undefined,
      durationMs: Date.now() - startedAt,
      result,
    });
  } catch (error) {
    sendJson(response, 502, {
      request: sent,
      error: `The local API at ${apiUrl} did not answer: ${String(error)}`,
    });
  }
};

export { proxySend };

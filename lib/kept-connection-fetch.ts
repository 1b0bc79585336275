import type { IncomingHttpHeaders } from 'node:http';
import { postOverKeptConnection } from './connections.ts';
import { readBodyText } from './read-body.ts';

/**
 * A `fetch` for ky (its documented `fetch` option) over the kept connections of
 * lib/connections.ts: the connection opened at init, and no request written on a connection that
 * may have died while the container was frozen. It POSTs JSON, all the Tencent client sends, and
 * follows the request's signal (ky's timeout aborts it).
 */

/** Told of each attempt as it goes: whether it was sent matters once ky's timer has fired. */
interface AttemptObserver {
  started: () => void;
  /** The request is on a set-up connection: from now on Tencent may receive it. */
  connected: () => void;
  /**
   * Sees the reply's text before it becomes a Response, so that nobody reads it again through a
   * web stream; what it throws is the attempt's error, which ky's retry then judges.
   */
  replied?: (status: number, text: string) => void;
}

/** ky hands its `fetch` the options it does not know itself: these two are ours. */
interface KeptConnectionInit extends RequestInit {
  attemptObserver?: AttemptObserver;
  /**
   * The body as text, given beside the Request rather than in it: ky clones its Request before
   * every attempt when retries are on, and a Request with a body tees a stream to do so.
   */
  payload?: string;
}

/** Statuses whose Response may not have a body. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

const headerPairs = (headers: IncomingHttpHeaders): [string, string][] =>
  Object.entries(headers).flatMap(([name, value]): [string, string][] =>
    value === undefined
      ? []
      : Array.isArray(value)
        ? value.map((one): [string, string] => [name, one])
        : [[name, value]],
  );

const keptConnectionFetch = async (
  input: Request | URL | string,
  init?: KeptConnectionInit,
): Promise<Response> => {
  init?.attemptObserver?.started();
  const request = input instanceof Request ? input : new Request(input, init);
  if (request.method !== 'POST') {
    throw new TypeError(`keptConnectionFetch sends POST only, not ${request.method}`);
  }
  const { url } = request;
  const pathStart = url.indexOf('/', url.indexOf('//') + 2);
  const reply = await postOverKeptConnection(
    url.slice(0, pathStart),
    url.slice(pathStart),
    init?.payload ?? (await readBodyText(request.body)),
    { signal: request.signal, onConnected: init?.attemptObserver?.connected },
  );
  init?.attemptObserver?.replied?.(reply.status, reply.text);
  return new Response(NULL_BODY_STATUSES.has(reply.status) ? null : reply.text, {
    status: reply.status,
    headers: headerPairs(reply.headers),
  });
};

export type { AttemptObserver, KeptConnectionInit };
export { keptConnectionFetch };

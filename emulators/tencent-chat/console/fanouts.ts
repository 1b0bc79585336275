import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type ReportItem, viewOf } from '../../../lib/fan-out/report-items.ts';
import { sendJson } from '../../loopback-server.ts';

/**
 * The console's Fan-outs page: every fan-out's report, read straight from the fan-out table in
 * the DynamoDB stand-in, its failures, the "Group fan-out finished" event the EventBridge stand-in
 * recorded for it, and a cancel that goes through the local API (DELETE /v1/group-fanouts/<id>).
 *   GET  /fanouts                         the page (static/fanouts.js polls the JSON below)
 *   GET  /console/fanouts.json            { fanOuts: [...] }, newest first
 *   POST /console/fanouts/<id>/cancel     the cancel, passed on to the local API
 */

interface FanOutsOptions {
  /** The DynamoDB stand-in and the fan-out table in it. */
  dynamodbUrl: string;
  table: string;
  /** The EventBridge stand-in, whose recorded events show which fan-outs finished. */
  eventBridgeUrl?: string;
}

interface FinishedEvent {
  id: string;
  time: string;
  'detail-type': string;
  detail: { fanoutId?: string };
}

/** Shown per fan-out: the console is for looking, the API pages the rest. */
const FAILURES_SHOWN = 200;

const scanAll = async (client: DynamoDBDocumentClient, table: string) => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

const finishedEvents = async (url: string | undefined): Promise<FinishedEvent[]> => {
  if (!url) return [];
  try {
    const response = await fetch(`${url}/stand-in/events`);
    const events = (await response.json()) as FinishedEvent[];
    return events.filter((event) => event['detail-type'] === 'Group fan-out finished');
  } catch {
    return [];
  }
};

const listFanOuts = async (client: DynamoDBDocumentClient, options: FanOutsOptions) => {
  const [items, events] = await Promise.all([
    scanAll(client, options.table),
    finishedEvents(options.eventBridgeUrl),
  ]);
  const reports = items.filter((item) => !String(item.id).includes('#')) as unknown as ReportItem[];
  return reports
    .map((report) => {
      const prefix = `${report.id}#failure#`;
      const failures = items
        .filter((item) => String(item.id).startsWith(prefix))
        .map((item) => ({ n: Number(String(item.id).slice(prefix.length)), item }))
        .sort((a, b) => a.n - b.n)
        .slice(0, FAILURES_SHOWN)
        .map(({ item }) => ({
          GroupId: item.GroupId,
          code: item.code,
          tencentCode: item.tencentCode,
        }));
      const view = viewOf(report);
      const matching = events.filter((event) => event.detail.fanoutId === report.fanoutId);
      return { ...view, failures, events: matching };
    })
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
};

const cancelThroughApi = async (apiUrl: string | undefined, fanoutId: string) => {
  if (!apiUrl) {
    return { status: 503, body: { error: 'No local API: start the whole stack with npm start.' } };
  }
  const url = `${apiUrl.replace(/\/$/, '')}/v1/group-fanouts/${encodeURIComponent(fanoutId)}`;
  try {
    const reply = await fetch(url, { method: 'DELETE', signal: AbortSignal.timeout(15_000) });
    const text = await reply.text();
    let result: unknown = text;
    try {
      result = JSON.parse(text);
    } catch {}
    return { status: 200, body: { request: `DELETE ${url}`, status: reply.status, result } };
  } catch (error) {
    return { status: 502, body: { error: `The local API did not answer: ${String(error)}` } };
  }
};

const FAN_OUTS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fan-outs</title>
<link rel="stylesheet" href="/console/assets/style.css">
<link rel="stylesheet" href="/console/assets/fanouts.css">
</head><body>
<header class="top"><a class="home" href="/">Tencent Chat emulator</a><h1>Fan-outs</h1>
<span id="live" class="live" title="Live updates">connecting…</span></header>
<main id="console"><noscript>The page needs JavaScript; /console/fanouts.json does not.</noscript></main>
<script type="module" src="/console/assets/fanouts.js"></script>
</body></html>`;

/** The Fan-outs routes; answers true when the request was one of them. */
const fanOutRoutes = (
  options: FanOutsOptions | undefined,
  apiUrl: string | undefined,
  sendHtml: (response: ServerResponse, html: string) => void,
) => {
  const client = options
    ? DynamoDBDocumentClient.from(
        new DynamoDBClient({
          endpoint: options.dynamodbUrl,
          region: 'us-east-1',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }),
      )
    : undefined;
  return (request: IncomingMessage, response: ServerResponse, url: URL): boolean => {
    const { pathname } = url;
    if (request.method === 'GET' && pathname === '/fanouts') {
      sendHtml(response, FAN_OUTS_PAGE);
      return true;
    }
    if (request.method === 'GET' && pathname === '/console/fanouts.json') {
      if (!client || !options) {
        sendJson(response, 200, {
          fanOuts: [],
          note: 'No fan-out table: start the stack with npm start.',
        });
        return true;
      }
      listFanOuts(client, options).then(
        (fanOuts) => sendJson(response, 200, { fanOuts }),
        (error: unknown) => sendJson(response, 502, { error: String(error) }),
      );
      return true;
    }
    const cancel = /^\/console\/fanouts\/([^/]+)\/cancel$/.exec(pathname);
    if (request.method === 'POST' && cancel) {
      request.resume();
      void cancelThroughApi(apiUrl, decodeURIComponent(cancel[1] as string)).then(
        ({ status, body }) => sendJson(response, status, body),
      );
      return true;
    }
    return false;
  };
};

export type { FanOutsOptions };
export { fanOutRoutes };

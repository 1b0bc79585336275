import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDynamoDb, startDynamoDb } from '../../emulators/dynamodb/server.ts';
import { deliveriesOf as countDeliveries, markedRequest } from '../../faults/scenarios.ts';
import { envelope, eventBridgeEvent, httpApiEvent } from '../support/events.ts';
import { expectDocumentedResponse, loadOpenApi, type OpenApi } from '../support/openapi.ts';
import { type CapturedOutput, captureOutput } from '../support/output.ts';
import {
  type CommandName,
  FUNCTIONS,
  type Handler,
  lambdaContext,
  loadBundle,
  type Stack,
  startStack,
} from '../support/stack.ts';
import { sleep, waitFor } from '../support/wait.ts';

/**
 * The idempotency table (contract section 5) over the built bundles, with the DynamoDB stand-in
 * (dynalite) and the Tencent emulator on loopback: every outcome, every event kind.
 */

const COMMANDS = Object.keys(FUNCTIONS) as CommandName[];
const TABLE = 'sends-idempotency';
const FIVE_MINUTES_AND_MORE = 6 * 60_000;

type EventKind = 'http' | 'eventbridge' | 'direct';
const EVENT_KINDS: EventKind[] = ['http', 'eventbridge', 'direct'];

let stack: Stack;
let db: RunningDynamoDb;
let output: CapturedOutput;
let openApi: OpenApi;
const handlers = {} as Record<CommandName, Handler>;

/** One message, marked so that its deliveries can be counted in the emulator. */
const requestWith = (command: CommandName, marker: string): Record<string, unknown> =>
  markedRequest(FUNCTIONS[command], marker);

const eventOf = (kind: EventKind, request: unknown, key: string): unknown => {
  if (kind === 'http') return httpApiEvent(request, { 'Idempotency-Key': key });
  if (kind === 'eventbridge') return eventBridgeEvent(request, key);
  return envelope(request, key);
};

interface Answer {
  status: number;
  headers: Record<string, string>;
  result: Record<string, unknown> & { ok: boolean; error?: Record<string, unknown> };
}

/** Invokes and reads the answer the same way for every event kind. */
const send = async (
  command: CommandName,
  kind: EventKind,
  request: unknown,
  key: string,
  timeoutMs = 10_000,
): Promise<Answer> => {
  try {
    const value = await handlers[command](eventOf(kind, request, key), lambdaContext(timeoutMs));
    if (kind === 'http') {
      const http = value as { statusCode: number; headers: Record<string, string>; body: string };
      expectDocumentedResponse(openApi, command, http);
      return { status: http.statusCode, headers: http.headers, result: JSON.parse(http.body) };
    }
    return { status: 200, headers: {}, result: value as Answer['result'] };
  } catch (error) {
    const result = JSON.parse((error as Error).message) as Answer['result'];
    expect((error as Error).name).toBe(result.error?.code);
    return { status: 0, headers: {}, result };
  }
};

const deliveriesOf = (marker: string): number =>
  countDeliveries(stack.tencent.emulator.messages, marker);

const unique = (label: string) => `${label}-${crypto.randomUUID()}`;

beforeAll(async () => {
  openApi = await loadOpenApi();
  stack = await startStack();
  db = await startDynamoDb({ tables: [TABLE] });
  Object.assign(process.env, {
    TENCENT_CHAT_IDEMPOTENCY_TABLE: TABLE,
    AWS_ENDPOINT_URL_DYNAMODB: db.url,
    // Wide enough for a loaded machine; the one test about a stall lowers it.
    TENCENT_CHAT_TIMEOUT_MS: '2000',
    TENCENT_CHAT_MAX_RETRIES: '2',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
  for (const command of COMMANDS) handlers[command] = await loadBundle(command);
  output = captureOutput();
});

afterAll(async () => {
  output.restore();
  for (const name of [
    'TENCENT_CHAT_IDEMPOTENCY_TABLE',
    'AWS_ENDPOINT_URL_DYNAMODB',
    'TENCENT_CHAT_TIMEOUT_MS',
    'TENCENT_CHAT_MAX_RETRIES',
  ])
    delete process.env[name];
  await Promise.all([stack.close(), db.close()]);
});

describe('Idempotency table: a key sends once', () => {
  const cases = COMMANDS.flatMap((command) => EVENT_KINDS.map((kind) => [command, kind] as const));

  it.each(cases)(
    '%s over %s: a repeat after Tencent’s five-minute window sends nothing and replays the first result',
    async (command, kind) => {
      // Prepare
      const marker = unique('once');
      const request = requestWith(command, marker);
      const first = await send(command, kind, request, marker);
      stack.tencent.emulator.clockOffsetMs += FIVE_MINUTES_AND_MORE;

      // Act
      const again = await send(command, kind, request, marker);

      // Assess
      expect(first.result).toMatchObject({ ok: true, command });
      expect(first.result.replayed).toBeUndefined();
      expect(again.result).toStrictEqual({ ...first.result, replayed: true });
      expect(again.status).toBe(first.status);
      expect(deliveriesOf(marker)).toBe(1);
    },
  );

  it.each(EVENT_KINDS)(
    'answers IDEMPOTENCY_CONFLICT (409) to the same key with another request, over %s',
    async (kind) => {
      // Prepare
      const key = unique('conflict');
      await send('send_text_msg', kind, requestWith('send_text_msg', key), key);

      // Act
      const other = await send(
        'send_text_msg',
        kind,
        requestWith('send_text_msg', `${key}-x`),
        key,
      );

      // Assess
      expect(other.result).toMatchObject({
        ok: false,
        error: { code: 'IDEMPOTENCY_CONFLICT', retryable: false },
      });
      if (kind === 'http') expect(other.status).toBe(409);
      expect(deliveriesOf(`${key}-x`)).toBe(0);
    },
  );

  it('treats a group request that gives its own Random as part of the request', async () => {
    // Prepare
    const key = unique('random');
    const request = requestWith('send_group_msg', key);
    await send('send_group_msg', 'direct', { ...request, Random: 1 }, key);

    // Act
    const other = await send('send_group_msg', 'direct', { ...request, Random: 2 }, key);

    // Assess
    expect(other.result.error).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT' });
  });

  it('answers IN_PROGRESS (409, retryable, Retry-After) while the first send is under way', async () => {
    // Prepare
    const key = unique('busy');
    const request = requestWith('send_custom_msg', key);
    stack.tencent.emulator.replyDelayMs = 200;
    const putsBefore = db.operations.PutItem ?? 0;

    // Act: the second send once the first has recorded its key
    const first = send('send_custom_msg', 'http', request, key);
    await waitFor(() => (db.operations.PutItem ?? 0) > putsBefore);
    const during = await send('send_custom_msg', 'http', request, key);
    stack.tencent.emulator.replyDelayMs = 0;

    // Assess
    expect(during.status).toBe(409);
    expect(during.headers['retry-after']).toBe('1');
    expect(during.result.error).toMatchObject({ code: 'IN_PROGRESS', retryable: true });
    expect((await first).result.ok).toBe(true);
    expect(deliveriesOf(key)).toBe(1);
  });

  it('never records a request that fails the checks', async () => {
    // Prepare
    const before = { ...db.operations };
    const key = unique('invalid');

    // Act
    const answer = await send('send_group_msg', 'http', { GroupId: '@TGS#2C5SZEAEF' }, key);

    // Assess
    expect(answer.status).toBe(400);
    expect(db.operations).toStrictEqual(before);
  });

  it('records nothing for a send without a key', async () => {
    // Prepare
    const before = { ...db.operations };
    const marker = unique('no-key');

    // Act
    const result = await handlers.send_text_msg(
      requestWith('send_text_msg', marker),
      lambdaContext(),
    );

    // Assess
    expect(result).toMatchObject({ ok: true });
    expect(db.operations).toStrictEqual(before);
  });

  it('costs one conditional write and one update per first send', async () => {
    // Prepare
    const before = { ...db.operations };
    const key = unique('cost');

    // Act
    await send('send_group_msg', 'direct', requestWith('send_group_msg', key), key);

    // Assess
    expect(db.operations.PutItem).toBe((before.PutItem ?? 0) + 1);
    expect(db.operations.UpdateItem).toBe((before.UpdateItem ?? 0) + 1);
    expect(db.operations.GetItem ?? 0).toBe(before.GetItem ?? 0);
  });
});

describe('Idempotency table: failures that show Tencent did not take the message free the key', () => {
  const freeing = [
    ['Tencent 10007 (FORBIDDEN)', { errorCode: 10007 }, 'FORBIDDEN'],
    ['Tencent 10023 (RATE_LIMITED), every attempt', { errorCode: 10023, count: 5 }, 'RATE_LIMITED'],
    ['HTTP 503, every attempt', { httpStatus: 503, count: 5 }, 'UPSTREAM_UNAVAILABLE'],
    ['connection refused, every attempt', 'refused', 'UPSTREAM_UNAVAILABLE'],
  ] as const;

  it.each(
    COMMANDS.flatMap((command) =>
      freeing.map(([name, fault, code]) => [command, name, fault, code] as const),
    ),
  )('%s, %s: the retry under the same key sends', async (command, _name, fault, code) => {
    // Prepare
    const key = unique('freed');
    const request = requestWith(command, key);
    const closed = await startDynamoDb({ tables: [] });
    await closed.close();
    if (fault === 'refused') process.env.TENCENT_CHAT_BASE_URL = closed.url;
    else stack.tencent.emulator.addFault({ command, ...fault });
    const first = await send(command, 'direct', request, key);
    stack.tencent.emulator.clearFaults();
    process.env.TENCENT_CHAT_BASE_URL = stack.tencent.url;

    // Act
    const retry = await send(command, 'direct', request, key);

    // Assess
    expect(first.result.error).toMatchObject({ code });
    expect(retry.result).toMatchObject({ ok: true });
    expect(retry.result.replayed).toBeUndefined();
    expect(deliveriesOf(key)).toBe(1);
  });
});

describe('Idempotency table: an unknown outcome keeps the key', () => {
  it.each(COMMANDS.flatMap((command) => EVENT_KINDS.map((kind) => [command, kind] as const)))(
    '%s over %s: after a reset on every attempt, a repeat sends nothing and reports the unknown outcome',
    async (command, kind) => {
      // Prepare
      const key = unique('unknown');
      const request = requestWith(command, key);
      stack.tencent.emulator.addFault({ command, drop: 'after', count: 5 });
      const first = await send(command, kind, request, key);
      stack.tencent.emulator.clearFaults();
      stack.tencent.emulator.clockOffsetMs += FIVE_MINUTES_AND_MORE;

      // Act
      const again = await send(command, kind, request, key);

      // Assess
      expect(first.result).toMatchObject({
        ok: false,
        error: { code: 'UPSTREAM_TIMEOUT', retryable: false },
      });
      expect(first.result.error?.message).toContain('The outcome is unknown');
      expect(again.result).toStrictEqual({ ...first.result, replayed: true });
      if (kind === 'http') expect(again.status).toBe(504);
      expect(deliveriesOf(key)).toBe(1);
    },
  );

  it.each(COMMANDS)('%s: keeps the key after a gateway 504 on every attempt', async (command) => {
    // Prepare
    const key = unique('gateway');
    const request = requestWith(command, key);
    stack.tencent.emulator.addFault({ command, httpStatus: 504, count: 5 });
    const first = await send(command, 'direct', request, key);
    stack.tencent.emulator.clearFaults();

    // Act
    const again = await send(command, 'direct', request, key);

    // Assess
    expect(first.result.error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', retryable: false });
    expect(again.result).toStrictEqual({ ...first.result, replayed: true });
    expect(deliveriesOf(key)).toBe(0);
  });

  it('keeps the key after Tencent stalls past the attempt timeout in a live room', async () => {
    // Prepare
    const key = unique('stall');
    const request = requestWith('send_text_msg', key);
    stack.tencent.emulator.addFault({ command: 'send_text_msg', delayMs: 600 });
    process.env.TENCENT_CHAT_TIMEOUT_MS = '300';
    try {
      await send('send_text_msg', 'direct', request, key);
    } finally {
      process.env.TENCENT_CHAT_TIMEOUT_MS = '2000';
    }
    await sleep(700);

    // Act
    const again = await send('send_text_msg', 'direct', request, key);

    // Assess
    expect(again.result).toMatchObject({ ok: false, replayed: true });
    expect(deliveriesOf(key)).toBe(1);
  });
});

describe('Idempotency table: the table itself failing', () => {
  it.each(COMMANDS)(
    '%s: a throttled table fails the send as UPSTREAM_UNAVAILABLE and sends nothing',
    async (command) => {
      // Prepare
      const key = unique('throttled');
      db.addFault({ throttle: 1_000 });

      // Act
      const answer = await send(command, 'http', requestWith(command, key), key);
      db.clearFaults();

      // Assess
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('1');
      expect(answer.result.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
      expect(deliveriesOf(key)).toBe(0);
    },
  );

  it('fails the send as UPSTREAM_UNAVAILABLE when the table cannot be reached, and sends nothing', async () => {
    // Prepare
    const closed = await startDynamoDb({ tables: ['unreachable-table'] });
    await closed.close();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = closed.url;
    process.env.TENCENT_CHAT_IDEMPOTENCY_TABLE = 'unreachable-table';
    const key = unique('unreachable');

    // Act
    const answer = await send(
      'send_text_msg',
      'eventbridge',
      requestWith('send_text_msg', key),
      key,
    );
    process.env.AWS_ENDPOINT_URL_DYNAMODB = db.url;
    process.env.TENCENT_CHAT_IDEMPOTENCY_TABLE = TABLE;

    // Assess
    expect(answer.result.error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', retryable: true });
    expect(deliveriesOf(key)).toBe(0);
  });
});

describe('Idempotency table: a container that crashes mid-send', () => {
  let blackHole: Server;
  let child: ChildProcess | undefined;
  const outside = mkdtempSync(join(tmpdir(), 'idempotency-bundle-'));

  beforeAll(async () => {
    // Accepts connections and never answers: the crashed send never reaches Tencent.
    blackHole = createServer(() => {});
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    // Outside the repository, as Lambda loads it: the entry and the chunk it imports lazily.
    cpSync(fileURLToPath(new URL('../../dist/send-text-msg', import.meta.url)), outside, {
      recursive: true,
    });
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    blackHole.close();
    rmSync(outside, { recursive: true, force: true });
  });

  it('leaves the key in progress until its Lambda deadline, then lets it send', async () => {
    // Prepare
    const key = unique('crash');
    const request = requestWith('send_text_msg', key);
    const deadlineMs = 4_000;
    const putsBefore = db.operations.PutItem ?? 0;
    const address = blackHole.address() as { port: number };
    child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { handler } = await import(${JSON.stringify(join(outside, 'index.mjs'))});
         const deadline = Date.now() + ${deadlineMs};
         await handler(${JSON.stringify(envelope(request, key))}, { awsRequestId: 'crash', getRemainingTimeInMillis: () => deadline - Date.now() });`,
      ],
      {
        cwd: '/',
        stdio: 'ignore',
        env: {
          PATH: process.env.PATH ?? '',
          ...stack.env,
          TENCENT_CHAT_BASE_URL: `http://127.0.0.1:${address.port}`,
          TENCENT_CHAT_TIMEOUT_MS: '5000',
          TENCENT_CHAT_IDEMPOTENCY_TABLE: TABLE,
          AWS_ENDPOINT_URL_DYNAMODB: db.url,
        },
      },
    );
    await waitFor(() => (db.operations.PutItem ?? 0) > putsBefore, 10_000);
    // The child set its deadline before it recorded the key: the deadline is before this.
    const recordedAt = Date.now();
    child.kill('SIGKILL');

    // Act
    const during = await send('send_text_msg', 'direct', request, key);
    await sleep(deadlineMs - (Date.now() - recordedAt) + 100);
    const after = await send('send_text_msg', 'direct', request, key);

    // Assess
    expect(during.result.error).toMatchObject({ code: 'IN_PROGRESS', retryable: true });
    expect(after.result).toMatchObject({ ok: true });
    expect(after.result.replayed).toBeUndefined();
    expect(deliveriesOf(key)).toBe(1);
  });
});

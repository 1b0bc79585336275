import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP } from '../../emulators/tencent-chat/emulator.ts';
import { envelope, eventBridgeEvent, httpApiEvent, restApiEvent } from '../support/events.ts';
import { expectDocumentedResponse, loadOpenApi, type OpenApi } from '../support/openapi.ts';
import { type CapturedOutput, captureOutput, jsonLines } from '../support/output.ts';
import { MINIMAL_REQUESTS } from '../support/requests.ts';
import {
  type CommandName,
  type Handler,
  lambdaContext,
  loadBundle,
  SECRET_ID,
  type Stack,
  secretValue,
  startStack,
} from '../support/stack.ts';
import { waitUntil } from '../support/wait.ts';

/**
 * The built bundles, as Lambda runs them, against the emulator and the Secrets Manager stand-in
 * over loopback: every event kind, every error code of the contract.
 */

const COMMANDS = Object.keys(MINIMAL_REQUESTS) as CommandName[];
const GROUP_COMMANDS = new Set<CommandName>(['send_group_msg', 'send_broadcast_msg']);
const TARGET: Record<CommandName, string> = {
  send_group_msg: '@TGS#2C5SZEAEF',
  send_broadcast_msg: 'live-lobby',
  send_text_msg: 'room1',
  send_custom_msg: 'room1',
};

type Outcome =
  | { thrown: false; value: unknown }
  | { thrown: true; name: string; body: Record<string, unknown> };

let stack: Stack;
let output: CapturedOutput;
let openApi: OpenApi;

type HttpAnswer = { statusCode: number; headers: Record<string, string>; body: string };
const handlers = {} as Record<CommandName, Handler>;

/** Every result and thrown error of this file, for the leak check. */
const answers: string[] = [];

const invoke = async (
  command: CommandName,
  event: unknown,
  timeoutMs = 10_000,
): Promise<Outcome> => {
  try {
    const value = await handlers[command](event, lambdaContext(timeoutMs));
    answers.push(JSON.stringify(value));
    return { thrown: false, value };
  } catch (error) {
    answers.push(`${(error as Error).name}: ${(error as Error).message}`);
    return {
      thrown: true,
      name: (error as Error).name,
      body: JSON.parse((error as Error).message),
    };
  }
};

/** The failure result, whichever way the event kind carries it. */
const failureOf = (
  outcome: Outcome,
): Record<string, unknown> & { error: Record<string, unknown> } => {
  if (outcome.thrown) {
    expect(outcome.name).toBe((outcome.body.error as { code: string }).code);
    return outcome.body as never;
  }
  return JSON.parse((outcome.value as { body: string }).body);
};

const KINDS = {
  'HTTP API': (request: unknown) => httpApiEvent(request),
  'REST API': (request: unknown) => restApiEvent(request),
  EventBridge: (request: unknown) => eventBridgeEvent(request),
  'direct invoke': (request: unknown) => request,
  envelope: (request: unknown) => envelope(request, crypto.randomUUID()),
} as const;

const emulator = () => stack.tencent.emulator;

beforeAll(async () => {
  openApi = await loadOpenApi();
  stack = await startStack();
  for (const command of COMMANDS) handlers[command] = await loadBundle(command);
  // Each container's init fetches the secret once; let those fetches end before the tests count.
  await waitUntil(() => stack.secrets.calls.GetSecretValue >= COMMANDS.length);
  output = captureOutput();
});

afterAll(async () => {
  output.restore();
  await stack.close();
});

beforeEach(() => {
  emulator().reset();
  emulator().clearFaults();
  Object.assign(process.env, stack.env);
  delete process.env.TENCENT_CHAT_MAX_RETRIES;
});

describe.each(COMMANDS)('Bundle: %s', (command) => {
  const request = MINIMAL_REQUESTS[command];

  it.each(Object.keys(KINDS) as (keyof typeof KINDS)[])(
    'sends a message from a %s event',
    async (kind) => {
      // Act
      const outcome = await invoke(command, KINDS[kind](request));

      // Assess
      expect(outcome.thrown).toBe(false);
      const result =
        kind === 'HTTP API' || kind === 'REST API'
          ? (() => {
              const response = (
                outcome as {
                  value: { statusCode: number; headers: Record<string, string>; body: string };
                }
              ).value;
              expect(response.statusCode).toBe(200);
              expect(response.headers['content-type']).toBe('application/json');
              return JSON.parse(response.body);
            })()
          : (outcome as { value: unknown }).value;
      const [delivered] = emulator().messagesFor(TARGET[command]);
      expect(delivered).toBeDefined();
      expect(result).toMatchObject({ ok: true, command, msgSeq: delivered?.msgSeq });
      if (command !== 'send_broadcast_msg') expect(result.msgTime).toBe(delivered?.msgTime);
      if (GROUP_COMMANDS.has(command)) {
        expect(result.random).toBe(delivered?.random);
        expect(delivered?.request).toStrictEqual({ ...request, Random: result.random });
      } else {
        expect(result.random).toBeUndefined();
        expect(result.requestId).toMatch(/^Id-/);
        expect(delivered?.request).toStrictEqual(request);
      }
    },
  );

  it('sends to the documented URL and query string', async () => {
    await invoke(command, request);
    const [received] = emulator().requests;
    const service = GROUP_COMMANDS.has(command) ? 'group_open_http_svc' : 'live_engine_http_srv';
    expect(received?.path).toBe(`/v4/${service}/${command}`);
    expect(received?.query).toStrictEqual({
      sdkappid: String(DEFAULT_APP.sdkAppId),
      identifier: 'administrator',
      random: expect.stringMatching(/^\d+$/),
      contenttype: 'json',
    });
    expect(received?.userSigDigest).toMatch(/^[0-9a-f]{16}$/);
  });

  it('rejects a bad request with 400 and field paths, without calling Tencent', async () => {
    // Act
    const http = await invoke(command, httpApiEvent({ ...request, Unknown: 1 }));
    const direct = await invoke(command, { ...request, Unknown: 1 });

    // Assess
    const response = (http as { value: HttpAnswer }).value;
    expect(response.statusCode).toBe(400);
    expectDocumentedResponse(openApi, command, response);
    expect(JSON.parse(response.body).error).toStrictEqual({
      code: 'INVALID_REQUEST',
      message: `Invalid request: Unknown: is not a field of ${command}`,
      retryable: false,
      details: [{ path: 'Unknown', message: `is not a field of ${command}` }],
    });
    expect(direct).toMatchObject({ thrown: true, name: 'INVALID_REQUEST' });
    expect(emulator().requests).toHaveLength(0);
  });

  it('uses one GetSecretValue and one UserSig for 100 warm invocations', async () => {
    // Prepare: a new container, and Tencent's rate limits out of the way.
    // Counted before the container starts: its init already begins the secret fetch.
    const callsBefore = stack.secrets.calls.GetSecretValue;
    const handler = await loadBundle(command);
    Object.assign(emulator().limits, { perGroupPerSecond: 1_000, broadcastPerSecond: 1_000 });

    // Act
    for (let i = 0; i < 100; i += 1) await handler(request, lambdaContext());

    // Assess
    Object.assign(emulator().limits, { perGroupPerSecond: 40, broadcastPerSecond: 1 });
    expect(stack.secrets.calls.GetSecretValue - callsBefore).toBe(1);
    expect(emulator().requests).toHaveLength(100);
    expect(new Set(emulator().requests.map((r) => r.userSigDigest)).size).toBe(1);
  });
});

describe('Error codes, through every event kind', () => {
  const group = MINIMAL_REQUESTS.send_group_msg;
  const room = MINIMAL_REQUESTS.send_text_msg;

  const cases: [string, CommandName, unknown, () => void, string, number, number?][] = [
    [
      'FORBIDDEN (10007)',
      'send_broadcast_msg',
      MINIMAL_REQUESTS.send_broadcast_msg,
      () => {
        emulator().broadcastEnabled = false;
      },
      'FORBIDDEN',
      403,
      10007,
    ],
    [
      'FORBIDDEN (100601, muted)',
      'send_text_msg',
      room,
      () => emulator().mutedAccounts.add('host'),
      'FORBIDDEN',
      403,
      100601,
    ],
    [
      'NOT_FOUND (10010)',
      'send_group_msg',
      { ...group, GroupId: 'missing-group' },
      () => {},
      'NOT_FOUND',
      404,
      10010,
    ],
    [
      'NOT_FOUND (100004)',
      'send_custom_msg',
      { ...MINIMAL_REQUESTS.send_custom_msg, RoomId: 'missing-room' },
      () => {},
      'NOT_FOUND',
      404,
      100004,
    ],
    [
      'PAYLOAD_TOO_LARGE (local)',
      'send_group_msg',
      { ...group, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x'.repeat(12_001) } }] },
      () => {},
      'PAYLOAD_TOO_LARGE',
      413,
    ],
    [
      'PAYLOAD_TOO_LARGE (80002)',
      'send_group_msg',
      group,
      () => emulator().addFault({ errorCode: 80002 }),
      'PAYLOAD_TOO_LARGE',
      413,
      80002,
    ],
    [
      'RATE_LIMITED (10023)',
      'send_group_msg',
      group,
      () => emulator().addFault({ count: 2, errorCode: 10023 }),
      'RATE_LIMITED',
      429,
      10023,
    ],
    [
      'RATE_LIMITED (MsgDropReason)',
      'send_text_msg',
      room,
      () => {
        emulator().limits.perGroupPerSecond = 0;
      },
      'RATE_LIMITED',
      429,
      0,
    ],
    [
      'CONFIGURATION_ERROR (70009 after one refresh)',
      'send_group_msg',
      group,
      () => emulator().addFault({ count: 2, errorCode: 70009 }),
      'CONFIGURATION_ERROR',
      500,
      70009,
    ],
    [
      'CONFIGURATION_ERROR (missing variable)',
      'send_group_msg',
      group,
      () => {
        delete process.env.TENCENT_CHAT_SECRET_ID;
      },
      'CONFIGURATION_ERROR',
      500,
    ],
    [
      'UPSTREAM_ERROR (unknown code)',
      'send_group_msg',
      group,
      () => emulator().addFault({ errorCode: 80001 }),
      'UPSTREAM_ERROR',
      502,
      80001,
    ],
    [
      'UPSTREAM_ERROR (not JSON)',
      'send_text_msg',
      room,
      () => emulator().addFault({ httpStatus: 404 }),
      'UPSTREAM_ERROR',
      502,
    ],
    [
      'UPSTREAM_UNAVAILABLE (10002)',
      'send_group_msg',
      group,
      () => emulator().addFault({ count: 2, errorCode: 10002 }),
      'UPSTREAM_UNAVAILABLE',
      503,
      10002,
    ],
    [
      'UPSTREAM_UNAVAILABLE (HTTP 502)',
      'send_group_msg',
      group,
      () => emulator().addFault({ count: 2, httpStatus: 502 }),
      'UPSTREAM_UNAVAILABLE',
      503,
    ],
  ];

  const KINDS_FOR_ERRORS = ['HTTP API', 'EventBridge', 'direct invoke'] as const;
  const rows = cases.flatMap(([name, command, request, prepare, code, status, tencentCode]) =>
    KINDS_FOR_ERRORS.map((kind) => ({
      title: `${name} via ${kind}`,
      kind,
      command,
      request,
      prepare,
      code,
      status,
      tencentCode,
    })),
  );

  it.each(rows)(
    '$title',
    async ({ kind, command, request, prepare, code, status, tencentCode }) => {
      // Prepare
      process.env.TENCENT_CHAT_MAX_RETRIES = '1';
      prepare();

      // Act
      const event =
        kind === 'HTTP API'
          ? httpApiEvent(request)
          : kind === 'EventBridge'
            ? eventBridgeEvent(request)
            : request;
      const outcome = await invoke(command, event);

      // Assess
      emulator().broadcastEnabled = true;
      emulator().mutedAccounts.clear();
      emulator().limits.perGroupPerSecond = 40;
      const failure = failureOf(outcome);
      expect(failure).toMatchObject({
        ok: false,
        command,
        error: { code, retryable: [429, 503, 504].includes(status) },
      });
      if (tencentCode !== undefined) expect(failure.error.tencentCode).toBe(tencentCode);
      if (kind === 'HTTP API') {
        const response = (
          outcome as { value: { statusCode: number; headers: Record<string, string> } }
        ).value;
        expect(response.statusCode).toBe(status);
        expect(response.headers['retry-after']).toBe(
          status === 429 || status === 503 ? '1' : undefined,
        );
      } else {
        expect(outcome.thrown).toBe(true);
      }
    },
  );

  it('UPSTREAM_TIMEOUT: ends before the Lambda deadline when Tencent stalls', async () => {
    emulator().addFault({ count: 5, delayMs: 3_000 });
    const started = Date.now();
    const outcome = await invoke('send_text_msg', httpApiEvent(room), 1_500);
    expect(Date.now() - started).toBeLessThan(1_500);
    const response = (outcome as { value: HttpAnswer }).value;
    expect(response.statusCode).toBe(504);
    expectDocumentedResponse(openApi, 'send_text_msg', response);
    expect(JSON.parse(response.body).error.code).toBe('UPSTREAM_TIMEOUT');
    // The stalled request is still asleep in the emulator: let it land here, not in a later test.
    await waitUntil(() => emulator().messagesFor(TARGET.send_text_msg).length > 0);
    expect(emulator().messagesFor(TARGET.send_text_msg)).toHaveLength(1);
  });

  it('CONFIGURATION_ERROR: a secret of the wrong shape names the field, never the value', async () => {
    // Prepare: a new container, and a secret without secretKey.
    stack.secrets.putSecret(
      SECRET_ID,
      JSON.stringify({ sdkAppId: DEFAULT_APP.sdkAppId, adminIdentifier: 'administrator' }),
    );
    const handler = await loadBundle('send_group_msg');

    // Act
    const error = (await handler(group, lambdaContext()).catch(
      (caught: unknown) => caught,
    )) as Error;

    // Assess
    stack.secrets.putSecret(SECRET_ID, secretValue());
    expect(error.name).toBe('CONFIGURATION_ERROR');
    expect(JSON.parse(error.message).error.message).toBe(
      'Secret field secretKey must be a non-empty string',
    );
  });

  it('INTERNAL_ERROR: a defect gives a generic message, its details only in the log', async () => {
    // Prepare: an event whose reading throws, as no real event would.
    const hostile = {
      get request(): never {
        throw new Error('kaboom in the adapter');
      },
    };

    // Act
    const outcome = await invoke('send_group_msg', hostile);

    // Assess
    const failure = failureOf(outcome);
    expect(failure.error).toStrictEqual({
      code: 'INTERNAL_ERROR',
      message: 'Internal error',
      retryable: false,
      details: [],
    });
    const logged = jsonLines(output.lines()).find((line) => line.message === 'Unexpected failure');
    expect(logged?.errorMessage).toBe('kaboom in the adapter');
  });
});

describe('Idempotency, over the bundles', () => {
  const group = MINIMAL_REQUESTS.send_group_msg;

  it('the same Idempotency-Key twice delivers once', async () => {
    const first = await invoke(
      'send_group_msg',
      httpApiEvent(group, { 'Idempotency-Key': 'order-7' }),
    );
    const second = await invoke(
      'send_group_msg',
      httpApiEvent(group, { 'Idempotency-Key': 'order-7' }),
    );
    const [a, b] = [first, second].map((o) =>
      JSON.parse((o as { value: { body: string } }).value.body),
    );
    expect(a.random).toBe(b.random);
    expect(emulator().messagesFor(TARGET.send_group_msg)).toHaveLength(1);
    expect(emulator().stats.duplicatesDiscarded).toBe(1);
  });

  it('an EventBridge event delivered twice sends once', async () => {
    const event = eventBridgeEvent(group, 'evt-123');
    await invoke('send_group_msg', event);
    await invoke('send_group_msg', event);
    expect(emulator().messagesFor(TARGET.send_group_msg)).toHaveLength(1);
  });

  it('Lambda re-delivering an asynchronous event (same request id) sends once', async () => {
    const context = lambdaContext(10_000, 'async-request-1');
    await handlers.send_group_msg(group, context);
    await handlers.send_group_msg(group, lambdaContext(10_000, 'async-request-1'));
    expect(emulator().messagesFor(TARGET.send_group_msg)).toHaveLength(1);
  });

  it('different keys deliver different messages, even with the same content', async () => {
    await invoke('send_group_msg', envelope(group, 'a'));
    await invoke('send_group_msg', envelope(group, 'b'));
    expect(emulator().messagesFor(TARGET.send_group_msg)).toHaveLength(2);
  });

  it('a caller-supplied Random is used as given', async () => {
    const outcome = await invoke('send_group_msg', { ...group, Random: 0 });
    expect(outcome).toMatchObject({ thrown: false, value: { random: 0 } });
    expect(emulator().messages[0]?.random).toBe(0);
  });
});

describe('Logs and leaks', () => {
  it('logs one JSON line per send with command, outcome, attempts and duration', async () => {
    const before = output.lines().length;
    await invoke('send_text_msg', MINIMAL_REQUESTS.send_text_msg);
    const lines = jsonLines(output.lines().slice(before)).filter(
      (line) => line.message === 'Message sent',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      command: 'send_text_msg',
      outcome: 'sent',
      attempts: 1,
      eventKind: 'direct',
    });
    expect(lines[0]?.durationMs).toEqual(expect.any(Number));
    expect(lines[0]?.function_request_id).toEqual(expect.any(String));
  });

  it('emits metrics in embedded metric format: sent, failed by code, retries, upstream latency', async () => {
    // Prepare
    const before = output.lines().length;
    process.env.TENCENT_CHAT_MAX_RETRIES = '1';
    emulator().addFault({ errorCode: 10002 });

    // Act
    await invoke('send_group_msg', MINIMAL_REQUESTS.send_group_msg);
    await invoke('send_group_msg', { ...MINIMAL_REQUESTS.send_group_msg, GroupId: 'missing' });

    // Assess
    const blobs = jsonLines(output.lines().slice(before)).filter((line) => '_aws' in line);
    const directives = blobs.map(
      (blob) =>
        (
          blob._aws as {
            CloudWatchMetrics: {
              Namespace: string;
              Dimensions: string[][];
              Metrics: { Name: string; Unit: string }[];
            }[];
          }
        ).CloudWatchMetrics[0],
    );
    for (const directive of directives) expect(directive?.Namespace).toBe('TencentChatSender');
    const sent = blobs.find((blob) => blob.MessagesSent === 1);
    expect(sent).toMatchObject({
      command: 'send_group_msg',
      service: 'tencent-chat-sender',
      Retries: 1,
      UpstreamLatency: expect.any(Number),
    });
    const failed = blobs.find((blob) => blob.MessagesFailed === 1);
    expect(failed).toMatchObject({ command: 'send_group_msg', errorCode: 'NOT_FOUND' });
    const failedDirective = directives[blobs.indexOf(failed as Record<string, unknown>)];
    expect(failedDirective?.Dimensions[0]).toEqual(
      expect.arrayContaining(['command', 'errorCode']),
    );
    expect(failedDirective?.Metrics).toStrictEqual([{ Name: 'MessagesFailed', Unit: 'Count' }]);
  });

  it('writes nothing but JSON lines: every log and metric line parses', () => {
    const lines = output.lines();
    expect(jsonLines(lines)).toHaveLength(lines.length);
    const failures = jsonLines(lines).filter((line) => line.message === 'Message not sent');
    expect(failures.length).toBeGreaterThan(10);
    for (const line of failures) {
      expect(line).toMatchObject({
        command: expect.any(String),
        outcome: 'failed',
        errorCode: expect.any(String),
        attempts: expect.any(Number),
        durationMs: expect.any(Number),
      });
    }
  });

  it('no output, result or error of this file holds the secret key or a UserSig', () => {
    const text = `${output.text()}\n${answers.join('\n')}`;
    expect(answers.length).toBeGreaterThan(50);
    expect(text).not.toContain(DEFAULT_APP.secretKey);
    expect(text).not.toMatch(/usersig=/i);
    expect(text).not.toMatch(/eJy[A-Za-z0-9*_-]{40,}/);
  });
});

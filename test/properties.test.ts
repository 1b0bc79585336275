import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP } from '../emulators/tencent-chat/emulator.ts';
import { COMMANDS, type Command, type CommandName } from '../lib/commands/index.ts';
import { HTTP_STATUS } from '../lib/errors.ts';
import { validateRequest } from '../lib/validation.ts';
import { anyEvent, unknownKey, VALID_REQUESTS } from './support/arbitraries.ts';
import { envelope, eventBridgeEvent, httpApiEvent } from './support/events.ts';
import { type CapturedOutput, captureOutput } from './support/output.ts';
import {
  type Handler,
  lambdaContext,
  loadBundle,
  type Stack,
  startStack,
} from './support/stack.ts';

/**
 * Property-based tests over the built bundles: arbitrary JSON and arbitrary events never cause an
 * unhandled exception, never reach Tencent with a request the schema rejects, and never answer a
 * 5xx other than configuration or upstream; generated valid requests are forwarded field for field.
 * FUZZ_RUNS sets the runs per property (1,000 in `npm test`, 10,000 in `npm run fuzz`).
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);
const ERROR_CODES = new Set(Object.keys(HTTP_STATUS));
const ALLOWED_5XX = new Set([
  'CONFIGURATION_ERROR',
  'UPSTREAM_ERROR',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
]);
const GROUP_COMMANDS = new Set<CommandName>(['send_group_msg', 'send_broadcast_msg']);

let stack: Stack;
let output: CapturedOutput;
/** Every result and thrown error, for the leak check. */
const answers: string[] = [];
const handlers = {} as Record<CommandName, Handler>;

type Answer = { ok: boolean; code?: string; status?: number };

/** Runs one invocation and checks that it answered as the contract says, whatever the input. */
const invokeChecked = async (command: CommandName, event: unknown): Promise<Answer> => {
  let value: unknown;
  try {
    value = await handlers[command](event, lambdaContext());
    answers.push(JSON.stringify(value));
  } catch (error) {
    answers.push((error as Error).message);
    // A thrown failure: an Error named by its code, carrying the failure as JSON.
    expect(error).toBeInstanceOf(Error);
    const { name, message } = error as Error;
    expect(ERROR_CODES.has(name), `thrown ${name}: ${message}`).toBe(true);
    const failure = JSON.parse(message);
    expect(failure).toMatchObject({ ok: false, command, error: { code: name } });
    return { ok: false, code: name };
  }
  if (value && typeof value === 'object' && 'statusCode' in value) {
    const { statusCode, body } = value as { statusCode: number; body: string };
    const result = JSON.parse(body);
    return { ok: result.ok, code: result.error?.code, status: statusCode };
  }
  expect(value).toMatchObject({ ok: true, command });
  return { ok: true };
};

const expectNoForbidden5xx = (answer: Answer) => {
  if (answer.code === undefined) return;
  const status = HTTP_STATUS[answer.code as keyof typeof HTTP_STATUS];
  if (status >= 500) expect(ALLOWED_5XX.has(answer.code), `answered ${answer.code}`).toBe(true);
};

/** Every request Tencent received since `from` passes the command's checks. */
const expectOnlyValidRequestsSent = (command: Command, from: number) => {
  for (const received of stack.tencent.emulator.requests.slice(from)) {
    expect(() => validateRequest(command, received.body)).not.toThrow();
  }
};

const EVENT_KINDS = {
  'direct invoke': (input: unknown) => input,
  envelope: (input: unknown) => envelope(input, 'fuzz'),
  EventBridge: (input: unknown) => eventBridgeEvent(input),
  'HTTP API': (input: unknown) => httpApiEvent(input),
} as const;

beforeAll(async () => {
  stack = await startStack({
    limits: { perCommandPerSecond: 1e9, broadcastPerSecond: 1e9, perGroupPerSecond: 1e9 },
  });
  for (const { name } of COMMANDS) handlers[name] = await loadBundle(name);
  output = captureOutput();
}, 60_000);

afterAll(async () => {
  output.restore();
  await stack.close();
});

describe.each(COMMANDS)('Properties: $name', (command) => {
  it.each(Object.keys(EVENT_KINDS) as (keyof typeof EVENT_KINDS)[])(
    `arbitrary JSON in a %s event is answered by the contract and never reaches Tencent invalid (${RUNS} runs)`,
    async (kind) => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue(), async (input) => {
          const from = stack.tencent.emulator.requests.length;
          const answer = await invokeChecked(command.name, EVENT_KINDS[kind](input));
          expectNoForbidden5xx(answer);
          expectOnlyValidRequestsSent(command, from);
        }),
        { numRuns: RUNS },
      );
    },
    120_000,
  );

  it(`arbitrary events never cause an unhandled exception (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(anyEvent, async (event) => {
        const from = stack.tencent.emulator.requests.length;
        expectNoForbidden5xx(await invokeChecked(command.name, event));
        expectOnlyValidRequestsSent(command, from);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);

  it(`generated valid requests are accepted and forwarded field for field (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        VALID_REQUESTS[command.name] as fc.Arbitrary<Record<string, unknown>>,
        async (request) => {
          const from = stack.tencent.emulator.requests.length;
          const answer = await invokeChecked(command.name, request);
          expect(answer.code === 'INVALID_REQUEST' || answer.code === 'PAYLOAD_TOO_LARGE').toBe(
            false,
          );
          const received = stack.tencent.emulator.requests.slice(from);
          expect(received).toHaveLength(1);
          const body = received[0]?.body as Record<string, unknown>;
          // As Lambda hands it over: the request's JSON (fast-check's records have no prototype).
          const sent = JSON.parse(JSON.stringify(request));
          const expected = GROUP_COMMANDS.has(command.name)
            ? { ...sent, Random: body.Random }
            : sent;
          expect(body).toStrictEqual(expected);
          // As written: the same keys in the same order, Random added at the end when absent.
          expect(JSON.stringify(body)).toBe(JSON.stringify(expected));
          expect(received[0]?.unknownFields).toStrictEqual([]);
          if (request.Random !== undefined) expect(body.Random).toBe(request.Random);
        },
      ),
      { numRuns: RUNS },
    );
    // Keep the emulator's record small over tens of thousands of runs.
    stack.tencent.emulator.reset();
  }, 300_000);
});

describe('Properties: forward mode', () => {
  it.each(['send_group_msg', 'send_broadcast_msg', 'send_text_msg', 'send_custom_msg'] as const)(
    `%s sends unknown fields as written, with one warning each (${Math.ceil(RUNS / 4)} runs)`,
    async (name) => {
      process.env.TENCENT_CHAT_UNKNOWN_FIELDS = 'forward';
      try {
        await fc.assert(
          fc.asyncProperty(
            VALID_REQUESTS[name] as fc.Arbitrary<Record<string, unknown>>,
            fc.dictionary(unknownKey, fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 3 }),
            async (valid, extra) => {
              // As Lambda hands it over: JSON, unknown keys mixed in after the documented ones.
              const request = JSON.parse(JSON.stringify({ ...valid, ...extra }));
              const from = stack.tencent.emulator.requests.length;
              const result = (await handlers[name](request, lambdaContext())) as {
                ok: boolean;
                random?: number;
                warnings?: { path: string; message: string }[];
              };
              expect(result.ok).toBe(true);
              expect(result.warnings?.map((w) => w.path).sort()).toStrictEqual(
                Object.keys(extra).sort(),
              );
              const [received] = stack.tencent.emulator.requests.slice(from);
              const expected =
                GROUP_COMMANDS.has(name) && request.Random === undefined
                  ? { ...request, Random: result.random }
                  : request;
              expect(JSON.stringify(received?.body)).toBe(JSON.stringify(expected));
              expect(received?.unknownFields.sort()).toStrictEqual(Object.keys(extra).sort());
            },
          ),
          { numRuns: Math.ceil(RUNS / 4) },
        );
      } finally {
        delete process.env.TENCENT_CHAT_UNKNOWN_FIELDS;
        stack.tencent.emulator.reset();
      }
    },
    300_000,
  );
});

describe('Leak check', () => {
  it('no output, result or error of the property runs holds the secret key or a UserSig', () => {
    const text = `${output.text()}\n${answers.join('\n')}`;
    expect(answers.length).toBeGreaterThan(RUNS);
    expect(text.length).toBeGreaterThan(10_000);
    expect(text).not.toContain(DEFAULT_APP.secretKey);
    expect(text).not.toMatch(/usersig=|eJy[A-Za-z0-9*_-]{40,}/i);
  });
});

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NO_RATE_LIMITS } from '../../emulators/tencent-chat/emulator.ts';
import { httpApiEvent } from '../support/events.ts';
import { expectDocumentedResponse, loadOpenApi, type OpenApi } from '../support/openapi.ts';
import { type CapturedOutput, captureOutput, jsonLines } from '../support/output.ts';
import {
  type CommandName,
  type Handler,
  lambdaContext,
  loadBundle,
  type Stack,
  startStack,
} from '../support/stack.ts';

/**
 * The request bodies of Tencent's own pages (test/fixtures/tencent-bodies.json, each with the page
 * it came from) through the built bundles to the emulator: every one is sent field for field, in
 * the caller's key order. Misspelt and misplaced fields (test/fixtures/misspelt-bodies.json) are
 * refused with the documented field that was meant, or sent with one warning each in forward mode.
 */

type Json = Record<string, unknown>;

interface CorpusEntry {
  page: string;
  title: string;
  command: CommandName;
  from: 'sample' | 'field table';
  body: Json;
}

interface MisspeltEntry {
  kind: string;
  command: CommandName;
  body: Json;
  unknown: { path: string; meant: string | null }[];
}

const readFixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

const CORPUS = readFixture<CorpusEntry[]>('tencent-bodies.json');
const MISSPELT = readFixture<MisspeltEntry[]>('misspelt-bodies.json');
const GROUP_COMMANDS = new Set<CommandName>(['send_group_msg', 'send_broadcast_msg']);

let stack: Stack;
let output: CapturedOutput;
let openApi: OpenApi;
const handlers = {} as Record<CommandName, Handler>;

const emulator = () => stack.tencent.emulator;

/** Sends over the HTTP API, as a caller of the product would, and reads the documented answer. */
const send = async (command: CommandName, body: Json) => {
  const response = (await handlers[command](httpApiEvent(body), lambdaContext())) as {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  };
  expectDocumentedResponse(openApi, command, response);
  return { status: response.statusCode, result: JSON.parse(response.body) };
};

/** What Tencent must receive: the caller's JSON as written, with Random added at the end if absent. */
const expectedWire = (command: CommandName, body: Json, random: unknown): string =>
  JSON.stringify(
    GROUP_COMMANDS.has(command) && body.Random === undefined ? { ...body, Random: random } : body,
  );

beforeAll(async () => {
  openApi = await loadOpenApi();
  stack = await startStack({
    limits: NO_RATE_LIMITS,
  });
  for (const command of new Set([...CORPUS, ...MISSPELT].map((entry) => entry.command))) {
    handlers[command] = await loadBundle(command);
  }
  output = captureOutput();
}, 60_000);

afterAll(async () => {
  output.restore();
  await stack.close();
});

beforeEach(() => {
  emulator().reset();
  Object.assign(process.env, stack.env);
  delete process.env.TENCENT_CHAT_UNKNOWN_FIELDS;
});

describe("Corpus: request bodies from Tencent's pages", () => {
  it('holds a body for each command, every element type and every push option', () => {
    const commands = new Set(CORPUS.map((entry) => entry.command));
    const elementTypes = new Set(
      CORPUS.flatMap((entry) =>
        ((entry.body.MsgBody as Json[] | undefined) ?? []).map((element) => element.MsgType),
      ),
    );
    expect([...commands].sort()).toStrictEqual([
      'send_broadcast_msg',
      'send_custom_msg',
      'send_group_msg',
      'send_text_msg',
    ]);
    expect(elementTypes.size).toBe(9);
    for (const entry of CORPUS) {
      expect(entry.page).not.toBe('');
      expect(['sample', 'field table']).toContain(entry.from);
    }
  });

  it.each(CORPUS.map((entry) => [`${entry.command}: ${entry.title}`, entry] as const))(
    'sends %s field for field',
    async (_, entry) => {
      // Act
      const { status, result } = await send(entry.command, entry.body);

      // Assess
      expect(status, JSON.stringify(result)).toBe(200);
      expect(result.warnings).toBeUndefined();
      const received = emulator().requests;
      expect(received).toHaveLength(1);
      expect(JSON.stringify(received[0]?.body)).toBe(
        expectedWire(entry.command, entry.body, result.random),
      );
      expect(received[0]?.unknownFields).toStrictEqual([]);
    },
  );
});

describe('Corpus: misspelt and misplaced fields', () => {
  it.each(MISSPELT.map((entry) => [`${entry.kind} (${entry.unknown[0]?.path})`, entry] as const))(
    'refuses %s, naming the field meant, and sends nothing',
    async (_, entry) => {
      // Act
      const { status, result } = await send(entry.command, entry.body);

      // Assess
      expect(status).toBe(400);
      expect(result.error.code).toBe('INVALID_REQUEST');
      expect(emulator().requests).toHaveLength(0);
      for (const { path, meant } of entry.unknown) {
        const detail = result.error.details.find((d: { path: string }) => d.path === path);
        expect(detail?.message).toMatch(/^is not a field of /);
        if (meant === null) expect(detail?.message).not.toContain('did you mean');
        else expect(detail?.message).toContain(`did you mean ${meant}`);
      }
      expect(result.error.details).toHaveLength(entry.unknown.length);
    },
  );

  it.each(MISSPELT.map((entry) => [`${entry.kind} (${entry.unknown[0]?.path})`, entry] as const))(
    'sends %s as given in forward mode, with a warning per unknown field',
    async (_, entry) => {
      // Prepare
      process.env.TENCENT_CHAT_UNKNOWN_FIELDS = 'forward';
      const lines = output.lines().length;

      // Act
      const { status, result } = await send(entry.command, entry.body);

      // Assess
      expect(status, JSON.stringify(result)).toBe(200);
      const paths = entry.unknown.map((unknown) => unknown.path);
      expect(result.warnings.map((w: { path: string }) => w.path)).toStrictEqual(paths);
      for (const [index, { meant }] of entry.unknown.entries()) {
        if (meant !== null)
          expect(result.warnings[index].message).toContain(`did you mean ${meant}`);
      }
      const [received] = emulator().requests;
      expect(JSON.stringify(received?.body)).toBe(
        expectedWire(entry.command, entry.body, result.random),
      );
      expect(received?.unknownFields).toStrictEqual(paths);
      const logged = jsonLines(output.lines().slice(lines)).find(
        (line) => line.message === 'Message sent',
      );
      expect(logged?.warnings).toStrictEqual(result.warnings);
    },
  );

  it('refuses a forwarded body whose documented fields are wrong, naming them', async () => {
    // Prepare
    process.env.TENCENT_CHAT_UNKNOWN_FIELDS = 'forward';
    const body = { GroupId: '', MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: {} }], Zebra: 1 };

    // Act
    const { status, result } = await send('send_group_msg', body);

    // Assess
    expect(status).toBe(400);
    expect(result.error.details.map((d: { path: string }) => d.path).sort()).toStrictEqual([
      'GroupId',
      'MsgBody[0].MsgContent.Text',
    ]);
    expect(emulator().requests).toHaveLength(0);
  });

  it('answers CONFIGURATION_ERROR naming the variable for any other mode', async () => {
    // Prepare
    process.env.TENCENT_CHAT_UNKNOWN_FIELDS = 'ignore';

    // Act
    const { status, result } = await send('send_group_msg', CORPUS[0]?.body as Json);

    // Assess
    expect(status).toBe(500);
    expect(result.error.code).toBe('CONFIGURATION_ERROR');
    expect(result.error.message).toContain('TENCENT_CHAT_UNKNOWN_FIELDS');
    expect(emulator().requests).toHaveLength(0);
  });
});

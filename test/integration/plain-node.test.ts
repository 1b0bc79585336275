import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../esbuild.config.mjs';
import {
  SEED_BROADCAST_REQUEST,
  SEED_CUSTOM_REQUEST,
  SEED_GROUP_REQUESTS,
  SEED_TEXT_REQUEST,
} from '../support/requests.ts';
import { type Stack, startStack } from '../support/stack.ts';

/**
 * The bundles under plain `node`, in a process of their own, as Lambda's runtime loads them:
 * copied out of the repository first, so that nothing in node_modules can help them load.
 */

const run = promisify(execFile);
const outside = mkdtempSync(join(tmpdir(), 'bundles-'));
cpSync(fileURLToPath(new URL('../../dist', import.meta.url)), outside, { recursive: true });
const bundlePath = (name: string) => join(outside, name, 'index.mjs');
afterAll(() => rmSync(outside, { recursive: true, force: true }));

const runInNode = async (script: string, env: Record<string, string>) => {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd: '/',
  });
  return stdout;
};

describe('Built bundles under plain node', () => {
  // Every function the build writes, those added later included.
  it.each(FUNCTIONS)(
    '%s imports as an ES module with no environment set, its handler a middy instance',
    async (name) => {
      const stdout = await runInNode(
        `const m = await import(${JSON.stringify(bundlePath(name))});
         console.log([typeof m.handler, m.handler.length, typeof m.handler.use, typeof m.handler.before].join(' '));`,
        {},
      );
      // Two parameters: the Node 24 runtime rejects a handler declared with three.
      expect(stdout.trim()).toBe('function 2 function function');
    },
  );

  it('reports CONFIGURATION_ERROR, not a crash, when invoked with no environment', async () => {
    const stdout = await runInNode(
      `const m = await import(${JSON.stringify(bundlePath('send-text-msg'))});
       try { await m.handler(${JSON.stringify(SEED_TEXT_REQUEST)}, {}); } catch (e) { console.log('RESULT ' + e.name + ' ' + e.message); }`,
      {},
    );
    const line = stdout.split('\n').find((l) => l.startsWith('RESULT ')) ?? '';
    expect(line).toContain('CONFIGURATION_ERROR');
    expect(line).toContain('Environment variable TENCENT_CHAT_SECRET_ID is required');
  });

  describe('against the emulator', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await startStack();
    });
    afterAll(() => stack.close());

    it.each(['send-group-msg', 'send-text-msg'])(
      '%s loads ky, and with it undici (about 15 ms), only after init has the connection and the secret fetch on their way',
      async (name) => {
        // Act
        const request = name === 'send-text-msg' ? SEED_TEXT_REQUEST : SEED_GROUP_REQUESTS.basic;
        const stdout = await runInNode(
          `const loaded = () => process.moduleLoadList.filter((entry) => entry.includes('undici'));
         const m = await import(${JSON.stringify(bundlePath(name))});
         const atInit = loaded();
         const result = await m.handler(${JSON.stringify(request)}, { getRemainingTimeInMillis: () => 10000 });
         console.log('RESULT ' + JSON.stringify({ ok: result.ok, atInit, afterSend: loaded() }));`,
          { ...stack.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
        );

        // Assess
        const line = stdout.split('\n').find((l) => l.startsWith('RESULT ')) ?? '';
        expect(JSON.parse(line.slice(7))).toEqual({
          ok: true,
          atInit: [],
          afterSend: ['NativeModule internal/deps/undici/undici'],
        });
      },
    );

    const SEEDS = [
      ...Object.values(SEED_GROUP_REQUESTS).map(
        (request) => ['send-group-msg', request, request.GroupId] as const,
      ),
      ['send-broadcast-msg', SEED_BROADCAST_REQUEST, 'live-lobby'],
      ['send-text-msg', SEED_TEXT_REQUEST, 'room1'],
      ['send-custom-msg', SEED_CUSTOM_REQUEST, 'room1'],
    ] as const;

    it.each(SEEDS)(
      '%s forwards the seed example field for field',
      async (name, request, target) => {
        // Act
        stack.tencent.emulator.reset();
        const stdout = await runInNode(
          `const m = await import(${JSON.stringify(bundlePath(name))});
         const result = await m.handler(${JSON.stringify(request)}, { getRemainingTimeInMillis: () => 10000 });
         console.log('RESULT ' + JSON.stringify(result));`,
          { ...stack.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
        );

        // Assess
        const result = JSON.parse(
          (stdout.split('\n').find((l) => l.startsWith('RESULT ')) ?? '').slice(7),
        );
        expect(result.ok).toBe(true);
        const [received] = stack.tencent.emulator.requests;
        expect(received?.body).toStrictEqual(request);
        expect(received?.contentType).toBe('application/json');
        expect(stack.tencent.emulator.messagesFor(target)).toHaveLength(1);
      },
    );
  });
});

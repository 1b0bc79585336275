import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait.ts';

/**
 * `npm start`, as a newcomer runs it: the printed curl commands, run exactly as printed, deliver
 * messages that the emulator shows. (The bundles are built by `npm test` before this runs.)
 */

const run = promisify(execFile);
const PORTS = {
  HTTP_PORT: '3180',
  LAMBDA_PORT: '3182',
  TENCENT_EMULATOR_PORT: '4180',
  SECRETS_MANAGER_PORT: '4280',
  DYNAMODB_PORT: '4390',
  SQS_PORT: '4490',
  EVENTBRIDGE_PORT: '4590',
};
const FAN_OUT_GROUPS = ['@TGS#2C5SZEAEF', 'demo-work-group', 'demo-meeting'];

let local: ChildProcess;
let printed = '';

const waitFor = (text: string, timeoutMs: number) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "${text}" after ${timeoutMs} ms:\n${printed}`)),
      timeoutMs,
    );
    const check = () => {
      if (printed.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    local.stdout?.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      check();
    });
    local.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${printed}`)));
  });

const curlCommands = () => printed.split('\n').filter((line) => line.startsWith('curl '));

describe('npm start', () => {
  beforeAll(async () => {
    local = spawn(process.execPath, ['scripts/start-local.ts'], {
      env: { ...process.env, ...PORTS, POWERTOOLS_LOG_LEVEL: 'WARN' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    await waitFor('Hello, three groups at once', 90_000);
  }, 100_000);

  // Waits for the exit, so that the next run finds its ports free.
  afterAll(async () => {
    if (!local.pid || local.exitCode !== null || local.signalCode !== null) return;
    const exited = new Promise((resolve) => local.once('exit', resolve));
    process.kill(-local.pid, 'SIGTERM');
    const timer = setTimeout(() => local.pid && process.kill(-local.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }, 15_000);

  // Each command is the first call of its function, which serverless-offline loads in a fresh
  // worker: 4 s for the twelve here, 23 s with both cores busy (and CI's machine is slower).
  it('prints one curl command per route, and each works exactly as printed', async () => {
    // Prepare
    const commands = curlCommands();
    const routes = [
      '/v1/group-messages',
      '/v1/broadcast-messages',
      '/v1/room-text-messages',
      '/v1/room-custom-messages',
      '/v1/group-fanouts',
    ];
    for (const route of routes)
      expect(commands.some((command) => command.includes(route))).toBe(true);

    // Act
    const answers = [];
    for (const command of commands) {
      const { stdout } = await run('bash', ['-c', command]);
      answers.push(JSON.parse(stdout));
    }

    // Assess
    const [group, broadcast, text, textAgain, custom, invalid, scheduled, received, fanOut] =
      answers;
    expect(group).toMatchObject({ ok: true, command: 'send_group_msg' });
    expect(broadcast).toMatchObject({ ok: true, command: 'send_broadcast_msg' });
    expect(text).toMatchObject({ ok: true, command: 'send_text_msg' });
    expect(text.replayed).toBeUndefined();
    expect(textAgain).toStrictEqual({ ...text, replayed: true });
    expect(custom).toMatchObject({ ok: true, command: 'send_custom_msg' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(scheduled).toMatchObject({ ok: true, command: 'send_broadcast_msg' });
    expect((received as { command: string }[]).map((message) => message.command)).toStrictEqual([
      'send_group_msg',
      'send_broadcast_msg',
      'send_text_msg',
      'send_custom_msg',
      'send_broadcast_msg',
    ]);
    expect(fanOut).toStrictEqual({
      ok: true,
      command: 'send_group_msg',
      fanoutId: 'demo-fanout-1',
      queued: 3,
    });
  }, 120_000);

  it('delivers the printed fan-out through the local queue, once to each group', async () => {
    // Act: the pollers invoke send-group-msg with the queued records
    const emulator = `http://127.0.0.1:${PORTS.TENCENT_EMULATOR_PORT}`;
    let fanned: { targets: string[] }[] = [];
    await waitUntil(
      async () => {
        const messages = (await (await fetch(`${emulator}/emulator/messages`)).json()) as {
          targets: string[];
          msgBody: { MsgContent: { Text?: string } }[];
        }[];
        fanned = messages.filter(
          (message) => message.msgBody[0]?.MsgContent.Text === 'Hello, three groups at once',
        );
        return fanned.length >= FAN_OUT_GROUPS.length;
      },
      10_000,
      100,
    );

    // Assess
    expect(fanned.flatMap((message) => message.targets).sort()).toStrictEqual(
      [...FAN_OUT_GROUPS].sort(),
    );
  }, 15_000);

  it('shows the delivered messages on the emulator pages it names', async () => {
    const page = await (
      await fetch(`http://127.0.0.1:${PORTS.TENCENT_EMULATOR_PORT}/rooms/room1`)
    ).text();
    expect(page).toContain('Welcome to the show');
  });
});

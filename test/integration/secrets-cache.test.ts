import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_APP } from '../../emulators/tencent-chat/emulator.ts';
import { type CapturedOutput, captureOutput } from '../support/output.ts';
import { MINIMAL_REQUESTS } from '../support/requests.ts';
import {
  lambdaContext,
  loadBundle,
  SECRET_ID,
  type Stack,
  secretValue,
  startStack,
} from '../support/stack.ts';

/** The admin secret under load and under rotation, over the built bundles. */

let stack: Stack;
let output: CapturedOutput;

beforeAll(async () => {
  stack = await startStack({
    limits: { perCommandPerSecond: 1e9, perGroupPerSecond: 1e9, broadcastPerSecond: 1e9 },
  });
  output = captureOutput();
});
afterAll(async () => {
  output.restore();
  await stack.close();
});
beforeEach(() => {
  stack.tencent.emulator.reset();
  stack.tencent.emulator.rotateKey(DEFAULT_APP.sdkAppId, DEFAULT_APP.secretKey);
  stack.secrets.putSecret(SECRET_ID, secretValue());
});

describe('Secret cache', () => {
  it('50 concurrent invocations of a new container cause exactly one GetSecretValue', async () => {
    // Prepare: a new container, and a secret fetch slow enough for all 50 to wait on it.
    // Set before the container starts: its init already begins the secret fetch.
    stack.secrets.addFault({ delayMs: 150 });
    const before = stack.secrets.calls.GetSecretValue;
    const handler = await loadBundle('send_text_msg');

    // Act
    const results = await Promise.all(
      Array.from({ length: 50 }, () => handler(MINIMAL_REQUESTS.send_text_msg, lambdaContext())),
    );

    // Assess
    expect(results.every((result) => (result as { ok: boolean }).ok)).toBe(true);
    expect(stack.secrets.calls.GetSecretValue - before).toBe(1);
    expect(stack.tencent.emulator.messagesFor('room1')).toHaveLength(50);
  });

  it('rotation drill: after the key changes, each container re-reads the secret exactly once and every later send succeeds', async () => {
    // Prepare: two warm containers.
    const containers = [await loadBundle('send_group_msg'), await loadBundle('send_text_msg')];
    const request = (i: number) =>
      i % 2 === 0
        ? {
            ...MINIMAL_REQUESTS.send_group_msg,
            MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: `drill ${i}` } }],
          }
        : { ...MINIMAL_REQUESTS.send_text_msg, TextContent: `drill ${i}` };
    for (const [i, handler] of containers.entries()) await handler(request(i), lambdaContext());
    const before = stack.secrets.calls.GetSecretValue;
    const requestsBefore = stack.tencent.emulator.requests.length;

    // Act: sends before, during and after the rotation, taking turns between the containers.
    const outcomes: boolean[] = [];
    for (let i = 0; i < 60; i += 1) {
      if (i === 20) {
        stack.tencent.emulator.rotateKey(DEFAULT_APP.sdkAppId, 'rotated-in-the-drill');
        stack.secrets.putSecret(SECRET_ID, secretValue({ secretKey: 'rotated-in-the-drill' }));
      }
      const handler = containers[i % 2];
      const result = (await handler?.(request(i), lambdaContext())) as { ok: boolean };
      outcomes.push(result.ok);
    }

    // Assess
    expect(outcomes.every(Boolean)).toBe(true);
    expect(stack.secrets.calls.GetSecretValue - before).toBe(2);
    const received = stack.tencent.emulator.requests.slice(requestsBefore);
    expect(received.filter((r) => r.outcome === 'ErrorCode 70009')).toHaveLength(2);
    expect(received).toHaveLength(60 + 2);
    expect(output.text()).not.toContain('rotated-in-the-drill');
  });
});

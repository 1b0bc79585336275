import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireCallerId } from '../../docs/examples/caller-id.ts';
import { sendGroupMsg } from '../../lib/commands/send-group-msg.ts';
import { createHandler } from '../../lib/pipeline.ts';
import { eventBridgeEvent, httpApiEvent } from '../support/events.ts';
import { type CapturedOutput, captureOutput, jsonLines } from '../support/output.ts';
import { MINIMAL_REQUESTS } from '../support/requests.ts';
import { lambdaContext, type Stack, startStack } from '../support/stack.ts';

/** docs/extending-middleware.md: its example, as printed there, on a send function's handler. */

const doc = readFileSync(new URL('../../docs/extending-middleware.md', import.meta.url), 'utf8');
const example = readFileSync(new URL('../../docs/examples/caller-id.ts', import.meta.url), 'utf8');
const request = MINIMAL_REQUESTS.send_group_msg;

type HttpAnswer = { statusCode: number; headers: Record<string, string>; body: string };

let stack: Stack;
let output: CapturedOutput;
let handler: ReturnType<typeof createHandler>;
const delivered = () => stack.tencent.emulator.messagesFor('@TGS#2C5SZEAEF');

describe('Docs: extending-middleware.md', () => {
  beforeAll(async () => {
    stack = await startStack();
    handler = createHandler(sendGroupMsg);
    handler.use(requireCallerId());
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    stack.tencent.emulator.reset();
    output = captureOutput();
    return () => output.restore();
  });

  it('prints the example module as it is, and the one line that uses it', () => {
    expect(doc).toContain(`\`\`\`ts\n${example}\`\`\``);
    expect(doc).toContain('handler.use(requireCallerId());');
  });

  it('refuses an HTTP caller without the header with the answer the page shows, sending nothing', async () => {
    // Act
    const answer = (await handler(httpApiEvent(request), lambdaContext())) as HttpAnswer;

    // Assess
    const shown = /HTTP\/1\.1 (\d+)\ncontent-type: application\/json\n\n(.+)\n/.exec(doc);
    expect(answer.statusCode).toBe(Number(shown?.[1]));
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.body)).toStrictEqual(JSON.parse(shown?.[2] ?? 'null'));
    expect(delivered()).toHaveLength(0);
    // Powertools' logMetrics still ended the invocation (it says when there was nothing to write).
    expect(output.text()).toContain('No application metrics to publish');
  });

  it('sends for a caller who names itself, and echoes the header back', async () => {
    // Act
    const answer = (await handler(
      httpApiEvent(request, { 'X-Caller-Id': 'team-a' }),
      lambdaContext(),
    )) as HttpAnswer;

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['x-caller-id']).toBe('team-a');
    expect(delivered()).toHaveLength(1);
    const sent = jsonLines(output.lines()).find((line) => line.message === 'Message sent');
    expect(sent).toMatchObject({ function_name: 'send-test', command: 'send_group_msg' });
  });

  it('lets an EventBridge event through without the header', async () => {
    const result = await handler(eventBridgeEvent(request), lambdaContext());
    expect(result).toMatchObject({ ok: true, command: 'send_group_msg' });
    expect(delivered()).toHaveLength(1);
  });
});

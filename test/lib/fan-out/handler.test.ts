import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSqs, startSqs } from '../../../emulators/sqs/server.ts';
import { clearFanOutClient } from '../../../lib/fan-out/enqueue.ts';
import { createFanOutHandler } from '../../../lib/fan-out/handler.ts';
import { httpApiEvent } from '../../support/events.ts';
import { type CapturedOutput, captureOutput, jsonLines } from '../../support/output.ts';
import { receiveEvent } from '../../support/sqs-events.ts';
import { lambdaContext } from '../../support/stack.ts';

/** The fan-out against the SQS stand-in: what it answers, and what it puts on the queue. */

const handler = createFanOutHandler();
const Message = { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'to all' } }] };
const groups = (count: number) => Array.from({ length: count }, (_, i) => `group-${i}`);

let sqs: RunningSqs;
let client: SQSClient;
let queue: { url: string; arn: string };
let output: CapturedOutput;
let queueNumber = 0;

type Answer = { statusCode: number; headers: Record<string, string>; body: string };

const queuedBodies = async () => {
  const bodies: { body: string; fanoutId: string | undefined }[] = [];
  for (;;) {
    const { Records } = await receiveEvent(client, queue.url, queue.arn);
    if (Records.length === 0) return bodies;
    for (const record of Records) {
      bodies.push({ body: record.body, fanoutId: record.messageAttributes.fanoutId?.stringValue });
    }
  }
};

describe('Function: createFanOutHandler', () => {
  beforeAll(async () => {
    sqs = await startSqs();
    client = new SQSClient({ endpoint: sqs.url, region: 'us-east-1' });
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_SQS: sqs.url,
    });
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_SQS;
    delete process.env.TENCENT_CHAT_GROUP_QUEUE_URL;
    client.destroy();
    await sqs.close();
  });
  beforeEach(() => {
    output = captureOutput();
    queueNumber += 1;
    queue = sqs.createQueue(`send-group-msg-${queueNumber}`);
    process.env.TENCENT_CHAT_GROUP_QUEUE_URL = queue.url;
    clearFanOutClient();
    sqs.faults.clear();
  });
  afterEach(() => output.restore());

  it('answers 202 once one message per group is queued, each with its key and the fanoutId', async () => {
    // Prepare
    const event = httpApiEvent({ GroupIds: groups(25), Message }, { 'Idempotency-Key': 'fo-1' });

    // Act
    const answer = (await handler(event, lambdaContext())) as Answer;

    // Assess
    expect(answer.statusCode).toBe(202);
    expect(JSON.parse(answer.body)).toStrictEqual({
      ok: true,
      command: 'send_group_msg',
      fanoutId: 'fo-1',
      queued: 25,
    });
    const queued = await queuedBodies();
    expect(queued).toHaveLength(25);
    expect(
      queued
        .map(({ body }) => JSON.parse(body))
        .sort((a, b) => a.idempotencyKey.localeCompare(b.idempotencyKey))[0],
    ).toStrictEqual({
      request: { ...Message, GroupId: 'group-0' },
      idempotencyKey: 'fo-1:group-0',
    });
    expect(new Set(queued.map(({ fanoutId }) => fanoutId))).toStrictEqual(new Set(['fo-1']));
    const logged = jsonLines(output.lines()).find((line) => line.message === 'Fan-out queued');
    expect(logged).toMatchObject({ fanoutId: 'fo-1', groups: 25, queued: 25 });
  });

  it('answers a direct invoke with the result, and draws a fanoutId without a key', async () => {
    // Act
    const result = (await handler({ GroupIds: groups(3), Message }, lambdaContext())) as {
      fanoutId: string;
      queued: number;
    };

    // Assess
    expect(result).toMatchObject({ ok: true, queued: 3 });
    expect(result.fanoutId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('takes the fanoutId from the envelope’s idempotency key', async () => {
    // Act
    const result = await handler(
      { request: { GroupIds: ['a'], Message }, idempotencyKey: 'campaign-7' },
      lambdaContext(),
    );

    // Assess
    expect(result).toMatchObject({ fanoutId: 'campaign-7', queued: 1 });
  });

  it('retries the entries SQS refuses, and still queues every group once', async () => {
    // Prepare
    sqs.faults.add({ action: 'SendMessageBatch', failEntries: 3, count: 5 });

    // Act
    const result = await handler({ GroupIds: groups(40), Message }, lambdaContext());

    // Assess
    expect(result).toMatchObject({ ok: true, queued: 40 });
    const keys = (await queuedBodies()).map(({ body }) => JSON.parse(body).request.GroupId);
    expect(keys.sort()).toStrictEqual(groups(40).sort());
  });

  it('fails, saying how many were queued, when SQS keeps refusing; a repeat under the key completes it', async () => {
    // Prepare
    sqs.faults.add({ action: 'SendMessageBatch', error: 'InternalError', count: 1_000 });
    const event = httpApiEvent({ GroupIds: groups(20), Message }, { 'Idempotency-Key': 'fo-2' });

    // Act
    const failed = (await handler(event, lambdaContext())) as Answer;
    sqs.faults.clear();
    const repeated = (await handler(event, lambdaContext())) as Answer;

    // Assess
    expect(failed.statusCode).toBe(503);
    expect(JSON.parse(failed.body).error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      retryable: true,
      message: expect.stringContaining('Queued 0 of 20 group messages (fan-out fo-2)'),
    });
    expect(repeated.statusCode).toBe(202);
    const keys = (await queuedBodies()).map(({ body }) => JSON.parse(body).idempotencyKey);
    expect(new Set(keys).size).toBe(20);
  }, 20_000);

  it('rejects a bad fan-out with 400 naming the field, and queues nothing', async () => {
    // Act
    const answer = (await handler(
      httpApiEvent({ GroupIds: ['a', 'a'], Message }),
      lambdaContext(),
    )) as Answer;

    // Assess
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body).error.details).toStrictEqual([
      { path: 'GroupIds[1]', message: '"a" is listed twice (first at GroupIds[0])' },
    ]);
    expect(await queuedBodies()).toHaveLength(0);
  });

  it('reports CONFIGURATION_ERROR naming the variable when the queue URL is missing', async () => {
    // Prepare
    delete process.env.TENCENT_CHAT_GROUP_QUEUE_URL;

    // Act
    const outcome = await handler({ GroupIds: ['a'], Message }, lambdaContext()).catch(
      (error: Error) => error,
    );

    // Assess
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as Error).name).toBe('CONFIGURATION_ERROR');
    expect((outcome as Error).message).toContain('TENCENT_CHAT_GROUP_QUEUE_URL');
  });
});

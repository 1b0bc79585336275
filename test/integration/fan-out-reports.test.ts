import { SQSClient } from '@aws-sdk/client-sqs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDynamoDb, startDynamoDb } from '../../emulators/dynamodb/server.ts';
import { type RunningEventBridge, startEventBridge } from '../../emulators/eventbridge/server.ts';
import { newContainer } from '../../emulators/lambda-container.ts';
import {
  type EventSourceMapping,
  startEventSourceMapping,
} from '../../emulators/sqs/event-source-mapping.ts';
import { type RunningSqs, startSqs } from '../../emulators/sqs/server.ts';
import { loadOpenApi } from '../support/openapi.ts';
import { type CapturedOutput, captureOutput, jsonLines } from '../support/output.ts';
import { type Handler, lambdaContext, type Stack, startStack } from '../support/stack.ts';
import { sleep, waitFor, waitUntil } from '../support/wait.ts';

/**
 * The acceptance test, with the built bundles: a fan-out drained by several consumer
 * containers through the SQS stand-in, with duplicate deliveries, a container that dies mid-batch
 * and a throttled table, reported exactly; a cancel that stops every later send; GET and DELETE as
 * HTTP and direct invokes.
 */

const TABLE = 'tencent-chat-sender-test-fanouts';
const KNOWN = Array.from({ length: 280 }, (_, i) => `known-${i}`);
const UNKNOWN = Array.from({ length: 20 }, (_, i) => `unknown-${i}`);
const Message = { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'report me' } }] };

let stack: Stack;
let sqs: RunningSqs;
let dynamo: RunningDynamoDb;
let events: RunningEventBridge;
let client: SQSClient;
let output: CapturedOutput;
let fanOut: Handler;
let getReport: Handler;
let cancel: Handler;
let queueNumber = 0;
const mappings: EventSourceMapping[] = [];

type Report = Record<string, unknown> & { failures: Record<string, unknown>[] };

const report = async (fanoutId: string): Promise<Report> =>
  (await getReport({ fanoutId }, lambdaContext())) as Report;

const httpEvent = (method: string, fanoutId: string, query: Record<string, string> = {}) => ({
  version: '2.0',
  routeKey: `${method} /v1/group-fanouts/{fanoutId}`,
  rawPath: `/v1/group-fanouts/${encodeURIComponent(fanoutId)}`,
  rawQueryString: new URLSearchParams(query).toString(),
  headers: {},
  pathParameters: { fanoutId },
  ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
  requestContext: { http: { method, path: `/v1/group-fanouts/${fanoutId}` } },
  isBase64Encoded: false,
});

/** A send-group-msg queue with a DLQ, drained by `containers` consumers (each its own bundle copy). */
const drain = async (
  containers: number,
  { crashFirst = 0, visibility = 2 }: { crashFirst?: number; visibility?: number } = {},
) => {
  queueNumber += 1;
  const dlq = sqs.createQueue(`reports-dlq-${queueNumber}`);
  const queue = sqs.createQueue(`reports-${queueNumber}`, {
    VisibilityTimeout: String(visibility),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }),
  });
  process.env.TENCENT_CHAT_GROUP_QUEUE_URL = queue.url;
  let crashes = crashFirst;
  for (let i = 0; i < containers; i++) {
    const send = await newContainer<Handler>('send-group-msg');
    const crashing = i === 0;
    mappings.push(
      startEventSourceMapping({
        client,
        queueUrl: queue.url,
        queueArn: queue.arn,
        batchSize: 10,
        maximumConcurrency: 1,
        waitTimeSeconds: 0,
        onError: () => {},
        invoke: (event: SQSEvent) => {
          const running = send(event, lambdaContext(20_000));
          // The container dies mid-batch: the poller never hears back, the records come back
          // after the visibility timeout; what it did before dying stays done.
          if (crashing && crashes > 0) {
            crashes -= 1;
            running.catch(() => {});
            return sleep(30).then(() => {
              throw new Error('container died');
            });
          }
          return running;
        },
      }),
    );
  }
  return queue;
};

const stopDraining = async () => {
  await Promise.all(mappings.splice(0).map((mapping) => mapping.stop()));
};

describe('Fan-out reports with the built bundles', () => {
  beforeAll(async () => {
    output = captureOutput();
    stack = await startStack({
      groups: Object.fromEntries(KNOWN.map((id) => [id, 'Public' as const])),
    });
    [sqs, dynamo, events] = await Promise.all([
      startSqs(),
      startDynamoDb({ tables: [TABLE] }),
      startEventBridge(),
    ]);
    client = new SQSClient({ endpoint: sqs.url, region: 'us-east-1' });
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: events.url,
      TENCENT_CHAT_FANOUT_TABLE: TABLE,
      TENCENT_CHAT_QUEUE_MAX_RECEIVES: '3',
    });
    [fanOut, getReport, cancel] = await Promise.all([
      newContainer<Handler>('fan-out-group-msg'),
      newContainer<Handler>('get-group-fanout'),
      newContainer<Handler>('cancel-group-fanout'),
    ]);
  });
  afterAll(async () => {
    await stopDraining();
    output.restore();
    client.destroy();
    for (const name of [
      'AWS_ENDPOINT_URL_SQS',
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_ENDPOINT_URL_EVENTBRIDGE',
      'TENCENT_CHAT_FANOUT_TABLE',
      'TENCENT_CHAT_QUEUE_MAX_RECEIVES',
      'TENCENT_CHAT_GROUP_QUEUE_URL',
      'TENCENT_CHAT_QUEUE_SENDS_PER_SECOND',
    ]) {
      delete process.env[name];
    }
    await Promise.all([stack.close(), sqs.close(), dynamo.close(), events.close()]);
  });

  it('reports 280 sent and 20 failed, and puts one finished event, through duplicates and a crash', async () => {
    // Prepare: three consumers, the first dies in its first two batches; duplicate receives; the
    // table throttled for a moment in the middle
    stack.tencent.emulator.reset();
    await drain(3, { crashFirst: 2 });
    sqs.faults.add({ action: 'ReceiveMessage', duplicate: true, count: 6 });
    const groups = [...KNOWN, ...UNKNOWN].sort(() => Math.random() - 0.5);

    // Act
    const accepted = await fanOut(
      { request: { GroupIds: groups, Message }, idempotencyKey: 'acceptance' },
      lambdaContext(),
    );
    await sleep(300);
    dynamo.addFault({ after: 50, throttle: 6 });
    // Repeated under its key: no group is counted twice
    await fanOut(
      { request: { GroupIds: groups, Message }, idempotencyKey: 'acceptance' },
      lambdaContext(),
    );
    await waitFor(async () => (await report('acceptance')).pending === 0, 100_000);
    // A put that failed sends its record back with the queue's backoff (10 s on a second
    // receive, 20 s on a third), so the event may come that much after the last count.
    const eventCame = await waitUntil(() => events.events.length > 0, 45_000);
    const warnings = jsonLines(output.lines()).filter(
      (line) => line.level === 'WARN' || line.level === 'ERROR',
    );
    expect(eventCame, `no finished event; warnings: ${JSON.stringify(warnings.slice(-20))}`).toBe(
      true,
    );
    await sleep(1_000);
    const crashed = mappings[0]?.stats.errors;
    await stopDraining();

    // Assess
    expect(crashed).toBeGreaterThanOrEqual(2);
    expect(accepted).toMatchObject({ ok: true, fanoutId: 'acceptance', queued: 300 });
    const final = await report('acceptance');
    expect(final).toMatchObject({
      ok: true,
      fanoutId: 'acceptance',
      state: 'done',
      total: 300,
      sent: 280,
      failed: 20,
      cancelled: 0,
      pending: 0,
    });
    expect(final.failures).toHaveLength(20);
    expect(new Set(final.failures.map((failure) => failure.GroupId))).toStrictEqual(
      new Set(UNKNOWN),
    );
    for (const failure of final.failures) {
      expect(failure).toStrictEqual({
        GroupId: failure.GroupId,
        code: 'NOT_FOUND',
        tencentCode: 10010,
      });
    }
    expect(events.events).toHaveLength(1);
    const { failures: _f, ok: _ok, ...detail } = final;
    expect(events.events[0]).toMatchObject({
      source: 'tencent-chat-sender',
      'detail-type': 'Group fan-out finished',
      eventBusName: 'default',
      detail,
    });
    const delivered = stack.tencent.emulator.messages.flatMap((message) => message.targets);
    expect(delivered.sort()).toStrictEqual([...KNOWN].sort());
    // As openapi.yaml documents them
    const { schemas } = (await loadOpenApi()).resolved.components as {
      schemas: Record<string, object>;
    };
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    expect(ajv.validate(schemas.FanOutReport ?? {}, final), ajv.errorsText()).toBe(true);
    expect(ajv.validate(schemas.FanOutFinishedDetail ?? {}, events.events[0]?.detail)).toBe(true);
  }, 200_000);

  it('stops every send after a cancel answers, and the counts add up (HTTP)', async () => {
    // Prepare: one slow consumer
    stack.tencent.emulator.reset();
    process.env.TENCENT_CHAT_QUEUE_SENDS_PER_SECOND = '20';
    await drain(1, { visibility: 30 });
    const groups = KNOWN.slice(0, 150);
    await fanOut(
      { request: { GroupIds: groups, Message }, idempotencyKey: 'to-cancel' },
      lambdaContext(),
    );
    await waitFor(() => stack.tencent.emulator.messages.length >= 20, 20_000);

    // Act
    const answer = (await cancel(httpEvent('DELETE', 'to-cancel'), lambdaContext())) as {
      statusCode: number;
      body: string;
    };
    const answeredAt = Date.now();
    await waitFor(async () => (await report('to-cancel')).pending === 0, 30_000);
    const again = (await cancel(httpEvent('DELETE', 'to-cancel'), lambdaContext())) as {
      statusCode: number;
      body: string;
    };
    await stopDraining();
    delete process.env.TENCENT_CHAT_QUEUE_SENDS_PER_SECOND;

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: true, state: 'cancelled', total: 150 });
    const late = stack.tencent.emulator.messages.filter((m) => m.deliveredAt > answeredAt);
    expect(late).toStrictEqual([]);
    const final = await report('to-cancel');
    expect(final).toMatchObject({ state: 'cancelled', total: 150, failed: 0, pending: 0 });
    expect(final.sent).toBe(stack.tencent.emulator.messages.length);
    expect((final.sent as number) + (final.cancelled as number)).toBe(150);
    expect(final.cancelled).toBeGreaterThan(0);
    expect(again.statusCode).toBe(409);
    expect(JSON.parse(again.body).error).toMatchObject({ code: 'FANOUT_FINISHED' });
    expect(events.events.at(-1)?.detail).toMatchObject({
      fanoutId: 'to-cancel',
      state: 'cancelled',
      cancelled: final.cancelled,
    });
  }, 60_000);

  it('answers 404 for an unknown fan-out and 400 naming a bad cursor or a missing field', async () => {
    // Act
    const unknown = (await getReport(httpEvent('GET', 'nobody'), lambdaContext())) as {
      statusCode: number;
      body: string;
    };
    const badCursor = (await getReport(
      httpEvent('GET', 'acceptance', { cursor: 'zzz' }),
      lambdaContext(),
    )) as { statusCode: number; body: string };
    const direct = getReport({ fanoutID: 'acceptance' }, lambdaContext());

    // Assess
    expect(unknown.statusCode).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('NOT_FOUND');
    expect(badCursor.statusCode).toBe(400);
    expect(JSON.parse(badCursor.body).error.details).toMatchObject([{ path: 'cursor' }]);
    await expect(direct).rejects.toMatchObject({ name: 'INVALID_REQUEST' });
    await expect(direct).rejects.toThrow(/fanoutID/);
  });
});

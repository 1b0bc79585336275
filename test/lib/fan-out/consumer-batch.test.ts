import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningDynamoDb, startDynamoDb } from '../../../emulators/dynamodb/server.ts';
import {
  type RunningEventBridge,
  startEventBridge,
} from '../../../emulators/eventbridge/server.ts';
import { type RunningSqs, startSqs } from '../../../emulators/sqs/server.ts';
import { sendGroupMsg } from '../../../lib/commands/send-group-msg.ts';
import { cancelFanOut } from '../../../lib/fan-out/cancel.ts';
import { clearFanOutStates } from '../../../lib/fan-out/cancellation.ts';
import { clearEventClient } from '../../../lib/fan-out/finished-event.ts';
import { readReport } from '../../../lib/fan-out/record-outcome.ts';
import { createReport } from '../../../lib/fan-out/report-create.ts';
import { clearReportClient } from '../../../lib/fan-out/report-items.ts';
import { createHandler } from '../../../lib/pipeline.ts';
import { clearSqsClient } from '../../../lib/queue/give-back.ts';
import { clearPacer } from '../../../lib/queue/process-batch.ts';
import { type CapturedOutput, captureOutput } from '../../support/output.ts';
import { sqsEvent, sqsRecord } from '../../support/sqs-events.ts';
import { lambdaContext, type Stack, startStack } from '../../support/stack.ts';

/** The send-group-msg consumer and a fan-out's report: what it sends, counts and gives back. */

const TABLE = 'tencent-chat-sender-test-fanouts';
const handler = createHandler(sendGroupMsg);
const body = (GroupId: string, fanoutId: string) => ({
  request: { GroupId, MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }] },
  idempotencyKey: `${fanoutId}:${GroupId}`,
});

let stack: Stack;
let dynamo: RunningDynamoDb;
let events: RunningEventBridge;
let sqs: RunningSqs;
let output: CapturedOutput;
let number = 0;
let fanoutId: string;

const handle = async (...records: ReturnType<typeof sqsRecord>[]) =>
  (await handler(sqsEvent(...records), lambdaContext())) as SQSBatchResponse;

describe('Function: processSqsBatch with fan-out reports', () => {
  beforeAll(async () => {
    stack = await startStack({ groups: { g1: 'Public', g2: 'Public' } });
    [dynamo, events, sqs] = await Promise.all([
      startDynamoDb({ tables: [TABLE] }),
      startEventBridge(),
      startSqs(),
    ]);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_ENDPOINT_URL_EVENTBRIDGE: events.url,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      TENCENT_CHAT_FANOUT_TABLE: TABLE,
      TENCENT_CHAT_QUEUE_MAX_RECEIVES: '3',
    });
    clearReportClient();
    clearEventClient();
    clearSqsClient();
  });
  afterAll(async () => {
    for (const name of [
      'AWS_ENDPOINT_URL_DYNAMODB',
      'AWS_ENDPOINT_URL_EVENTBRIDGE',
      'AWS_ENDPOINT_URL_SQS',
      'TENCENT_CHAT_FANOUT_TABLE',
      'TENCENT_CHAT_QUEUE_MAX_RECEIVES',
    ]) {
      delete process.env[name];
    }
    await Promise.all([stack.close(), dynamo.close(), events.close(), sqs.close()]);
  });
  beforeEach(() => {
    output = captureOutput();
    number += 1;
    fanoutId = `batch-${number}`;
    stack.tencent.emulator.reset();
    dynamo.clearFaults();
    clearFanOutStates();
    clearPacer();
    return () => output.restore();
  });

  it('counts sends and final failures, and puts the finished event', async () => {
    // Prepare
    await createReport(fanoutId, 3);

    // Act
    const answer = await handle(
      sqsRecord(body('g1', fanoutId), { fanoutId }),
      sqsRecord(body('g2', fanoutId), { fanoutId }),
      sqsRecord(body('missing', fanoutId), { fanoutId }),
    );

    // Assess: the unknown group still goes back to the queue (and on to its DLQ)
    expect(answer.batchItemFailures).toHaveLength(1);
    expect(await readReport(TABLE, fanoutId)).toMatchObject({ sent: 2, failed: 1, pending: 0 });
    expect(events.events.map((event) => event.detail)).toContainEqual(
      expect.objectContaining({ fanoutId, sent: 2, failed: 1 }),
    );
  });

  it('counts a retryable failure only on the last receive before the dead-letter queue', async () => {
    // Prepare
    await createReport(fanoutId, 1);
    stack.tencent.emulator.addFault({ errorCode: 10002, count: 100 });

    // Act
    await handle(sqsRecord(body('g1', fanoutId), { fanoutId, receiveCount: 2 }));
    const before = await readReport(TABLE, fanoutId);
    await handle(sqsRecord(body('g1', fanoutId), { fanoutId, receiveCount: 3 }));
    stack.tencent.emulator.clearFaults();

    // Assess
    expect(before).toMatchObject({ failed: 0, pending: 1 });
    expect(await readReport(TABLE, fanoutId)).toMatchObject({ failed: 1, pending: 0 });
  });

  it('skips and counts the groups of a cancelled fan-out without sending them', async () => {
    // Prepare
    await createReport(fanoutId, 2);
    await cancelFanOut(TABLE, fanoutId);

    // Act
    const answer = await handle(
      sqsRecord(body('g1', fanoutId), { fanoutId }),
      sqsRecord(body('g2', fanoutId), { fanoutId }),
    );

    // Assess
    expect(answer.batchItemFailures).toStrictEqual([]);
    expect(stack.tencent.emulator.messages).toHaveLength(0);
    expect(await readReport(TABLE, fanoutId)).toMatchObject({ cancelled: 2, pending: 0 });
  });

  it('gives a record back, unsent and uncounted, when the report table cannot be read', async () => {
    // Prepare
    await createReport(fanoutId, 1);
    dynamo.addFault({ throttle: 3 });

    // Act
    const record = sqsRecord(body('g1', fanoutId), { fanoutId });
    const answer = await handle(record);

    // Assess
    expect(answer.batchItemFailures).toStrictEqual([{ itemIdentifier: record.messageId }]);
    expect(stack.tencent.emulator.messages).toHaveLength(0);
    expect(await readReport(TABLE, fanoutId)).toMatchObject({ sent: 0, pending: 1 });
  });

  it('leaves records without a report (or without a fanoutId) to be sent as before', async () => {
    // Act
    const answer = await handle(
      sqsRecord(body('g1', 'no-report'), { fanoutId: 'no-report' }),
      sqsRecord(body('g2', 'plain'), {}),
    );

    // Assess
    expect(answer.batchItemFailures).toStrictEqual([]);
    expect(stack.tencent.emulator.messages).toHaveLength(2);
    expect(await readReport(TABLE, 'no-report')).toBeUndefined();
  });
});

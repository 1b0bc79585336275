import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDynamoDb, startDynamoDb } from '../../../emulators/dynamodb/server.ts';
import { SendError } from '../../../lib/errors.ts';
import {
  CANCEL_SETTLE_MS,
  clearFanOutStates,
  FRESH_FOR_MS,
  fanOutState,
} from '../../../lib/fan-out/cancellation.ts';
import { outcomeOf } from '../../../lib/fan-out/consumer.ts';
import { createReport } from '../../../lib/fan-out/report-create.ts';
import { clearReportClient } from '../../../lib/fan-out/report-items.ts';
import { failureResult, type SendResult } from '../../../lib/results.ts';

/** The consumer's two policies: which outcome is final, and how often it reads a cancellation. */

const failed = (code: ConstructorParameters<typeof SendError>[0], tencentCode?: number) =>
  failureResult(
    'send_group_msg',
    new SendError(code, 'x', tencentCode === undefined ? {} : { tencentCode }),
    1,
  );
const sent: SendResult = { ok: true, command: 'send_group_msg', msgSeq: 1 };

describe('Function: outcomeOf', () => {
  it('counts a send, and a failure that is not retried, at once', () => {
    expect(outcomeOf(sent, 1, 10)).toStrictEqual({ outcome: 'sent' });
    expect(outcomeOf(failed('NOT_FOUND', 10010), 1, 10)).toStrictEqual({
      outcome: 'failed',
      code: 'NOT_FOUND',
      tencentCode: 10010,
    });
    expect(outcomeOf(failed('INVALID_REQUEST'), 1, 10)).toMatchObject({ outcome: 'failed' });
  });

  it('waits for the last receive before the dead-letter queue for what a retry may fix', () => {
    for (const code of [
      'UPSTREAM_UNAVAILABLE',
      'UPSTREAM_TIMEOUT',
      'CONFIGURATION_ERROR',
    ] as const) {
      expect(outcomeOf(failed(code), 9, 10)).toBeUndefined();
      expect(outcomeOf(failed(code), 10, 10)).toMatchObject({ outcome: 'failed', code });
    }
  });

  it('never counts a rate limit: the record is requeued', () => {
    expect(outcomeOf(failed('RATE_LIMITED', 10023), 10, 10)).toBeUndefined();
  });
});

describe('Function: fanOutState', () => {
  const TABLE = 'tencent-chat-sender-test-fanouts';
  let dynamo: RunningDynamoDb;

  beforeAll(async () => {
    dynamo = await startDynamoDb({ tables: [TABLE] });
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      TENCENT_CHAT_FANOUT_TABLE: TABLE,
    });
    clearReportClient();
    clearFanOutStates();
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    delete process.env.TENCENT_CHAT_FANOUT_TABLE;
    await dynamo.close();
  });

  it('lags a cancel by less than the cancel waits before answering', () => {
    expect(FRESH_FOR_MS).toBeLessThan(CANCEL_SETTLE_MS);
  });

  it('shares one read among the records of a fan-out, and reads again once it is stale', async () => {
    // Prepare
    await createReport('shared', 100);
    const before = dynamo.operations.GetItem ?? 0;

    // Act: a hundred records at once, then one more after the read went stale
    await Promise.all(
      Array.from({ length: 100 }, () => fanOutState(TABLE, 'shared', { fresh: true })),
    );
    const afterBurst = (dynamo.operations.GetItem ?? 0) - before;
    await fanOutState(TABLE, 'shared', { fresh: false });
    await new Promise((resolve) => setTimeout(resolve, FRESH_FOR_MS + 50));
    await fanOutState(TABLE, 'shared', { fresh: false });
    const staleButAllowed = (dynamo.operations.GetItem ?? 0) - before;
    const state = await fanOutState(TABLE, 'shared', { fresh: true });

    // Assess
    expect(afterBurst).toBe(1);
    expect(staleButAllowed).toBe(1);
    expect((dynamo.operations.GetItem ?? 0) - before).toBe(2);
    expect(state).toStrictEqual({ exists: true, cancelled: false });
  });
});

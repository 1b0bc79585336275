import { randomUUID } from 'node:crypto';
import { startDynamoDb } from '../emulators/dynamodb/server.ts';
import { newContainer } from '../emulators/lambda-container.ts';
import { DEFAULT_APP } from '../emulators/tencent-chat/emulator.ts';
import {
  invoke as invokeWith,
  type RunOutcome,
  redeliverableEvent,
  runnerArguments,
  runScenarios,
  startFaultStack,
  writeRows,
} from './harness.ts';
import { IDEMPOTENCY_SCENARIOS, type IdempotencyScenario } from './idempotency-scenarios.ts';
import { markedRequest } from './scenarios.ts';

/**
 * The idempotency rows of the fault suite for one function, in a process of its own with its own
 * emulator, Secrets Manager stand-in and DynamoDB stand-in, over the built bundle with the table
 * on. Counts deliveries from the emulator's record and failures from the answers.
 * Usage: node faults/idempotency-run-command.ts <function> <runs per scenario> <output file>
 */

const { functionName, runs, outputFile } = runnerArguments();
const TABLE = 'fault-suite-idempotency';
const AFTER_WINDOW_MS = 6 * 60_000;

const dynamodb = await startDynamoDb({ tables: [TABLE] });
const closed = await startDynamoDb({ tables: [] });
await closed.close();
const { tencent, secrets } = await startFaultStack({
  AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
  TENCENT_CHAT_IDEMPOTENCY_TABLE: TABLE,
});

const handler = await newContainer(functionName);
const invoke = (event: unknown, awsRequestId?: string) => invokeWith(handler, event, awsRequestId);

const twice = async (
  scenario: IdempotencyScenario,
  event: unknown,
  requestId: string,
): Promise<RunOutcome> => {
  const first = await invoke(event, requestId);
  tencent.emulator.clearFaults();
  if (scenario.afterWindow) tencent.emulator.clockOffsetMs += AFTER_WINDOW_MS;
  const again = await invoke(event, requestId);
  return {
    // A re-delivery happens only after a failure; what counts is the last answer.
    reportedFailed:
      scenario.kind === 'redelivery'
        ? again.reportedFailed
        : first.reportedFailed || again.reportedFailed,
    overDeadline: first.overDeadline || again.overDeadline,
  };
};

const runOnce = async (
  scenario: IdempotencyScenario,
  marker: string,
  request: unknown,
): Promise<RunOutcome> => {
  try {
    if (scenario.kind === 'redelivery') {
      return await twice(scenario, redeliverableEvent(marker, request), randomUUID());
    }
    if (scenario.kind === 'repeat') {
      return await twice(scenario, { request, idempotencyKey: marker }, randomUUID());
    }
    if (scenario.kind === 'concurrent') {
      const envelope = { request, idempotencyKey: marker };
      const [one, other] = await Promise.all([invoke(envelope), invoke(envelope)]);
      // One of the two may answer IN_PROGRESS: the caller retries it and gets the stored result.
      const retry = one.reportedFailed || other.reportedFailed ? await invoke(envelope) : one;
      return {
        reportedFailed: retry.reportedFailed,
        overDeadline: one.overDeadline || other.overDeadline,
      };
    }
    if (scenario.table?.unreachable) process.env.AWS_ENDPOINT_URL_DYNAMODB = closed.url;
    if (scenario.table?.throttle) dynamodb.addFault({ throttle: scenario.table.throttle });
    // A table of its own per run, so that the unreachable endpoint gets a client of its own.
    process.env.TENCENT_CHAT_IDEMPOTENCY_TABLE = scenario.table?.unreachable
      ? 'unreachable'
      : TABLE;
    return await invoke({ request, idempotencyKey: marker });
  } finally {
    dynamodb.clearFaults();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.url;
    process.env.TENCENT_CHAT_IDEMPOTENCY_TABLE = TABLE;
  }
};

await invoke({
  request: markedRequest(functionName, 'warm-up'),
  idempotencyKey: `warm-up-${randomUUID()}`,
});

const rows = await runScenarios(
  functionName,
  runs,
  IDEMPOTENCY_SCENARIOS,
  tencent.emulator,
  runOnce,
);
await writeRows(outputFile, rows, [DEFAULT_APP.secretKey]);
await Promise.all([tencent.close(), secrets.close(), dynamodb.close()]);
process.exit(0);

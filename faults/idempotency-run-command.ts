import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { startDynamoDb } from '../emulators/dynamodb/server.ts';
import { LOCAL_SECRET_ID, localAwsEnvironment } from '../emulators/local-environment.ts';
import { startSecretsManager } from '../emulators/secrets-manager/server.ts';
import {
  DEFAULT_APP,
  defaultAdminSecret,
  NO_RATE_LIMITS,
} from '../emulators/tencent-chat/emulator.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';
import { IDEMPOTENCY_SCENARIOS, type IdempotencyScenario } from './idempotency-scenarios.ts';
import {
  deliveriesOf as countDeliveries,
  type FunctionName,
  markedRequest,
  type Row,
  tallyRow,
} from './scenarios.ts';

/**
 * The idempotency rows of the fault suite for one function, in a process of its own with its own
 * emulator, Secrets Manager stand-in and DynamoDB stand-in, over the built bundle with the table
 * on. Counts deliveries from the emulator's record and failures from the answers.
 * Usage: node faults/idempotency-run-command.ts <function> <runs per scenario> <output file>
 */

const [functionName, runsText, outputFile] = process.argv.slice(2) as [
  FunctionName,
  string,
  string,
];
const runs = Number(runsText);
const LAMBDA_TIMEOUT_MS = 3_000;
const SECRET_ID = LOCAL_SECRET_ID;
const TABLE = 'fault-suite-idempotency';
const AFTER_WINDOW_MS = 6 * 60_000;

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const tencent = await startTencentChatEmulator({
  limits: NO_RATE_LIMITS,
});
const secrets = await startSecretsManager({ secrets: { [SECRET_ID]: defaultAdminSecret() } });
const dynamodb = await startDynamoDb({ tables: [TABLE] });
const closed = await startDynamoDb({ tables: [] });
await closed.close();

Object.assign(process.env, {
  ...localAwsEnvironment(secrets.url),
  AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
  TENCENT_CHAT_BASE_URL: tencent.url,
  TENCENT_CHAT_IDEMPOTENCY_TABLE: TABLE,
  TENCENT_CHAT_TIMEOUT_MS: '400',
  TENCENT_CHAT_MAX_RETRIES: '3',
  TENCENT_CHAT_BACKOFF_BASE_MS: '20',
  TENCENT_CHAT_BACKOFF_MAX_MS: '100',
});

const COMMAND = functionName.replaceAll('-', '_');
const file = pathToFileURL(new URL(`../dist/${functionName}/index.mjs`, import.meta.url).pathname);
const handler = ((await import(file.href)) as { handler: Handler }).handler;

const requestWith = (marker: string) => markedRequest(functionName, marker);

const context = (awsRequestId: string = randomUUID()) => {
  const deadline = Date.now() + LAMBDA_TIMEOUT_MS;
  return { awsRequestId, getRemainingTimeInMillis: () => deadline - Date.now() };
};

const invoke = async (event: unknown, awsRequestId?: string) => {
  const started = Date.now();
  let failed = false;
  try {
    const result = (await handler(event, context(awsRequestId))) as { ok?: boolean };
    failed = result.ok !== true;
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } catch (error) {
    failed = true;
    process.stdout.write(`THROWN ${(error as Error).name}: ${(error as Error).message}\n`);
  }
  return { failed, overDeadline: Date.now() - started > LAMBDA_TIMEOUT_MS };
};

interface RunOutcome {
  reportedFailed: boolean;
  overDeadline: boolean;
}

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
    reportedFailed: scenario.kind === 'redelivery' ? again.failed : first.failed || again.failed,
    overDeadline: first.overDeadline || again.overDeadline,
  };
};

const runOnce = async (scenario: IdempotencyScenario, marker: string): Promise<RunOutcome> => {
  const request = requestWith(marker);
  if (scenario.tencentFault)
    tencent.emulator.addFault({ command: COMMAND, ...scenario.tencentFault });
  try {
    if (scenario.kind === 'redelivery') {
      const event = { id: marker, 'detail-type': 'fault suite', source: 'faults', detail: request };
      return await twice(scenario, event, randomUUID());
    }
    if (scenario.kind === 'repeat') {
      return await twice(scenario, { request, idempotencyKey: marker }, randomUUID());
    }
    if (scenario.kind === 'concurrent') {
      const envelope = { request, idempotencyKey: marker };
      const [one, other] = await Promise.all([invoke(envelope), invoke(envelope)]);
      // One of the two may answer IN_PROGRESS: the caller retries it and gets the stored result.
      const retry = one.failed || other.failed ? await invoke(envelope) : one;
      return { reportedFailed: retry.failed, overDeadline: one.overDeadline || other.overDeadline };
    }
    if (scenario.table?.unreachable) process.env.AWS_ENDPOINT_URL_DYNAMODB = closed.url;
    if (scenario.table?.throttle) dynamodb.addFault({ throttle: scenario.table.throttle });
    // A table of its own per run, so that the unreachable endpoint gets a client of its own.
    process.env.TENCENT_CHAT_IDEMPOTENCY_TABLE = scenario.table?.unreachable
      ? 'unreachable'
      : TABLE;
    const outcome = await invoke({ request, idempotencyKey: marker });
    return { reportedFailed: outcome.failed, overDeadline: outcome.overDeadline };
  } finally {
    tencent.emulator.clearFaults();
    dynamodb.clearFaults();
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.url;
    process.env.TENCENT_CHAT_IDEMPOTENCY_TABLE = TABLE;
  }
};

const deliveriesOf = (marker: string): number => countDeliveries(tencent.emulator.messages, marker);

await invoke({ request: requestWith('warm-up'), idempotencyKey: `warm-up-${randomUUID()}` });

const rows: Row[] = [];
for (const scenario of IDEMPOTENCY_SCENARIOS) {
  const markers: string[] = [];
  const outcomes: RunOutcome[] = [];
  for (let i = 0; i < runs; i += 1) {
    const marker = `fault-${randomUUID()}`;
    markers.push(marker);
    outcomes.push(await runOnce(scenario, marker));
  }
  // Stalled requests are processed late: let them land before counting.
  await new Promise((resolve) => setTimeout(resolve, 800));
  const deliveries = markers.map(deliveriesOf);
  rows.push(tallyRow(scenario, functionName, outcomes, deliveries));
  tencent.emulator.messages.length = 0;
  tencent.emulator.requests.length = 0;
}

await writeFile(
  outputFile,
  JSON.stringify({
    rows,
    secretKeys: [DEFAULT_APP.secretKey],
  }),
);
await Promise.all([tencent.close(), secrets.close(), dynamodb.close()]);
process.exit(0);

import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Handler } from '../emulators/lambda-container.ts';
import { localAwsEnvironment, startLocalSecretsManager } from '../emulators/local-environment.ts';
import {
  type Fault,
  NO_RATE_LIMITS,
  type TencentChatEmulator,
} from '../emulators/tencent-chat/emulator.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';
import { deliveriesOf, type FunctionName, markedRequest, type Row, tallyRow } from './scenarios.ts';

/**
 * What the fault runners share (faults/run-command.ts, faults/idempotency-run-command.ts): one
 * function's process with its own emulator and Secrets Manager stand-in, invocations judged
 * against a Lambda timeout, and the loop that runs each scenario and tallies its row.
 */

interface RunOutcome {
  reportedFailed: boolean;
  overDeadline: boolean;
}

const LAMBDA_TIMEOUT_MS = 3_000;

/** `node faults/<runner>.ts <function> <runs per scenario> <output file>` */
const runnerArguments = () => {
  const [functionName, runs, outputFile] = process.argv.slice(2) as [FunctionName, string, string];
  return { functionName, runs: Number(runs), outputFile };
};

/** The stand-ins, and the environment a function runs with against them (short timeouts). */
const startFaultStack = async (environment: Record<string, string> = {}) => {
  const tencent = await startTencentChatEmulator({ limits: NO_RATE_LIMITS });
  const secrets = await startLocalSecretsManager();
  Object.assign(process.env, {
    ...localAwsEnvironment(secrets.url),
    TENCENT_CHAT_BASE_URL: tencent.url,
    TENCENT_CHAT_TIMEOUT_MS: '400',
    TENCENT_CHAT_MAX_RETRIES: '3',
    TENCENT_CHAT_BACKOFF_BASE_MS: '20',
    TENCENT_CHAT_BACKOFF_MAX_MS: '100',
    ...environment,
  });
  return { tencent, secrets };
};

const lambdaContext = (awsRequestId: string = randomUUID()) => {
  const deadline = Date.now() + LAMBDA_TIMEOUT_MS;
  return { awsRequestId, getRemainingTimeInMillis: () => deadline - Date.now() };
};

/** One invocation: whether it was reported failed, and whether it ran past the Lambda timeout. */
const invoke = async (
  handler: Handler,
  event: unknown,
  awsRequestId?: string,
): Promise<RunOutcome> => {
  const started = Date.now();
  let reportedFailed = false;
  try {
    const result = (await handler(event, lambdaContext(awsRequestId))) as { ok?: boolean };
    reportedFailed = result.ok !== true;
    // Results go to stdout too, so that the leak check reads them with the log lines.
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } catch (error) {
    reportedFailed = true;
    process.stdout.write(`THROWN ${(error as Error).name}: ${(error as Error).message}\n`);
  }
  return { reportedFailed, overDeadline: Date.now() - started > LAMBDA_TIMEOUT_MS };
};

/** An EventBridge event; Lambda invokes again with the same event when the first one fails. */
const redeliverableEvent = (marker: string, request: unknown) => ({
  id: marker,
  'detail-type': 'fault suite',
  source: 'faults',
  detail: request,
});

/**
 * Every scenario `runs` times, each row tallied from the answers and the emulator's record. Each
 * run gets its marked request, with the scenario's Tencent fault injected for the function's
 * command until the run ends.
 */
const runScenarios = async <
  Scenario extends {
    name: string;
    afterReceipt?: boolean;
    tencentFault?: Omit<Fault, 'remaining'> & { count?: number };
  },
>(
  functionName: FunctionName,
  runs: number,
  scenarios: readonly Scenario[],
  emulator: TencentChatEmulator,
  runOnce: (scenario: Scenario, marker: string, request: unknown) => Promise<RunOutcome>,
): Promise<Row[]> => {
  const command = functionName.replaceAll('-', '_');
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    const markers: string[] = [];
    const outcomes: RunOutcome[] = [];
    for (let i = 0; i < runs; i += 1) {
      const marker = `fault-${randomUUID()}`;
      markers.push(marker);
      const request = markedRequest(functionName, marker);
      if (scenario.tencentFault) emulator.addFault({ command, ...scenario.tencentFault });
      try {
        outcomes.push(await runOnce(scenario, marker, request));
      } finally {
        emulator.clearFaults();
      }
    }
    // Stalled requests are processed late: let them land before counting.
    await new Promise((resolve) => setTimeout(resolve, 800));
    const deliveries = markers.map((marker) => deliveriesOf(emulator.messages, marker));
    rows.push(tallyRow(scenario, functionName, outcomes, deliveries));
    emulator.messages.length = 0;
    emulator.requests.length = 0;
  }
  return rows;
};

const writeRows = (outputFile: string, rows: Row[], secretKeys: string[]) =>
  writeFile(outputFile, JSON.stringify({ rows, secretKeys }));

export type { RunOutcome };
export { invoke, redeliverableEvent, runnerArguments, runScenarios, startFaultStack, writeRows };

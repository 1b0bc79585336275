import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { newContainer as startContainer } from '../emulators/lambda-container.ts';
import { LOCAL_SECRET_ID, localAwsEnvironment } from '../emulators/local-environment.ts';
import { startSecretsManager } from '../emulators/secrets-manager/server.ts';
import {
  DEFAULT_APP,
  defaultAdminSecret,
  NO_RATE_LIMITS,
} from '../emulators/tencent-chat/emulator.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';
import {
  deliveriesOf as countDeliveries,
  type FunctionName,
  markedRequest,
  type Row,
  SCENARIOS,
  type Scenario,
  tallyRow,
} from './scenarios.ts';

/**
 * Runs every scenario for one function, in a process of its own with its own emulator and
 * Secrets Manager stand-in, over the built bundle. Counts from the emulator's own record what was
 * delivered, and from the answers what was reported failed. Writes its rows as JSON.
 * Usage: node faults/run-command.ts <function> <runs per scenario> <output file>
 */

const [functionName, runsText, outputFile] = process.argv.slice(2) as [
  FunctionName,
  string,
  string,
];
const runs = Number(runsText);
const LAMBDA_TIMEOUT_MS = 3_000;
const SECRET_ID = LOCAL_SECRET_ID;

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const tencent = await startTencentChatEmulator({
  limits: NO_RATE_LIMITS,
});
const secretKeys = [DEFAULT_APP.secretKey];
const secretFor = (secretKey: string) => defaultAdminSecret({ secretKey });
const secrets = await startSecretsManager({ secrets: { [SECRET_ID]: defaultAdminSecret() } });
const closedPort = await startSecretsManager();
await closedPort.close();

Object.assign(process.env, {
  ...localAwsEnvironment(secrets.url),
  TENCENT_CHAT_BASE_URL: tencent.url,
  TENCENT_CHAT_TIMEOUT_MS: '400',
  TENCENT_CHAT_MAX_RETRIES: '3',
  TENCENT_CHAT_BACKOFF_BASE_MS: '20',
  TENCENT_CHAT_BACKOFF_MAX_MS: '100',
});

const COMMAND = functionName.replaceAll('-', '_');
const newContainer = (): Promise<Handler> => startContainer<Handler>(functionName);

const requestWith = (marker: string) => markedRequest(functionName, marker);

const context = (awsRequestId: string = randomUUID()) => {
  const deadline = Date.now() + LAMBDA_TIMEOUT_MS;
  return { awsRequestId, getRemainingTimeInMillis: () => deadline - Date.now() };
};

interface RunOutcome {
  marker: string;
  reportedFailed: boolean;
  overDeadline: boolean;
}

const invoke = async (handler: Handler, event: unknown, awsRequestId?: string) => {
  const started = Date.now();
  let failed = false;
  try {
    const result = (await handler(event, context(awsRequestId))) as { ok?: boolean };
    failed = result.ok !== true;
    // Results go to stdout too, so that the leak check reads them with the log lines.
    process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  } catch (error) {
    failed = true;
    process.stdout.write(`THROWN ${(error as Error).name}: ${(error as Error).message}\n`);
  }
  return { failed, overDeadline: Date.now() - started > LAMBDA_TIMEOUT_MS };
};

const warm = await newContainer();
await invoke(warm, requestWith('warm-up'));

const runOnce = async (scenario: Scenario, marker: string): Promise<RunOutcome> => {
  const request = requestWith(marker);
  if (scenario.tencentFault)
    tencent.emulator.addFault({ command: COMMAND, ...scenario.tencentFault });
  try {
    if (scenario.kind === 'rotation') {
      const secretKey = `rotated-${randomUUID()}`;
      secretKeys.push(secretKey);
      tencent.emulator.rotateKey(DEFAULT_APP.sdkAppId, secretKey);
      secrets.putSecret(SECRET_ID, secretFor(secretKey));
    }
    if (scenario.kind === 'secrets') {
      const fault = scenario.secretsFault ?? {};
      if (fault.endpointDown) process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = closedPort.url;
      if (fault.error || fault.delayMs) secrets.addFault({ count: fault.count ?? 1, ...fault });
      // The fault is in place before the container starts: its init already fetches the secret.
      const handler = await newContainer();
      const outcome = await invoke(handler, { request, idempotencyKey: marker });
      process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.url;
      secrets.clearFaults();
      return { marker, reportedFailed: outcome.failed, overDeadline: outcome.overDeadline };
    }
    if (scenario.kind === 'redelivery') {
      // An EventBridge event whose first invocation fails; Lambda invokes again with the same event.
      const event = { id: marker, 'detail-type': 'fault suite', source: 'faults', detail: request };
      const requestId = randomUUID();
      const first = await invoke(warm, event, requestId);
      const again = first.failed ? await invoke(warm, event, requestId) : first;
      return {
        marker,
        reportedFailed: again.failed,
        overDeadline: first.overDeadline || again.overDeadline,
      };
    }
    const outcome = await invoke(warm, { request, idempotencyKey: marker });
    return { marker, reportedFailed: outcome.failed, overDeadline: outcome.overDeadline };
  } finally {
    tencent.emulator.clearFaults();
  }
};

const deliveriesOf = (marker: string): number => countDeliveries(tencent.emulator.messages, marker);

const rows: Row[] = [];
for (const scenario of SCENARIOS) {
  const outcomes: RunOutcome[] = [];
  for (let i = 0; i < runs; i += 1) {
    outcomes.push(await runOnce(scenario, `fault-${randomUUID()}`));
  }
  // Stalled requests are processed late: let them land before counting.
  await new Promise((resolve) => setTimeout(resolve, 800));
  const deliveries = outcomes.map((outcome) => deliveriesOf(outcome.marker));
  rows.push(tallyRow(scenario, functionName, outcomes, deliveries));
  tencent.emulator.messages.length = 0;
  tencent.emulator.requests.length = 0;
}

await writeFile(outputFile, JSON.stringify({ rows, secretKeys }));
await Promise.all([tencent.close(), secrets.close()]);
process.exit(0);

import { randomUUID } from 'node:crypto';
import { newContainer } from '../emulators/lambda-container.ts';
import { LOCAL_SECRET_ID } from '../emulators/local-environment.ts';
import { startSecretsManager } from '../emulators/secrets-manager/server.ts';
import { DEFAULT_APP, defaultAdminSecret } from '../emulators/tencent-chat/emulator.ts';
import {
  invoke,
  type RunOutcome,
  redeliverableEvent,
  runnerArguments,
  runScenarios,
  startFaultStack,
  writeRows,
} from './harness.ts';
import { markedRequest, SCENARIOS, type Scenario } from './scenarios.ts';

/**
 * Runs every scenario for one function, in a process of its own with its own emulator and
 * Secrets Manager stand-in, over the built bundle. Counts from the emulator's own record what was
 * delivered, and from the answers what was reported failed. Writes its rows as JSON.
 * Usage: node faults/run-command.ts <function> <runs per scenario> <output file>
 */

const { functionName, runs, outputFile } = runnerArguments();
const { tencent, secrets } = await startFaultStack();
const secretKeys = [DEFAULT_APP.secretKey];
const closedPort = await startSecretsManager();
await closedPort.close();

const warm = await newContainer(functionName);
await invoke(warm, markedRequest(functionName, 'warm-up'));

const runOnce = async (
  scenario: Scenario,
  marker: string,
  request: unknown,
): Promise<RunOutcome> => {
  if (scenario.kind === 'rotation') {
    const secretKey = `rotated-${randomUUID()}`;
    secretKeys.push(secretKey);
    tencent.emulator.rotateKey(DEFAULT_APP.sdkAppId, secretKey);
    secrets.putSecret(LOCAL_SECRET_ID, defaultAdminSecret({ secretKey }));
  }
  if (scenario.kind === 'secrets') {
    const fault = scenario.secretsFault ?? {};
    if (fault.endpointDown) process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = closedPort.url;
    if (fault.error || fault.delayMs) secrets.addFault({ count: fault.count ?? 1, ...fault });
    // The fault is in place before the container starts: its init already fetches the secret.
    const handler = await newContainer(functionName);
    const outcome = await invoke(handler, { request, idempotencyKey: marker });
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secrets.url;
    secrets.clearFaults();
    return outcome;
  }
  if (scenario.kind === 'redelivery') {
    const event = redeliverableEvent(marker, request);
    const requestId = randomUUID();
    const first = await invoke(warm, event, requestId);
    const again = first.reportedFailed ? await invoke(warm, event, requestId) : first;
    return {
      reportedFailed: again.reportedFailed,
      overDeadline: first.overDeadline || again.overDeadline,
    };
  }
  return invoke(warm, { request, idempotencyKey: marker });
};

const rows = await runScenarios(functionName, runs, SCENARIOS, tencent.emulator, runOnce);
await writeRows(outputFile, rows, secretKeys);
await Promise.all([tencent.close(), secrets.close()]);
process.exit(0);

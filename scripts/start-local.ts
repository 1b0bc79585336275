import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { startDynamoDb } from '../emulators/dynamodb/server.ts';
import {
  LOCAL_FANOUT_TABLE,
  LOCAL_SECRET_ID,
  localAwsEnvironment,
  startLocalEventBridge,
  startLocalSecretsManager,
} from '../emulators/local-environment.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';
import { startLocalQueues } from './local-queues.ts';

/**
 * `npm start`: the whole stack on this machine, with no AWS or Tencent account. The Tencent Chat
 * emulator, a Secrets Manager stand-in holding the emulator's admin secret, a DynamoDB stand-in
 * holding the idempotency table (on for the local stage) and the fan-out report table, an
 * EventBridge stand-in recording the fan-outs' finished events, and serverless-offline serving the
 * routes (and the Lambda invoke API) from the built bundles.
 */

const PORTS = {
  api: Number(process.env.HTTP_PORT ?? 3000),
  lambda: Number(process.env.LAMBDA_PORT ?? 3002),
  tencent: Number(process.env.TENCENT_EMULATOR_PORT ?? 4100),
  secrets: Number(process.env.SECRETS_MANAGER_PORT ?? 4200),
  dynamodb: Number(process.env.DYNAMODB_PORT ?? 4300),
  sqs: Number(process.env.SQS_PORT ?? 4400),
  eventBridge: Number(process.env.EVENTBRIDGE_PORT ?? 4500),
};
// The local stage's table (serverless.yml, custom.idempotency.tableName).
const IDEMPOTENCY_TABLE = 'tencent-chat-sender-local-idempotency';

const explainPortInUse = (error: unknown): never => {
  if ((error as { code?: string }).code === 'EADDRINUSE') {
    const { port } = error as { port?: number };
    console.error(
      `Port ${port} is in use: is another npm start running? Stop it, or choose other ports with ` +
        'HTTP_PORT, LAMBDA_PORT, TENCENT_EMULATOR_PORT, SECRETS_MANAGER_PORT, DYNAMODB_PORT, SQS_PORT and EVENTBRIDGE_PORT.',
    );
    process.exit(1);
  }
  throw error;
};

const secrets = await startLocalSecretsManager({ port: PORTS.secrets }).catch(explainPortInUse);
const dynamodb = await startDynamoDb({
  port: PORTS.dynamodb,
  tables: [IDEMPOTENCY_TABLE, LOCAL_FANOUT_TABLE],
}).catch(explainPortInUse);
const eventBridge = await startLocalEventBridge({ port: PORTS.eventBridge }).catch(
  explainPortInUse,
);
// The console's send form posts through the local API, so that it exercises the functions; its
// Fan-outs page reads the fan-out table and the recorded events.
const tencent = await startTencentChatEmulator({
  port: PORTS.tencent,
  apiUrl: `http://127.0.0.1:${PORTS.api}`,
  fanOuts: {
    dynamodbUrl: dynamodb.url,
    table: LOCAL_FANOUT_TABLE,
    eventBridgeUrl: eventBridge.url,
  },
}).catch(explainPortInUse);
const queues = await startLocalQueues({ port: PORTS.sqs }).catch(explainPortInUse);

const offline = spawn(
  'npx',
  [
    'serverless',
    'offline',
    'start',
    '--stage',
    'local',
    '--httpPort',
    String(PORTS.api),
    '--lambdaPort',
    String(PORTS.lambda),
    '--param',
    `tencentBaseUrl=${tencent.url}`,
    '--param',
    `secretId=${LOCAL_SECRET_ID}`,
    '--param',
    `groupQueueUrl=${queues.groupQueueUrl}`,
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      // serverless-offline hands the functions only the AWS_ variables of its own environment;
      // the secret's name reaches them through --param secretId, as in a deployment.
      ...localAwsEnvironment(secrets.url, { eventBridgeUrl: eventBridge.url }),
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
      AWS_ENDPOINT_URL_SQS: queues.sqs.url,
    },
  },
);
offline.stdout.pipe(process.stdout);

const stop = async (code = 0) => {
  offline.kill('SIGTERM');
  await Promise.all([
    tencent.close(),
    secrets.close(),
    dynamodb.close(),
    queues.close(),
    eventBridge.close(),
  ]);
  process.exit(code);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
offline.on('exit', (code) => void stop(code ?? 1));

const waitForApi = async (): Promise<void> => {
  for (let attempt = 0; attempt < 240; attempt += 1) {
    try {
      await fetch(`http://127.0.0.1:${PORTS.api}/`);
      return;
    } catch {
      await sleep(250);
    }
  }
  throw new Error('serverless-offline did not start within 60 seconds');
};
await waitForApi();
queues.startPollers(`http://127.0.0.1:${PORTS.lambda}`);

const api = `http://localhost:${PORTS.api}`;
const curl = (path: string, body: unknown, headers: string[] = []) =>
  [
    `curl -s -X POST ${api}${path}`,
    `-H 'content-type: application/json'`,
    ...headers.map((header) => `-H '${header}'`),
    `-d '${JSON.stringify(body)}'`,
  ].join(' ');

const text = (Text: string) => ({ MsgType: 'TIMTextElem', MsgContent: { Text } });
const roomText = curl(
  '/v1/room-text-messages',
  {
    RoomId: 'room1',
    Sender_Account: 'host',
    TextContent: 'Welcome to the show',
    ExtensionInfo: '{"color":"gold"}',
  },
  ['Idempotency-Key: demo-room-1'],
);

console.log(`
Local stack is up (Ctrl-C stops it):
  API (serverless-offline, no auth locally)  ${api}
  Lambda invoke API                          http://localhost:${PORTS.lambda}
  Tencent Chat console (emulator)            ${tencent.url}/   (live transcripts, send form, faults)
  API reference (Swagger UI, openapi.yaml)   ${tencent.url}/api-reference/
  Secrets Manager stand-in                   ${secrets.url}
  DynamoDB stand-in (idempotency, fan-outs)  ${dynamodb.url}   (${IDEMPOTENCY_TABLE}, ${LOCAL_FANOUT_TABLE})
  EventBridge stand-in (finished events)     ${eventBridge.url}   (${eventBridge.url}/stand-in/events)
  SQS stand-in (queue mode)                  ${queues.sqs.url}   (${queues.sqs.url}/_control/queues)

Try:

# A group message (seen at ${tencent.url}/groups/%40TGS%232C5SZEAEF)
${curl('/v1/group-messages', { GroupId: '@TGS#2C5SZEAEF', MsgBody: [text('Hello from Lambda')] }, ['Idempotency-Key: demo-1'])}

# A broadcast to every live-stream group (seen at ${tencent.url}/groups/live-lobby)
${curl('/v1/broadcast-messages', { MsgBody: [text('Hello, every live-stream group')] })}

# A text message in a live room (seen at ${tencent.url}/rooms/room1)
${roomText}

# The same again, with the same Idempotency-Key: nothing new reaches the room, and the first
# result comes back with "replayed": true (the idempotency table, on for the local stage)
${roomText}

# A custom event in a live room (seen at ${tencent.url}/rooms/room1)
${curl('/v1/room-custom-messages', { RoomId: 'room1', BusinessId: 'gift', Data: '{"gift":"rose","count":3}' })}

# A bad request: 400 with the field at fault, and nothing sent
${curl('/v1/group-messages', { GroupId: '@TGS#2C5SZEAEF', MsgBody: [], Priority: 'High' })}

# The scheduled broadcast, as EventBridge Scheduler would invoke it
curl -s -X POST http://localhost:${PORTS.lambda}/2015-03-31/functions/tencent-chat-sender-local-send-broadcast-msg/invocations -d '${JSON.stringify({ request: { MsgBody: [text('Scheduled hello')] }, idempotencyKey: 'scheduled-broadcast:2026-11-21T09:00:00Z' })}'

# What the emulator received
curl -s ${tencent.url}/emulator/messages

# A fan-out: one message for three groups, queued and sent through the local queue (202 at once;
# the groups receive it within a second or two, seen at ${tencent.url}/groups/demo-meeting)
${curl('/v1/group-fanouts', { GroupIds: ['@TGS#2C5SZEAEF', 'demo-work-group', 'demo-meeting'], Message: { MsgBody: [text('Hello, three groups at once')] } }, ['Idempotency-Key: demo-fanout-1'])}

# Its report: counts, state, failures (live, with a progress bar, at ${tencent.url}/fanouts)
curl -s ${api}/v1/group-fanouts/demo-fanout-1

# Another fan-out, cancelled at once: the cancel answers with the report (state "cancelled"); the
# groups not yet sent are skipped and counted "cancelled" (409 FANOUT_FINISHED if none is pending)
${curl('/v1/group-fanouts', { GroupIds: ['@TGS#2C5SZEAEF', 'demo-work-group', 'demo-meeting'], Message: { MsgBody: [text('A fan-out to cancel')] } }, ['Idempotency-Key: demo-fanout-2'])}
curl -s -X DELETE ${api}/v1/group-fanouts/demo-fanout-2
`);

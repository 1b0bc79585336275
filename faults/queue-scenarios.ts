import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { newContainer } from '../emulators/lambda-container.ts';
import { localAwsEnvironment, startLocalSecretsManager } from '../emulators/local-environment.ts';
import { startEventSourceMapping } from '../emulators/sqs/event-source-mapping.ts';
import { startSqs } from '../emulators/sqs/server.ts';
import { DEFAULT_APP } from '../emulators/tencent-chat/emulator.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';
import { writeRows } from './harness.ts';
import type { Row } from './scenarios.ts';

/**
 * Queue mode's fault rows: send-group-msg's built bundle fed by the event-source-mapping poller
 * from the SQS stand-in, whose clock the runner moves forward whenever nothing is visible, so
 * that visibility timeouts and back-offs pass at once. A message counts as delivered when the
 * emulator holds it, as kept when it is in the dead-letter queue; anything else is lost.
 * Usage: node faults/queue-scenarios.ts <runs per scenario> <output file>
 */

interface QueueScenario {
  name: string;
  /** Messages per run; `poison` of them are not JSON. */
  messages: number;
  poison?: number;
  /** Before the run: faults for the emulator. */
  tencentFault?: { errorCode: number; count: number };
  /** How the poller's invocation goes wrong. */
  invocation?: 'crash-mid-batch' | 'delivered-twice';
}

const QUEUE_SCENARIOS: QueueScenario[] = [
  { name: 'queue: container crashes mid-batch', messages: 10, invocation: 'crash-mid-batch' },
  {
    name: 'queue: Tencent down for a while (10002)',
    messages: 10,
    tencentFault: { errorCode: 10002, count: 20 },
  },
  {
    name: 'queue: Tencent rate limit (10023) on a burst',
    messages: 10,
    tencentFault: { errorCode: 10023, count: 15 },
  },
  { name: 'queue: a poison record among good ones', messages: 6, poison: 1 },
  { name: 'queue: SQS delivers a batch twice', messages: 10, invocation: 'delivered-twice' },
];
const MAX_RECEIVE_COUNT = 4;

const context = () => {
  const deadline = Date.now() + 10_000;
  return {
    awsRequestId: crypto.randomUUID(),
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
};

const runQueueScenarios = async (runs: number): Promise<Row[]> => {
  let offset = 0;
  const tencent = await startTencentChatEmulator({});
  const secrets = await startLocalSecretsManager();
  const sqs = await startSqs({ now: () => Date.now() + offset });
  const client = new SQSClient({ endpoint: sqs.url, region: 'us-east-1' });
  Object.assign(process.env, {
    ...localAwsEnvironment(secrets.url),
    AWS_ENDPOINT_URL_SQS: sqs.url,
    TENCENT_CHAT_BASE_URL: tencent.url,
    TENCENT_CHAT_QUEUE_SENDS_PER_SECOND: '100',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const depth = async (url: string) => {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages),
      waiting:
        Number(Attributes.ApproximateNumberOfMessagesNotVisible) +
        Number(Attributes.ApproximateNumberOfMessagesDelayed),
    };
  };

  const rows: Row[] = [];
  let queueNumber = 0;
  for (const scenario of QUEUE_SCENARIOS) {
    const row: Row = {
      fault: scenario.name,
      functionName: 'send-group-msg',
      runs,
      delivered: 0,
      reportedFailed: 0,
      duplicates: 0,
      lost: 0,
      overDeadline: 0,
      afterReceipt: false,
    };
    for (let run = 0; run < runs; run++) {
      queueNumber += 1;
      tencent.emulator.reset();
      const dlq = sqs.createQueue(`faults-dlq-${queueNumber}`);
      const queue = sqs.createQueue(`faults-${queueNumber}`, {
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.arn,
          maxReceiveCount: MAX_RECEIVE_COUNT,
        }),
      });
      if (scenario.tencentFault) tencent.emulator.addFault(scenario.tencentFault);
      const texts = Array.from({ length: scenario.messages }, (_, i) => `run-${queueNumber}-${i}`);
      const poison = scenario.poison ?? 0;
      const bodies = texts.map((text, i) =>
        i < poison
          ? 'not json'
          : JSON.stringify({
              GroupId: '@TGS#2C5SZEAEF',
              MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }],
            }),
      );
      let container = await newContainer('send-group-msg');
      let crashed = false;
      let inFlight = 0;
      const run = async (event: SQSEvent) => {
        if (scenario.invocation === 'crash-mid-batch' && !crashed && event.Records.length > 1) {
          crashed = true;
          const half = event.Records.slice(0, Math.ceil(event.Records.length / 2));
          await container({ Records: half }, context());
          container = await newContainer('send-group-msg');
          throw new Error('the container crashed before answering');
        }
        if (scenario.invocation === 'delivered-twice') {
          const [first] = await Promise.all([
            container(event, context()),
            (await newContainer('send-group-msg'))(event, context()),
          ]);
          return first;
        }
        return container(event, context());
      };
      const invoke = async (event: SQSEvent) => {
        inFlight += 1;
        try {
          return await run(event);
        } finally {
          inFlight -= 1;
        }
      };
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl: queue.url,
          Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
        }),
      );
      const mapping = startEventSourceMapping({
        client,
        queueUrl: queue.url,
        queueArn: queue.arn,
        invoke,
        batchSize: 10,
        maximumConcurrency: 2,
        waitTimeSeconds: 0,
      });
      // Until the queue is empty: when nothing is visible and no invocation is under way, move
      // the stand-in's clock on (a record being sent must not time out under the invocation).
      for (let step = 0; step < 600; step++) {
        const { visible, waiting } = await depth(queue.url);
        if (visible + waiting === 0) break;
        if (visible === 0 && inFlight === 0) offset += 5_000;
        await sleep(25);
      }
      await mapping.stop();
      const delivered = tencent.emulator.messages.map(
        (message) => (message.msgBody[0] as { MsgContent: { Text: string } }).MsgContent.Text,
      );
      const unique = new Set(delivered);
      const dlqDepth = await depth(dlq.url);
      const kept = dlqDepth.visible + dlqDepth.waiting;
      row.delivered += unique.size;
      row.duplicates += delivered.length - unique.size;
      row.reportedFailed += kept;
      row.lost += scenario.messages - unique.size - kept;
    }
    rows.push(row);
  }
  client.destroy();
  await Promise.all([tencent.close(), secrets.close(), sqs.close()]);
  return rows;
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await runQueueScenarios(Number(process.argv[2] ?? 1));
  await writeRows(process.argv[3] ?? 'queue-faults.json', rows, [DEFAULT_APP.secretKey]);
  process.exit(0);
}

export { QUEUE_SCENARIOS, runQueueScenarios };

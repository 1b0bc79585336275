import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { startDynamoDb } from '../emulators/dynamodb/server.ts';
import { startEventBridge } from '../emulators/eventbridge/server.ts';
import { newContainer } from '../emulators/lambda-container.ts';
import {
  LOCAL_FANOUT_TABLE,
  localAwsEnvironment,
  startLocalSecretsManager,
} from '../emulators/local-environment.ts';
import { startEventSourceMapping } from '../emulators/sqs/event-source-mapping.ts';
import { startSqs } from '../emulators/sqs/server.ts';
import { DEFAULT_APP } from '../emulators/tencent-chat/emulator.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';
import { writeRows } from './harness.ts';
import type { Row } from './scenarios.ts';

/**
 * Fan-out reports under faults: the built fan-out bundle queues a fan-out of 30 groups (3 unknown
 * to Tencent), send-group-msg's built bundle drains it through the SQS stand-in (whose clock the
 * runner moves on when nothing is visible), and the report and the finished events are checked
 * against what Tencent received. A row's `reportedFailed` is the groups counted failed (3 a run);
 * `lost` counts the runs whose report or events were wrong: a count off by one, a group missing,
 * no finished event or two. Usage: node faults/fanout-scenarios.ts <runs per scenario> <output>
 */

interface FanOutScenario {
  name: string;
  invocation?: 'crash-mid-batch' | 'delivered-twice';
  /** Requests the table lets through, then how many it answers throttled. */
  throttle?: { after: number; throttle: number };
  /** PutEvents calls that fail (each SDK call tries three times). */
  eventFailures?: number;
}

const FANOUT_SCENARIOS: FanOutScenario[] = [
  { name: 'fan-out report: SQS delivers a batch twice', invocation: 'delivered-twice' },
  { name: 'fan-out report: container crashes mid-batch', invocation: 'crash-mid-batch' },
  { name: 'fan-out report: table throttled for a while', throttle: { after: 40, throttle: 25 } },
  { name: 'fan-out report: EventBridge failing for a while', eventFailures: 7 },
];

const KNOWN = Array.from({ length: 27 }, (_, i) => `fault-group-${i}`);
const UNKNOWN = ['fault-gone-1', 'fault-gone-2', 'fault-gone-3'];
const MAX_RECEIVE_COUNT = 4;

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const context = () => {
  const deadline = Date.now() + 10_000;
  return {
    awsRequestId: crypto.randomUUID(),
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
};

const runFanOutScenarios = async (runs: number): Promise<Row[]> => {
  let offset = 0;
  const tencent = await startTencentChatEmulator({
    groups: Object.fromEntries(KNOWN.map((id) => [id, 'Public' as const])),
  });
  const secrets = await startLocalSecretsManager();
  const dynamodb = await startDynamoDb({ tables: [LOCAL_FANOUT_TABLE] });
  const events = await startEventBridge();
  const sqs = await startSqs({ now: () => Date.now() + offset });
  const client = new SQSClient({ endpoint: sqs.url, region: 'us-east-1' });
  Object.assign(process.env, {
    ...localAwsEnvironment(secrets.url, { eventBridgeUrl: events.url }),
    AWS_ENDPOINT_URL_SQS: sqs.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
    TENCENT_CHAT_BASE_URL: tencent.url,
    TENCENT_CHAT_FANOUT_TABLE: LOCAL_FANOUT_TABLE,
    TENCENT_CHAT_QUEUE_MAX_RECEIVES: String(MAX_RECEIVE_COUNT),
    TENCENT_CHAT_QUEUE_SENDS_PER_SECOND: '100',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  const fanOut = await newContainer<Handler>('fan-out-group-msg');
  const getReport = await newContainer<Handler>('get-group-fanout');
  const waiting = async (url: string) => {
    const { Attributes = {} } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages),
      hidden:
        Number(Attributes.ApproximateNumberOfMessagesNotVisible) +
        Number(Attributes.ApproximateNumberOfMessagesDelayed),
    };
  };

  const rows: Row[] = [];
  let number = 0;
  for (const scenario of FANOUT_SCENARIOS) {
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
      number += 1;
      const fanoutId = `fault-fan-out-${number}`;
      tencent.emulator.reset();
      events.events.length = 0;
      const dlq = sqs.createQueue(`fanout-faults-dlq-${number}`);
      const queue = sqs.createQueue(`fanout-faults-${number}`, {
        VisibilityTimeout: '30',
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.arn,
          maxReceiveCount: MAX_RECEIVE_COUNT,
        }),
      });
      process.env.TENCENT_CHAT_GROUP_QUEUE_URL = queue.url;
      await fanOut(
        {
          request: {
            GroupIds: [...UNKNOWN, ...KNOWN],
            Message: { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: fanoutId } }] },
          },
          idempotencyKey: fanoutId,
        },
        context(),
      );
      if (scenario.throttle) dynamodb.addFault(scenario.throttle);
      if (scenario.eventFailures) events.addFault({ count: scenario.eventFailures, mode: 'error' });
      let container = await newContainer<Handler>('send-group-msg');
      let crashed = false;
      let inFlight = 0;
      const handle = async (event: SQSEvent) => {
        if (scenario.invocation === 'crash-mid-batch' && !crashed && event.Records.length > 1) {
          crashed = true;
          const half = event.Records.slice(0, Math.ceil(event.Records.length / 2));
          await container({ Records: half }, context());
          container = await newContainer<Handler>('send-group-msg');
          throw new Error('the container crashed before answering');
        }
        if (scenario.invocation === 'delivered-twice') {
          const other = await newContainer<Handler>('send-group-msg');
          const [first] = await Promise.all([container(event, context()), other(event, context())]);
          return first;
        }
        return container(event, context());
      };
      const mapping = startEventSourceMapping({
        client,
        queueUrl: queue.url,
        queueArn: queue.arn,
        batchSize: 10,
        maximumConcurrency: 2,
        waitTimeSeconds: 0,
        invoke: async (event: SQSEvent) => {
          inFlight += 1;
          try {
            return await handle(event);
          } finally {
            inFlight -= 1;
          }
        },
      });
      for (let step = 0; step < 800; step++) {
        const { visible, hidden } = await waiting(queue.url);
        if (visible + hidden === 0) break;
        if (visible === 0 && inFlight === 0) offset += 5_000;
        await sleep(25);
      }
      await mapping.stop();
      dynamodb.clearFaults();
      events.clearFaults();
      const report = (await getReport({ fanoutId }, context())) as Record<string, unknown> & {
        failures: { GroupId: string }[];
      };
      const delivered = tencent.emulator.messages.flatMap((message) => message.targets);
      const unique = new Set(delivered);
      const finished = events.events.filter(
        (event) => event['detail-type'] === 'Group fan-out finished',
      );
      const detail = finished[0]?.detail as Record<string, unknown> | undefined;
      const exact =
        report.sent === unique.size &&
        report.sent === KNOWN.length &&
        report.failed === UNKNOWN.length &&
        report.pending === 0 &&
        new Set(report.failures.map((failure) => failure.GroupId)).size === UNKNOWN.length &&
        finished.length === 1 &&
        detail?.sent === report.sent &&
        detail?.failed === report.failed;
      row.delivered += unique.size;
      row.duplicates += delivered.length - unique.size;
      row.reportedFailed += Number(report.failed);
      if (!exact) row.lost += 1;
    }
    rows.push(row);
  }
  client.destroy();
  await Promise.all([
    tencent.close(),
    secrets.close(),
    sqs.close(),
    dynamodb.close(),
    events.close(),
  ]);
  return rows;
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await runFanOutScenarios(Number(process.argv[2] ?? 1));
  await writeRows(process.argv[3] ?? 'fanout-faults.json', rows, [DEFAULT_APP.secretKey]);
  process.exit(0);
}

export { FANOUT_SCENARIOS, runFanOutScenarios };

import { startDynamoDb } from '../emulators/dynamodb/server.ts';
import { startEventBridge } from '../emulators/eventbridge/server.ts';
import { LOCAL_FANOUT_TABLE, startLocalSecretsManager } from '../emulators/local-environment.ts';
import { startSqs } from '../emulators/sqs/server.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';
import { errorCodeForTencent } from '../lib/tencent-codes.ts';

/**
 * The burst benchmark's servers, in a process of their own (as SQS and Tencent are elsewhere):
 * the Tencent emulator enforcing the limits it is given, with the benchmark's groups, the Secrets
 * Manager stand-in, the SQS stand-in, and the DynamoDB (fan-out table) and EventBridge stand-ins
 * of the fan-out reports. Prints the URLs as one JSON line; answers the
 * benchmark's questions about what the emulator received over IPC.
 * Usage (spawned with an IPC channel): node bench/burst-servers.ts <settings JSON>
 */

interface ServerSettings {
  /** Groups `burst-group-<i>` and `fan-group-<i>` (bench/burst.ts names them the same way). */
  groups: number;
  fanOutGroups: number;
  limitPerSecond: number;
  groupLimitPerSecond: number;
  broadcastPerSecond: number;
}

type Question =
  | { id: number; ask: 'reset' }
  | { id: number; ask: 'count'; prefix: string }
  | { id: number; ask: 'targets' }
  | { id: number; ask: 'report' };

const settings = JSON.parse(process.argv[2] ?? '{}') as ServerSettings;
const tencent = await startTencentChatEmulator({
  groups: {
    ...Object.fromEntries(
      [
        ...Array.from({ length: settings.groups }, (_, i) => `burst-group-${i}`),
        ...Array.from({ length: settings.fanOutGroups }, (_, i) => `fan-group-${i}`),
      ].map((id) => [id, 'Public' as const]),
    ),
    'live-lobby': 'AVChatRoom',
    'live-stage': 'AVChatRoom',
  },
  limits: {
    perCommandPerSecond: settings.limitPerSecond,
    perGroupPerSecond: settings.groupLimitPerSecond,
    broadcastPerSecond: settings.broadcastPerSecond,
  },
});
const secrets = await startLocalSecretsManager();
const sqs = await startSqs();
const dynamodb = await startDynamoDb({ tables: [LOCAL_FANOUT_TABLE] });
const events = await startEventBridge();
const { emulator } = tencent;

const textsOf = (prefix: string): string[] =>
  emulator.messages.flatMap((message) =>
    (message.msgBody as { MsgContent?: { Text?: string } }[])
      .map((element) => element.MsgContent?.Text ?? '')
      .filter((text) => text.startsWith(prefix)),
  );
/** An answer whose code the sender treats as a rate limit (RATE_LIMITED, lib/tencent-codes.ts). */
const isRateLimitAnswer = (outcome = ''): boolean => {
  const code = /^ErrorCode (\d+)$/.exec(outcome)?.[1];
  return code !== undefined && errorCodeForTencent(Number(code)) === 'RATE_LIMITED';
};
/** Rate-limit answers, and messages dropped by frequency control (ErrorCode 0). */
const rateLimitAnswers = (): number =>
  emulator.requests.filter((request) => isRateLimitAnswer(request.outcome)).length +
  emulator.stats.dropped;

const answer = (question: Question): unknown => {
  switch (question.ask) {
    case 'reset':
      emulator.reset();
      return {};
    case 'count': {
      const texts = textsOf(question.prefix);
      return {
        total: texts.length,
        unique: new Set(texts).size,
        sends: emulator.messages.length,
        rateLimitAnswers: rateLimitAnswers(),
      };
    }
    case 'report': {
      // Table operations so far, and the time from the last message Tencent took to the event.
      const lastSendAt = Math.max(0, ...emulator.messages.map((message) => message.deliveredAt));
      const finished = events.events.map((event) => Date.parse(event.time));
      return {
        operations: { ...dynamodb.operations },
        finishedEvents: finished.length,
        lastSendToEventMs: finished.length > 0 ? Math.max(...finished) - lastSendAt : undefined,
      };
    }
    case 'targets': {
      const targets = emulator.messages.flatMap((message) => message.targets);
      return {
        total: targets.length,
        distinct: new Set(targets).size,
        rateLimitAnswers: rateLimitAnswers(),
      };
    }
  }
};

process.on('message', (question: Question) => {
  process.send?.({ id: question.id, answer: answer(question) });
});
process.on('disconnect', () => {
  Promise.all([
    tencent.close(),
    secrets.close(),
    sqs.close(),
    dynamodb.close(),
    events.close(),
  ]).then(() => process.exit(0));
});
console.log(
  JSON.stringify({
    tencentUrl: tencent.url,
    secretsUrl: secrets.url,
    sqsUrl: sqs.url,
    dynamodbUrl: dynamodb.url,
    eventBridgeUrl: events.url,
  }),
);

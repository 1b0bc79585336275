import { startLocalSecretsManager } from '../emulators/local-environment.ts';
import { startSqs } from '../emulators/sqs/server.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';

/**
 * The soak's servers, in a process of their own (as SQS and Tencent are elsewhere): the Tencent
 * emulator enforcing Tencent's limits for the soak's groups, the Secrets Manager stand-in and the
 * SQS stand-in. Prints the URLs as one JSON line; over IPC, starts and ends Tencent's outage and
 * answers what the emulator received.
 * Usage (spawned with an IPC channel): node soak/servers.ts <groups> <limit per second>
 */

type Question =
  | { id: number; ask: 'progress' }
  | { id: number; ask: 'outage'; on: boolean }
  | { id: number; ask: 'count'; prefix: string };

const groups = Number(process.argv[2] ?? 500);
const limit = Number(process.argv[3] ?? 200);
const tencent = await startTencentChatEmulator({
  groups: Object.fromEntries(
    Array.from({ length: groups }, (_, i) => [`soak-group-${i}`, 'Public' as const]),
  ),
  limits: { perCommandPerSecond: limit, perGroupPerSecond: 40, broadcastPerSecond: 1 },
});
const secrets = await startLocalSecretsManager();
const sqs = await startSqs();
const { emulator } = tencent;

/** While Tencent is down it answers, a second at a time, 10002, then HTTP 503, then hangs up. */
const OUTAGE_FAULTS = [{ errorCode: 10002 }, { httpStatus: 503 }, { drop: 'before' as const }];
let rotation: NodeJS.Timeout | undefined;
let outageRequests = { from: 0, to: 0 };

const outage = (on: boolean): void => {
  clearInterval(rotation);
  emulator.clearFaults();
  if (!on) {
    outageRequests.to = emulator.stats.faults;
    return;
  }
  outageRequests = { from: emulator.stats.faults, to: 0 };
  let next = 0;
  const turn = () => {
    emulator.clearFaults();
    emulator.addFault({ ...OUTAGE_FAULTS[next % OUTAGE_FAULTS.length], count: 1_000_000_000 });
    next += 1;
  };
  turn();
  rotation = setInterval(turn, 1_000);
};

const textsOf = (prefix: string): string[] =>
  emulator.messages.flatMap((message) =>
    (message.msgBody as { MsgContent?: { Text?: string } }[])
      .map((element) => element.MsgContent?.Text ?? '')
      .filter((text) => text.startsWith(prefix)),
  );

const answer = (question: Question): unknown => {
  switch (question.ask) {
    case 'progress':
      return { delivered: emulator.messages.length };
    case 'outage':
      outage(question.on);
      return {};
    case 'count': {
      const texts = textsOf(question.prefix);
      return {
        total: texts.length,
        unique: new Set(texts).size,
        refusedInOutage: outageRequests.to - outageRequests.from,
        duplicatesDiscarded: emulator.stats.duplicatesDiscarded,
      };
    }
  }
};

process.on('message', (question: Question) => {
  process.send?.({ id: question.id, answer: answer(question) });
});
process.on('disconnect', () => {
  clearInterval(rotation);
  Promise.all([tencent.close(), secrets.close(), sqs.close()]).then(() => process.exit(0));
});
console.log(JSON.stringify({ tencentUrl: tencent.url, secretsUrl: secrets.url, sqsUrl: sqs.url }));

import { NO_RATE_LIMITS } from '../emulators/tencent-chat/emulator.ts';
import { TEST_CA_FILE } from '../emulators/tencent-chat/network.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';
import type { SenderName } from './senders.ts';
import { senderEnvironment } from './senders.ts';
import {
  coldSample,
  environmentFor,
  FUNCTION_NAMES,
  type FunctionName,
  requestFor,
  summary,
} from './workload.ts';

/**
 * Cold start end to end over HTTPS: fresh processes, from the process's start to the first
 * result, our bundle and the hand-written sender for the same command taking turns (which goes
 * first alternates), and a bare request beside them.
 */

interface Sample {
  endToEndMs: number;
  importMs: number;
  firstInvocationMs: number;
}

const sample = async (file: string, request: object, env: NodeJS.ProcessEnv): Promise<Sample> =>
  (await coldSample(file, env, request)) as Sample;

const summarise = (samples: Sample[]) => ({
  endToEndMs: summary(samples.map((s) => s.endToEndMs)),
  importMs: summary(samples.map((s) => s.importMs)),
  firstInvocationMs: summary(samples.map((s) => s.firstInvocationMs)),
});

const coldEndToEnd = async ({
  bundles,
  senders,
  secretsUrl,
  samples,
}: {
  bundles: Record<FunctionName, string>;
  senders: Record<SenderName, string>;
  secretsUrl: string;
  samples: number;
}) => {
  const tencent = await startTencentChatEmulator({
    network: { tls: true },
    limits: NO_RATE_LIMITS,
  });
  const envFor = (name: FunctionName): NodeJS.ProcessEnv => ({
    ...process.env,
    ...environmentFor({ tencentUrl: tencent.url, secretsUrl }),
    ...senderEnvironment(tencent.url, name),
    NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
  });
  const ours = Object.fromEntries(FUNCTION_NAMES.map((name) => [name, [] as Sample[]]));
  const handWritten = Object.fromEntries(FUNCTION_NAMES.map((name) => [name, [] as Sample[]]));
  const bare: Sample[] = [];
  try {
    for (let i = 0; i < samples; i += 1) {
      for (const [index, name] of FUNCTION_NAMES.entries()) {
        const env = envFor(name);
        const runOurs = async () =>
          ours[name]?.push(await sample(bundles[name], requestFor(name, 700_000 + i), env));
        const runHandWritten = async () =>
          handWritten[name]?.push(
            await sample(senders['hand-written'], requestFor(name, 710_000 + i), env),
          );
        if ((i + index) % 2 === 0) {
          await runOurs();
          await runHandWritten();
        } else {
          await runHandWritten();
          await runOurs();
        }
      }
      bare.push(
        await sample(senders.bare, requestFor('send-text-msg', 0), envFor('send-text-msg')),
      );
    }
  } finally {
    await tencent.close();
  }
  return {
    samples,
    bare: summarise(bare),
    byFunction: Object.fromEntries(
      FUNCTION_NAMES.map((name) => {
        const mine = summarise(ours[name] ?? []);
        const theirs = summarise(handWritten[name] ?? []);
        return [
          name,
          {
            ours: mine,
            handWritten: theirs,
            endToEndRatio: mine.endToEndMs.p50 / theirs.endToEndMs.p50,
            firstInvocationRatio: mine.firstInvocationMs.p50 / theirs.firstInvocationMs.p50,
          },
        ];
      }),
    ),
  };
};

export { coldEndToEnd };

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_SECRET_ID, localAwsEnvironment } from '../emulators/local-environment.ts';
import { startSecretsManager } from '../emulators/secrets-manager/server.ts';
import { defaultAdminSecret, NO_RATE_LIMITS } from '../emulators/tencent-chat/emulator.ts';
import { type NetworkOptions, TEST_CA_FILE } from '../emulators/tencent-chat/network.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';
import { FUNCTION_NAMES, type Row } from './scenarios.ts';

/**
 * The freeze drill: a container frozen past the server's keep-alive, then thawed with an
 * invocation, sends its next message exactly once, over HTTPS with a network round trip, whether
 * the server announces its keep-alive or not. The emulator runs here, the containers in a process
 * of their own, so that the server's clock runs on while they are frozen.
 */

interface Variant {
  fault: string;
  network: NetworkOptions;
  freezeMs: number;
}

const VARIANTS: Variant[] = [
  {
    fault: 'frozen past an announced 2 s keep-alive',
    network: { tls: true, rttMs: 20, keepAliveMs: 2_000, announceKeepAlive: true },
    freezeMs: 2_500,
  },
  {
    fault: 'frozen past an unannounced 5 s keep-alive',
    network: { tls: true, rttMs: 20, keepAliveMs: 5_000, announceKeepAlive: false },
    freezeMs: 5_500,
  },
];

const SECRET_ID = LOCAL_SECRET_ID;
const container = fileURLToPath(new URL('./freeze-drill-container.ts', import.meta.url));

const runVariant = async (variant: Variant, runs: number, dir: string): Promise<Row[]> => {
  const tencent = await startTencentChatEmulator({
    network: variant.network,
    limits: NO_RATE_LIMITS,
  });
  const secrets = await startSecretsManager({
    secrets: {
      [SECRET_ID]: defaultAdminSecret(),
    },
  });
  const outputFile = join(dir, `freeze-${variant.network.keepAliveMs}.json`);
  try {
    const child = spawn(
      process.execPath,
      [container, tencent.url, String(variant.freezeMs), String(runs), outputFile],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...process.env,
          ...localAwsEnvironment(secrets.url),
          NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
        },
      },
    );
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0)
      throw new Error(`the freeze drill exited with ${code}:\n${errors.slice(-2_000)}`);
    const sends = JSON.parse(await readFile(outputFile, 'utf8')) as {
      functionName: (typeof FUNCTION_NAMES)[number];
      marker: string;
      ok: boolean;
    }[];
    const deliveries = (marker: string) =>
      tencent.emulator.messages.filter((message) =>
        JSON.stringify(message.request).includes(marker),
      ).length;
    return FUNCTION_NAMES.map((functionName) => {
      const mine = sends.filter((send) => send.functionName === functionName);
      const counts = mine.map((send) => deliveries(send.marker));
      return {
        fault: variant.fault,
        functionName,
        runs: mine.length,
        delivered: counts.filter((count) => count > 0).length,
        reportedFailed: mine.filter((send) => !send.ok).length,
        duplicates: counts.reduce((sum, count) => sum + Math.max(0, count - 1), 0),
        lost: mine.filter((send, i) => send.ok && counts[i] === 0).length,
        overDeadline: 0,
        afterReceipt: false,
      };
    });
  } finally {
    await Promise.all([tencent.close(), secrets.close()]);
  }
};

/** Every row must show every message delivered once and none reported failed. */
const freezeViolations = (rows: Row[]): string[] =>
  rows.flatMap((row) =>
    row.reportedFailed > 0 || row.duplicates > 0 || row.delivered < row.runs
      ? [
          `${row.functionName}, ${row.fault}: ${row.delivered}/${row.runs} delivered, ${row.reportedFailed} failed, ${row.duplicates} duplicates`,
        ]
      : [],
  );

const runFreezeDrill = async (runs: number, dir: string): Promise<Row[]> =>
  (await Promise.all(VARIANTS.map((variant) => runVariant(variant, runs, dir)))).flat();

export { freezeViolations, runFreezeDrill };

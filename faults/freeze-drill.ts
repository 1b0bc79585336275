import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localAwsEnvironment, startLocalSecretsManager } from '../emulators/local-environment.ts';
import { DEFAULT_APP, NO_RATE_LIMITS } from '../emulators/tencent-chat/emulator.ts';
import { type NetworkOptions, TEST_CA_FILE } from '../emulators/tencent-chat/network.ts';
import { startTencentChatEmulator } from '../emulators/tencent-chat/server.ts';
import { deliveriesOf, FUNCTION_NAMES, type Row, tallyRow } from './scenarios.ts';

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

const container = fileURLToPath(new URL('./freeze-drill-container.ts', import.meta.url));

const runVariant = async (
  variant: Variant,
  runs: number,
  dir: string,
): Promise<{ rows: Row[]; output: string }> => {
  const tencent = await startTencentChatEmulator({
    network: variant.network,
    limits: NO_RATE_LIMITS,
  });
  const secrets = await startLocalSecretsManager();
  const outputFile = join(dir, `freeze-${variant.network.keepAliveMs}.json`);
  try {
    const child = spawn(
      process.execPath,
      [container, tencent.url, String(variant.freezeMs), String(runs), outputFile],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          ...localAwsEnvironment(secrets.url),
          NODE_EXTRA_CA_CERTS: TEST_CA_FILE,
        },
      },
    );
    // All of it is kept for the suite's leak check.
    let output = '';
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0)
      throw new Error(`the freeze drill exited with ${code}:\n${output.slice(-2_000)}`);
    const sends = JSON.parse(await readFile(outputFile, 'utf8')) as {
      functionName: (typeof FUNCTION_NAMES)[number];
      marker: string;
      ok: boolean;
    }[];
    const rows = FUNCTION_NAMES.map((functionName) => {
      const mine = sends.filter((send) => send.functionName === functionName);
      return tallyRow(
        { name: variant.fault },
        functionName,
        mine.map((send) => ({ reportedFailed: !send.ok, overDeadline: false })),
        mine.map((send) => deliveriesOf(tencent.emulator.messages, send.marker)),
      );
    });
    return { rows, output };
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

const runFreezeDrill = async (runs: number, dir: string) => {
  const variants = await Promise.all(VARIANTS.map((variant) => runVariant(variant, runs, dir)));
  return {
    rows: variants.flatMap((variant) => variant.rows),
    output: variants.map((variant) => variant.output).join(''),
    secretKeys: [DEFAULT_APP.secretKey],
  };
};

export { freezeViolations, runFreezeDrill };

import { type ChildProcess, spawn } from 'node:child_process';

/**
 * `npm start`'s script on ports of its own (the browser tests' and the screenshot script's), as a
 * newcomer runs it: the emulator with its console, the Secrets Manager, DynamoDB and SQS
 * stand-ins, and serverless-offline with the built bundles. `npm run build` must have run first.
 */

interface LocalStack {
  api: string;
  console: string;
  stop: () => Promise<void>;
}

const PORTS = {
  HTTP_PORT: '3380',
  LAMBDA_PORT: '3382',
  TENCENT_EMULATOR_PORT: '4380',
  SECRETS_MANAGER_PORT: '4480',
  DYNAMODB_PORT: '4580',
  SQS_PORT: '4680',
  EVENTBRIDGE_PORT: '4780',
};

const READY = 'What the emulator received';

const startLocalStack = (timeoutMs = 60_000): Promise<LocalStack> =>
  new Promise((resolve, reject) => {
    let printed = '';
    const local: ChildProcess = spawn(process.execPath, ['scripts/start-local.ts'], {
      env: { ...process.env, ...PORTS, POWERTOOLS_LOG_LEVEL: 'WARN' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stop = () =>
      new Promise<void>((done) => {
        if (local.exitCode !== null || !local.pid) return done();
        local.once('exit', () => done());
        process.kill(-local.pid, 'SIGTERM');
      });
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`npm start printed no "${READY}" within ${timeoutMs} ms:\n${printed}`));
    }, timeoutMs);
    const collect = (chunk: Buffer) => {
      printed += chunk.toString();
      if (!printed.includes(READY)) return;
      clearTimeout(timer);
      resolve({
        api: `http://127.0.0.1:${PORTS.HTTP_PORT}`,
        console: `http://127.0.0.1:${PORTS.TENCENT_EMULATOR_PORT}`,
        stop,
      });
    };
    local.stdout?.on('data', collect);
    local.stderr?.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    local.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${printed}`));
    });
  });

export type { LocalStack };
export { startLocalStack };

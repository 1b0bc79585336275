import { writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { newContainer } from '../emulators/lambda-container.ts';
import { round } from './report.ts';
import { environmentFor, FUNCTION_NAMES, lambdaContext, requestFor, summary } from './workload.ts';

/**
 * The children of bench/idempotency.ts:
 * - `dynamodb`: the DynamoDB stand-in in a process of its own; prints its URL, serves until killed;
 * - `warm <settings JSON>`: warm latency of first sends, replays and the same sends with the table
 *   off, and the DynamoDB operations per send; writes its figures to `settings.output`.
 */

/** One function's figures in the output. */
interface WarmFigures {
  off: ReturnType<typeof summary>;
  first: ReturnType<typeof summary>;
  replay: ReturnType<typeof summary>;
  operationsPerFirstSend: Record<string, number>;
  operationsPerReplay: Record<string, number>;
}

interface Urls {
  tencentUrl: string;
  secretsUrl: string;
}

const runDynamoDb = async () => {
  const { startDynamoDb } = await import('../emulators/dynamodb/server.ts');
  const dynamodb = await startDynamoDb({ tables: ['bench-idempotency'] });
  console.log(dynamodb.url);
  process.on('SIGTERM', () => dynamodb.close().then(() => process.exit(0)));
};

const runWarm = async (
  settings: Urls & { dynamodbUrl: string; iterations: number; output: string },
) => {
  Object.assign(process.env, environmentFor(settings), {
    AWS_ENDPOINT_URL_DYNAMODB: settings.dynamodbUrl,
  });
  const operations = async () =>
    (await (await fetch(`${settings.dynamodbUrl}/stand-in/operations`)).json()) as Record<
      string,
      number
    >;
  const perSend = (
    before: Record<string, number>,
    after: Record<string, number>,
    n: number,
  ): Record<string, number> =>
    Object.fromEntries(
      Object.entries(after)
        .map(([operation, count]) => [operation, round((count - (before[operation] ?? 0)) / n)])
        .filter(([, count]) => Number(count) > 0),
    );
  const figures: Record<string, WarmFigures> = {};
  for (const name of FUNCTION_NAMES) {
    const handler =
      await newContainer<(event: unknown, context: unknown) => Promise<{ ok: boolean }>>(name);
    const timed = async (event: unknown) => {
      const started = performance.now();
      const result = await handler(event, lambdaContext());
      if (!result.ok) throw new Error(`${name} failed: ${JSON.stringify(result)}`);
      return performance.now() - started;
    };
    const samples = { off: [] as number[], first: [] as number[], replay: [] as number[] };
    const keys: string[] = [];
    // Warm both paths (the chunk's import and the DynamoDB connection) before measuring.
    process.env.TENCENT_CHAT_IDEMPOTENCY_TABLE = 'bench-idempotency';
    await timed({ request: requestFor(name, 1), idempotencyKey: `warm-${name}` });
    const beforeFirst = await operations();
    for (let i = 0; i < settings.iterations; i += 1) {
      const key = `${name}-${i}-${crypto.randomUUID()}`;
      keys.push(key);
      process.env.TENCENT_CHAT_IDEMPOTENCY_TABLE = '';
      samples.off.push(await timed({ request: requestFor(name, 10_000 + i), idempotencyKey: key }));
      process.env.TENCENT_CHAT_IDEMPOTENCY_TABLE = 'bench-idempotency';
      samples.first.push(
        await timed({ request: requestFor(name, 20_000 + i), idempotencyKey: key }),
      );
    }
    const beforeReplay = await operations();
    for (const [i, key] of keys.entries()) {
      samples.replay.push(
        await timed({ request: requestFor(name, 20_000 + i), idempotencyKey: key }),
      );
    }
    const afterReplay = await operations();
    figures[name] = {
      off: summary(samples.off),
      first: summary(samples.first),
      replay: summary(samples.replay),
      operationsPerFirstSend: perSend(beforeFirst, beforeReplay, settings.iterations),
      operationsPerReplay: perSend(beforeReplay, afterReplay, settings.iterations),
    };
  }
  await writeFile(settings.output, JSON.stringify(figures));
  process.exit(0);
};

const [mode, json] = process.argv.slice(2);
if (mode === 'dynamodb') await runDynamoDb();
else if (mode === 'warm') await runWarm(JSON.parse(json ?? '{}'));

export type { WarmFigures };

// One cold start: a fresh process imports a bundle (and, with "invoke", calls it once against the
// benchmark's servers: secret fetch, signing, one send). Prints its times as JSON, end to end
// counted from the process's own start.
import { performance } from 'node:perf_hooks';

const [file, mode, requestJson] = process.argv.slice(2);
const started = performance.now();
const module = await import(file);
const importMs = performance.now() - started;
let firstInvocationMs;
if (mode === 'invoke') {
  const invokedAt = performance.now();
  const result = await module.handler(JSON.parse(requestJson), {
    awsRequestId: 'cold-start',
    getRemainingTimeInMillis: () => 10_000,
  });
  if (result.ok !== true) throw new Error(`first invocation failed: ${JSON.stringify(result)}`);
  firstInvocationMs = performance.now() - invokedAt;
}
process.stderr.write(
  `${JSON.stringify({ importMs, firstInvocationMs, endToEndMs: performance.now() })}\n`,
);

// One cold container, end to end: a fresh process imports a bundle and invokes it once. Prints,
// as JSON, the time from the process's start to the first result, and its import and invocation.
import { performance } from 'node:perf_hooks';

const [file, requestJson] = process.argv.slice(2);
const started = performance.now();
const module = await import(file);
const importedAt = performance.now();
const result = await module.handler(JSON.parse(requestJson), {
  awsRequestId: 'cold-start',
  getRemainingTimeInMillis: () => 10_000,
});
const doneAt = performance.now();
if (result.ok !== true) throw new Error(`first invocation failed: ${JSON.stringify(result)}`);
process.stderr.write(
  `${JSON.stringify({ endToEndMs: doneAt, importMs: importedAt - started, firstInvocationMs: doneAt - importedAt })}\n`,
);

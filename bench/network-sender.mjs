// One container on the benchmark's network: imports a bundle, sends once (the cold container's
// first send), then warm sends back to back, then one send after each idle gap. After each step
// it asks its parent (over IPC) for the connections and handshakes the emulator counted.
// Usage: node bench/network-sender.mjs <bundle> <requests JSON> <gaps in s, JSON> <warm sends>
import { performance } from 'node:perf_hooks';

const [file, requestsJson, gapsJson, warmText] = process.argv.slice(2);
const requests = JSON.parse(requestsJson);
const gaps = JSON.parse(gapsJson);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const counted = (step) =>
  new Promise((resolve) => {
    process.once('message', resolve);
    process.send({ step });
  });

const importStarted = performance.now();
const { handler } = await import(file);
const importMs = performance.now() - importStarted;
let next = 0;
const send = async () => {
  const started = performance.now();
  const result = await handler(requests[next++], {
    awsRequestId: `network-${next}`,
    getRemainingTimeInMillis: () => 10_000,
  });
  const ms = performance.now() - started;
  if (result.ok !== true) throw new Error(`send failed: ${JSON.stringify(result)}`);
  return ms;
};

const firstMs = await send();
const results = { importMs, first: { ms: firstMs, ...(await counted('first')) } };
if (Number(warmText) > 0) await sleep(200);
const warm = [];
// Lambda's runtime API calls come between two invocations; without a turn of the event loop here,
// undici has not yet put the connection back in its pool and opens another.
for (let i = 0; i < Number(warmText); i += 1) {
  await new Promise(setImmediate);
  warm.push(await send());
}
results.warm = { samples: warm, ...(await counted('warm')) };
// The parent starts every container's idle gaps together, a little apart from each other.
await new Promise((resolve) => process.once('message', resolve));
results.gaps = {};
for (const gap of gaps) {
  await sleep(gap * 1000);
  const ms = await send();
  results.gaps[`${gap}s`] = { ms, ...(await counted(`gap ${gap}`)) };
}
process.send({ done: results });
process.disconnect();

import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FUNCTION_NAMES, type FunctionName, markedRequest } from './scenarios.ts';

/**
 * The freeze drill's containers: the four built bundles in one process, pointed at one emulator.
 * Each run blocks the event loop past the server's keep-alive, as a container Lambda froze, then
 * sends one message per function from an I/O callback, as the runtime's next invocation arrives.
 * Usage: node faults/freeze-drill-container.ts <base URL> <freeze ms> <runs> <output file>
 * (the environment carries the Secrets Manager stand-in and NODE_EXTRA_CA_CERTS).
 */

type Handler = (event: unknown, context: unknown) => Promise<{ ok?: boolean }>;

const [baseUrl, freezeText, runsText, outputFile] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
process.env.TENCENT_CHAT_BASE_URL = baseUrl;

const context = () => {
  const deadline = Date.now() + 3_000;
  return { awsRequestId: randomUUID(), getRemainingTimeInMillis: () => deadline - Date.now() };
};

const handlers = Object.fromEntries(
  await Promise.all(
    FUNCTION_NAMES.map(async (name) => {
      const file = pathToFileURL(new URL(`../dist/${name}/index.mjs`, import.meta.url).pathname);
      return [name, ((await import(`${file.href}?freeze`)) as { handler: Handler }).handler];
    }),
  ),
) as Record<FunctionName, Handler>;

const sendAll = (prefix: string) =>
  Promise.all(
    FUNCTION_NAMES.map(async (name) => {
      const marker = `${prefix}-${randomUUID()}`;
      let ok = false;
      try {
        ok = (await handlers[name](markedRequest(name, marker), context())).ok === true;
      } catch {}
      return { functionName: name, marker, ok };
    }),
  );

/** Blocks the event loop for `ms`, then sends from an I/O callback. */
const thawAndSend = (ms: number, prefix: string) =>
  new Promise<Awaited<ReturnType<typeof sendAll>>>((resolve) => {
    readFile(fileURLToPath(import.meta.url), () => {
      const until = Date.now() + ms;
      while (Date.now() < until) {}
      resolve(sendAll(prefix));
    });
  });

await sendAll('freeze-warm-up');
const sends = [];
for (let run = 0; run < Number(runsText); run += 1) {
  sends.push(...(await thawAndSend(Number(freezeText), 'freeze-drill')));
}
await writeFile(outputFile, JSON.stringify(sends));
process.exit(0);

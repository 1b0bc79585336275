import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { DEFAULT_APP } from '../emulators/tencent-chat/emulator.ts';
import { getSignedIdentity } from '../lib/usersig.ts';
import { COMMANDS, type FunctionName } from './workload.ts';

/**
 * The senders every network and cold-start figure is set beside, built as bundles the same way
 * as ours: the hand-written sender (Secrets Manager client + tls-sig-api-v2 + fetch, as
 * bench/naive-sender.ts) and two bare requests, each one POST to a URL signed in advance: `bare`
 * with fetch, `bare-https` with `node:https` on a keep-alive Agent holding one connection. All
 * answer `{ ok: true }` like our handlers; the command comes from BENCH_TARGET. On the network
 * model, a bare request's time over the round trip is the model's own floor.
 */

const root = fileURLToPath(new URL('..', import.meta.url));

const SOURCES = {
  'hand-written': [
    "import { naiveSend } from './bench/naive-sender.ts';",
    "const [service, command] = (process.env.BENCH_TARGET ?? '').split('/');",
    'export const handler = async (event) => {',
    '  await naiveSend(process.env.TENCENT_CHAT_BASE_URL, process.env.TENCENT_CHAT_SECRET_ID, { service, command }, event);',
    '  return { ok: true };',
    '};',
  ],
  bare: [
    'export const handler = async (event) => {',
    '  const response = await fetch(process.env.BENCH_BARE_URL, {',
    "    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event),",
    '  });',
    '  const reply = await response.json();',
    "  if (reply.ErrorCode !== 0) throw new Error('ErrorCode ' + reply.ErrorCode);",
    '  return { ok: true };',
    '};',
  ],
  'bare-https': [
    "import { Agent, request } from 'node:https';",
    'const agent = new Agent({ keepAlive: true, maxSockets: 1 });',
    'const post = (url, body) => new Promise((resolve, reject) => {',
    "  const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };",
    "  const req = request(url, { method: 'POST', agent, headers }, (response) => {",
    '    const chunks = [];',
    "    response.on('data', (chunk) => chunks.push(chunk));",
    "    response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));",
    "    response.on('error', reject);",
    '  });',
    "  req.on('error', reject);",
    '  req.end(body);',
    '});',
    'export const handler = async (event) => {',
    '  const reply = await post(process.env.BENCH_BARE_URL, JSON.stringify(event));',
    "  if (reply.ErrorCode !== 0) throw new Error('ErrorCode ' + reply.ErrorCode);",
    '  return { ok: true };',
    '};',
  ],
};

type SenderName = keyof typeof SOURCES;

const buildSenders = async (work: string): Promise<Record<SenderName, string>> => {
  const { buildOptions } = await import('../esbuild.config.mjs');
  const files = {} as Record<SenderName, string>;
  for (const [name, lines] of Object.entries(SOURCES) as [SenderName, string[]][]) {
    files[name] = join(work, `${name}.mjs`);
    await build({
      ...buildOptions,
      stdin: { contents: lines.join('\n'), resolveDir: root, loader: 'js' },
      outfile: files[name],
      sourcemap: false,
    });
  }
  return files;
};

/** What a sender process needs besides the usual environment: the command and the bare URL. */
const senderEnvironment = (baseUrl: string, name: FunctionName): Record<string, string> => {
  const { service, command } = COMMANDS[name];
  const identity = getSignedIdentity(
    {
      sdkAppId: DEFAULT_APP.sdkAppId,
      secretKey: DEFAULT_APP.secretKey,
      adminIdentifier: 'administrator',
    },
    86_400,
  );
  const query = new URLSearchParams({
    sdkappid: String(identity.sdkAppId),
    identifier: identity.identifier,
    usersig: identity.userSig,
    random: '1',
    contenttype: 'json',
  });
  return {
    BENCH_TARGET: `${service}/${command}`,
    BENCH_BARE_URL: `${baseUrl}/v4/${service}/${command}?${query}`,
  };
};

export type { SenderName };
export { buildSenders, senderEnvironment };

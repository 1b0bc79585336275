import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getSignedIdentity } from '../lib/usersig.ts';
import { DEFAULT_APP, environmentFor, lambdaContext, requestFor, summary } from './workload.ts';

// A/B of the warm handler: BASE dist vs this dist, interleaved in one process, against bare node:http.
const [baseDist, newDist] = process.argv.slice(2) as [string, string];
const n = Number(process.env.N ?? 1500);
const child = spawn(process.execPath, [join(import.meta.dirname, 'servers.ts')], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const urls = JSON.parse(
  await new Promise<string>((r) => child.stdout.once('data', (c: Buffer) => r(c.toString()))),
) as { tencentUrl: string; secretsUrl: string };
Object.assign(process.env, environmentFor(urls), { POWERTOOLS_LOG_LEVEL: 'SILENT' });
type H = (e: object, c: object) => Promise<{ ok: boolean }>;
const load = async (dist: string) =>
  ((await import(pathToFileURL(join(dist, 'send-text-msg/index.mjs')).href)) as { handler: H })
    .handler;
const a = process.env.ONLY_NEW ? ((async () => ({ ok: true })) as H) : await load(baseDist);
const b = await load(newDist);
const identity = getSignedIdentity(
  {
    sdkAppId: DEFAULT_APP.sdkAppId,
    secretKey: DEFAULT_APP.secretKey,
    adminIdentifier: 'administrator',
  },
  86400,
);
const target = new URL(urls.tencentUrl);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const bare = (body: object) =>
  new Promise<void>((resolve, reject) => {
    const text = JSON.stringify(body);
    const q = new URLSearchParams({
      sdkappid: String(identity.sdkAppId),
      identifier: identity.identifier,
      usersig: identity.userSig,
      random: String(Math.floor(Math.random() * 4e9)),
      contenttype: 'json',
    });
    const o = request(
      {
        host: target.hostname,
        port: target.port,
        path: `/v4/live_engine_http_srv/send_text_msg?${q}`,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (res) => {
        res.resume();
        res.on('end', resolve);
      },
    );
    o.on('error', reject);
    o.end(text);
  });
const time = async (f: () => Promise<unknown>) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};
const s = { a: [] as number[], b: [] as number[], bare: [] as number[] };
for (let i = 0; i < 100; i++) {
  await a(requestFor('send-text-msg', i), lambdaContext());
  await b(requestFor('send-text-msg', i), lambdaContext());
  await bare(requestFor('send-text-msg', i));
}
for (let i = 0; i < n; i++) {
  s.a.push(await time(() => a(requestFor('send-text-msg', i), lambdaContext())));
  s.b.push(await time(() => b(requestFor('send-text-msg', i), lambdaContext())));
  s.bare.push(await time(() => bare(requestFor('send-text-msg', i))));
}
const p = (x: number[]) => summary(x).p50;
console.log(
  `base over bare p50 ${(p(s.a) - p(s.bare)).toFixed(3)} ms; new over bare p50 ${(p(s.b) - p(s.bare)).toFixed(3)} ms; bare p50 ${p(s.bare).toFixed(3)}`,
);
child.kill('SIGTERM');
process.exit(0);

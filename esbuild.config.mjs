// Builds each function into dist/<function>/: index.mjs, a self-contained, minified ES module with
// the AWS SDK inside, loadable by plain `node`, and beside it its chunks: those init imports once
// the connection to Tencent is under way (lib/connect-early.ts), and those imported only when a
// feature is turned on (queue mode, the idempotency table), so that a function without it never
// loads them.
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const FUNCTIONS = [
  'send-group-msg',
  'send-broadcast-msg',
  'send-text-msg',
  'send-custom-msg',
  'fan-out-group-msg',
  'get-group-fanout',
  'cancel-group-fanout',
];

// tls-sig-api-v2 is CommonJS and calls require('crypto'); an ES module has no `require` unless
// we make one.
const banner = [
  "import { createRequire as __createRequire } from 'node:module';",
  'const require = __createRequire(import.meta.url);',
].join('\n');

/**
 * node:http and node:https through require() (lib/builtins/) rather than import. An ES module
 * import makes Node build the builtin's ES module facade, which reads every export, and node:http's
 * `WebSocket`, `CloseEvent` and `MessageEvent` are getters that load undici: some 15 ms of a cold
 * start for code nothing here runs (the Tencent client and the AWS SDK both use node:https).
 */
const builtins = fileURLToPath(new URL('./lib/builtins/', import.meta.url));
const httpThroughRequire = {
  name: 'http-through-require',
  setup(build) {
    build.onResolve({ filter: /^(node:)?https?$/ }, (args) =>
      args.importer.startsWith(builtins)
        ? undefined
        : { path: `${builtins}${args.path.replace(/^node:/, '')}.cjs` },
    );
  },
};

/**
 * The settings every bundle is built with (the benchmark builds its baselines with them too).
 * @type {import('esbuild').BuildOptions}
 */
export const buildOptions = {
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  outExtension: { '.js': '.mjs' },
  // The SDK's ES module builds are far smaller than its CommonJS ones.
  mainFields: ['module', 'main'],
  // Credentials from the environment only, as Lambda provides them (see the module's comment).
  alias: { '@aws-sdk/credential-provider-node': './lib/aws/credentials-from-environment.ts' },
  banner: { js: banner },
  plugins: [httpThroughRequire],
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
};

/** One build per function, so that its folder holds everything it loads and nothing else. */
export const buildFunctions = async (outdir = 'dist') => {
  await rm(outdir, { recursive: true, force: true });
  const results = await Promise.all(
    FUNCTIONS.map((name) =>
      build({
        ...buildOptions,
        entryPoints: [{ in: `functions/${name}.ts`, out: 'index' }],
        outdir: `${outdir}/${name}`,
        splitting: true,
        chunkNames: 'chunks/[name]-[hash]',
      }),
    ),
  );
  return results;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildFunctions();
}

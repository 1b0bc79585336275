// Builds each function into dist/<function>/index.mjs: one self-contained, minified ES module with
// the AWS SDK inside, loadable by plain `node`.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

export const FUNCTIONS = [
  'send-group-msg',
  'send-broadcast-msg',
  'send-text-msg',
  'send-custom-msg',
  'fan-out-group-msg',
];

// tls-sig-api-v2 is CommonJS and calls require('crypto'); an ES module has no `require` unless
// we make one.
const banner = [
  "import { createRequire as __createRequire } from 'node:module';",
  'const require = __createRequire(import.meta.url);',
].join('\n');

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
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
};

export const buildFunctions = async ({ outdir = 'dist', metafile = false } = {}) => {
  await rm(outdir, { recursive: true, force: true });
  return build({
    ...buildOptions,
    entryPoints: FUNCTIONS.map((name) => ({ in: `functions/${name}.ts`, out: `${name}/index` })),
    outdir,
    metafile,
  });
};

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildFunctions();
}

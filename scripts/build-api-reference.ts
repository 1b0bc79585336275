import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { API_REFERENCE_DIR } from '../emulators/tencent-chat/console/api-reference.ts';

/**
 * `npm run api-reference`: the API reference page, Swagger UI (swagger-ui-dist) over openapi.yaml,
 * written to dist-docs/api-reference/ with everything it loads, so that it needs no network.
 * `npm start` serves it at http://127.0.0.1:4100/api-reference/.
 */

const OPENAPI_FILE = join(import.meta.dirname, '../openapi.yaml');
const SWAGGER_UI_DIR = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);
const SWAGGER_UI_FILES = [
  'swagger-ui-bundle.js',
  'swagger-ui.css',
  'index.css',
  'favicon-16x16.png',
  'favicon-32x32.png',
];

const INDEX_HTML = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Tencent Chat sender: API reference</title>
    <link rel="stylesheet" type="text/css" href="./swagger-ui.css" />
    <link rel="stylesheet" type="text/css" href="./index.css" />
    <link rel="icon" type="image/png" href="./favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="./favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="./swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="./swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

// validatorUrl null: no badge fetched from swagger.io. No "Try it out": deployed routes need SigV4,
// which Swagger UI cannot sign, and the local API allows no cross-origin calls.
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: './openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    supportedSubmitMethods: [],
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
};
`;

const buildApiReference = async (outdir = API_REFERENCE_DIR): Promise<void> => {
  const document = parse(await readFile(OPENAPI_FILE, 'utf8'));
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  await Promise.all([
    ...SWAGGER_UI_FILES.map((name) => copyFile(join(SWAGGER_UI_DIR, name), join(outdir, name))),
    writeFile(join(outdir, 'index.html'), INDEX_HTML),
    writeFile(join(outdir, 'swagger-initializer.js'), INITIALIZER),
    writeFile(join(outdir, 'openapi.json'), `${JSON.stringify(document, null, 2)}\n`),
  ]);
};

if (import.meta.main) {
  await buildApiReference();
  console.log(`API reference written to ${API_REFERENCE_DIR}`);
}

export { buildApiReference };

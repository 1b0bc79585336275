import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOpenApi } from '../support/openapi.ts';
import { type Curl, curlsIn, shellWords } from './curl.ts';
import { codeBlocks, markdownFiles, readDoc } from './markdown.ts';

/**
 * Every curl in the README and docs/ works against the API as openapi.yaml describes it: its
 * method and path name an operation, and its JSON body is one the operation's request schema
 * accepts (or, for a block marked `<!-- docs-check: invalid request -->`, one it refuses). Curls
 * to the local stack's other parts (the emulator, the stand-ins, the Lambda invoke API) are not
 * the API; any other address fails.
 */

const INVALID_MARKER = 'docs-check: invalid request';
const API_ORIGINS = [/^http:\/\/(localhost|127\.0\.0\.1):3000$/, /^https:\/\/[^/]+\.execute-api\./];
const LOCAL_SERVICES = /^http:\/\/(localhost|127\.0\.0\.1):(3002|4100|4200|4300|4400)$/;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

type Json = Record<string, unknown>;
type Operation = { requestBody?: { content?: { 'application/json'?: { schema?: Json } } } };

interface DocCurl extends Curl {
  where: string;
  invalid: boolean;
}

const docCurls = (): DocCurl[] =>
  markdownFiles()
    .filter((file) => file === 'README.md' || /^docs\/[^/]+\.md$/.test(file))
    .flatMap((file) =>
      codeBlocks(readDoc(file)).flatMap((block) =>
        curlsIn(block.text).map((curl) => ({
          ...curl,
          where: `${file}:${block.line}`,
          invalid: block.marker === INVALID_MARKER,
        })),
      ),
    );

const ajv = new Ajv2020({ strict: false, allErrors: true });
let paths: Record<string, Record<string, Operation>>;

/** The operation a method and path name in openapi.yaml, with the path's template matched. */
const operationOf = (method: string, path: string): Operation | undefined => {
  const template = Object.keys(paths).find((candidate) =>
    new RegExp(`^${candidate.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  return template ? paths[template]?.[method.toLowerCase()] : undefined;
};

/** What is wrong with one curl of the documentation; empty when nothing. */
const problemsOf = (curl: DocCurl): string[] => {
  const parts = /^(https?:\/\/[^/]+)(\/[^?#]*)?/.exec(curl.url);
  if (!parts) return [`${curl.url} is not an http(s) URL`];
  const [, origin = '', path = '/'] = parts;
  if (LOCAL_SERVICES.test(origin)) return [];
  if (!API_ORIGINS.some((api) => api.test(origin))) return [`${origin} is not the API`];
  const operation = operationOf(curl.method, path);
  if (!operation) return [`${curl.method} ${path} is not an operation of openapi.yaml`];
  const schema = operation.requestBody?.content?.['application/json']?.schema;
  if (!schema) return curl.body === undefined ? [] : [`${curl.method} ${path} takes no body`];
  if (curl.body === undefined) return [`${curl.method} ${path} needs a JSON body`];
  if (curl.headers['content-type'] !== 'application/json') {
    return ['a JSON body without content-type: application/json'];
  }
  let body: unknown;
  try {
    body = JSON.parse(curl.body);
  } catch {
    return [`the body is not JSON: ${curl.body}`];
  }
  const validate = ajv.compile(schema);
  const valid = validate(body);
  if (curl.invalid) return valid ? ['marked as a bad request, but the schema accepts it'] : [];
  return valid ? [] : [`the schema refuses the body: ${ajv.errorsText(validate.errors)}`];
};

describe('curl commands of the documentation', () => {
  beforeAll(async () => {
    paths = (await loadOpenApi()).resolved.paths as unknown as typeof paths;
  });

  it('finds the curls of the README and of docs/api.md', () => {
    const curls = docCurls();
    expect(curls.filter(({ where }) => where.startsWith('README.md')).length).toBeGreaterThan(0);
    expect(curls.filter(({ where }) => where.startsWith('docs/api.md')).length).toBeGreaterThan(5);
  });

  it('names an operation of openapi.yaml in each, with a body its request schema accepts', () => {
    const problems = docCurls().flatMap((curl) =>
      problemsOf(curl).map((problem) => `${curl.where}: ${problem}\n  ${curl.source}`),
    );
    expect(problems).toStrictEqual([]);
  });

  it('shows at least one curl for every POST route of openapi.yaml', () => {
    const shown = new Set(
      docCurls()
        .filter(({ invalid }) => !invalid)
        .map(({ method, url }) => `${method} ${/^https?:\/\/[^/]+(\/[^?#]*)/.exec(url)?.[1]}`),
    );
    const posts = Object.entries(paths)
      .filter(([, item]) => Object.keys(item).some((method) => METHODS.includes(method)))
      .filter(([, item]) => item.post !== undefined)
      .map(([path]) => `POST ${path}`);
    expect(posts.length).toBeGreaterThanOrEqual(5);
    expect(posts.filter((route) => !shown.has(route))).toStrictEqual([]);
  });
});

describe('curl commands of the documentation: the checker', () => {
  beforeAll(async () => {
    paths = (await loadOpenApi()).resolved.paths as unknown as typeof paths;
  });

  const check = (text: string, invalid = false) =>
    curlsIn(text).flatMap((curl) => problemsOf({ ...curl, where: 'example', invalid }));

  it('reads quotes, continuations and a body over several lines as the shell does', () => {
    const [curl] = curlsIn(
      `curl -s -X POST http://localhost:3000/v1/group-fanouts -H 'content-type: application/json' \\\n  -H "Idempotency-Key: a\\"b" \\\n  -d '{"GroupIds":["g"],\n  "Message":{}}' | jq .`,
    );
    expect(curl).toMatchObject({
      method: 'POST',
      url: 'http://localhost:3000/v1/group-fanouts',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'a"b' },
      body: '{"GroupIds":["g"],\n  "Message":{}}',
    });
    expect(shellWords("echo 'a b'c d && e", 0).words).toStrictEqual(['echo', 'a bc', 'd']);
  });

  it('accepts a valid send and the local stack’s other parts', () => {
    const body = '{"RoomId":"room1","BusinessId":"gift","Data":"x"}';
    expect(
      check(
        `curl -s -X POST http://localhost:3000/v1/room-custom-messages -H 'content-type: application/json' -d '${body}'\ncurl -s http://127.0.0.1:4100/emulator/messages`,
      ),
    ).toStrictEqual([]);
  });

  it('refuses an unknown route, a wrong method, a bad body, a foreign address, an unknown option', () => {
    const json = `-H 'content-type: application/json'`;
    expect(check(`curl -X POST http://localhost:3000/v1/nothing ${json} -d '{}'`)).toStrictEqual([
      'POST /v1/nothing is not an operation of openapi.yaml',
    ]);
    expect(check('curl http://localhost:3000/v1/group-messages')).toStrictEqual([
      'GET /v1/group-messages is not an operation of openapi.yaml',
    ]);
    expect(
      check(
        `curl http://localhost:3000/v1/group-messages ${json} -d '{"GroupId":"g","MsgBody":[],"Priority":1}'`,
      ),
    ).toHaveLength(1);
    expect(
      check(`curl http://localhost:3000/v1/group-messages ${json} -d '{"GroupId":'`),
    ).toStrictEqual(['the body is not JSON: {"GroupId":']);
    expect(check('curl https://example.com/v1/group-messages')).toStrictEqual([
      'https://example.com is not the API',
    ]);
    expect(() => curlsIn('curl --proxy p http://localhost:3000/')).toThrow('unknown curl option');
    expect(() => curlsIn('curl -sZ http://localhost:3000/')).toThrow('unknown curl option');
    expect(curlsIn('curl -sSi http://localhost:3000/')[0]?.url).toBe('http://localhost:3000/');
  });

  it('expects a block marked as a bad request to be refused by the schema', () => {
    const valid = `curl http://localhost:3000/v1/broadcast-messages -H 'content-type: application/json' -d '{"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi"}}]}'`;
    expect(check(valid, true)).toStrictEqual([
      'marked as a bad request, but the schema accepts it',
    ]);
  });
});

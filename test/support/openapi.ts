import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { parse } from 'yaml';
import type { CommandName } from '../../lib/commands/index.ts';
import { OPENAPI_FILE, ROUTES } from '../../scripts/openapi.ts';

/** openapi.yaml, validated and dereferenced, and a check of real responses against it. */

type Json = Record<string, unknown>;

interface OpenApi {
  valid: boolean;
  errors: unknown;
  document: Json;
  resolved: { paths: Record<string, { post: { responses: Record<string, Json> } }> } & Json;
}

const loadOpenApi = async (): Promise<OpenApi> => {
  const text = await readFile(OPENAPI_FILE, 'utf8');
  const validator = new Validator();
  const result = await validator.validate(parse(text));
  return {
    valid: result.valid,
    errors: result.errors,
    document: validator.specification as Json,
    resolved: validator.resolveRefs() as OpenApi['resolved'],
  };
};

const ajv = new Ajv2020({ strict: false, allErrors: true });

/** Asserts that an HTTP answer of a function is a response its route documents. */
const expectDocumentedResponse = (
  openApi: OpenApi,
  command: CommandName,
  response: { statusCode: number; headers: Record<string, string>; body: string },
): void => {
  const documented =
    openApi.resolved.paths[ROUTES[command].path]?.post.responses[String(response.statusCode)];
  expect(documented, `status ${response.statusCode} of ${command} is documented`).toBeDefined();
  const content = (documented?.content as Record<string, { schema: Json }> | undefined)?.[
    'application/json'
  ];
  expect(response.headers['content-type']).toBe('application/json');
  const validate = ajv.compile(content?.schema ?? {});
  const body = JSON.parse(response.body);
  expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
  for (const header of Object.keys((documented?.headers as Json | undefined) ?? {})) {
    expect(response.headers[header.toLowerCase()]).toBeDefined();
  }
};

export type { OpenApi };
export { expectDocumentedResponse, loadOpenApi };

import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../lib/commands/index.ts';
import { validateRequest } from '../lib/validation.ts';
import { FAN_OUT_PATH, OPENAPI_FILE, ROUTES, renderOpenApi } from '../scripts/openapi.ts';
import { REPORT_PATH } from '../scripts/openapi-fanout-reports.ts';
import { loadOpenApi, type OpenApi } from './support/openapi.ts';
import {
  SEED_BROADCAST_REQUEST,
  SEED_CUSTOM_REQUEST,
  SEED_GROUP_REQUESTS,
  SEED_TEXT_REQUEST,
} from './support/requests.ts';

let openApi: OpenApi;

describe('openapi.yaml', () => {
  beforeAll(async () => {
    openApi = await loadOpenApi();
  });

  it('is a valid OpenAPI 3.1 document', () => {
    expect(openApi.errors).toBeUndefined();
    expect(openApi.valid).toBe(true);
    expect(openApi.document.openapi).toBe('3.1.0');
  });

  it('is up to date with the schemas the functions validate with (npm run openapi)', async () => {
    expect(await readFile(OPENAPI_FILE, 'utf8')).toBe(renderOpenApi());
  });

  it('documents the five routes with IAM security and every response of the contract', () => {
    const { [FAN_OUT_PATH]: fanOut, [REPORT_PATH]: reportPath, ...paths } = openApi.resolved.paths;
    const report = reportPath as unknown as Record<string, { responses: object }>;
    expect(Object.keys(report.get?.responses ?? {}).sort()).toStrictEqual(['200', '400', '404']);
    expect(Object.keys(report.delete?.responses ?? {}).sort()).toStrictEqual(['200', '404', '409']);
    expect(Object.keys(paths).sort()).toStrictEqual(
      Object.values(ROUTES)
        .map((route) => route.path)
        .sort(),
    );
    expect(Object.keys(fanOut?.post.responses ?? {}).sort()).toStrictEqual([
      '202',
      '400',
      '413',
      '500',
      '503',
    ]);
    for (const { post } of Object.values(paths)) {
      expect(Object.keys(post.responses).sort()).toStrictEqual([
        '200',
        '400',
        '403',
        '404',
        '409',
        '413',
        '429',
        '500',
        '502',
        '503',
        '504',
      ]);
    }
    expect(openApi.document.security).toStrictEqual([{ awsSigV4: [] }]);
  });

  it('describes the fan-out request: group IDs once each, and the message without GroupId', () => {
    const ajv = new Ajv2020({ strict: false });
    const schemas = (openApi.resolved.components as { schemas: Record<string, object> }).schemas;
    const validate = ajv.compile(schemas.FanOutRequest ?? {});
    const Message = { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }] };
    expect(validate({ GroupIds: ['a', '@TGS#2C5SZEAEF'], Message })).toBe(true);
    expect(validate({ GroupIds: ['a', 'a'], Message })).toBe(false);
    expect(validate({ GroupIds: [], Message })).toBe(false);
    expect(validate({ GroupIds: ['a'], Message: { ...Message, GroupId: 'a' } })).toBe(false);
  });

  it('accepts the seed examples, and rejects what the functions reject, with its request schemas', () => {
    const ajv = new Ajv2020({ strict: false });
    const examples = {
      send_group_msg: Object.values(SEED_GROUP_REQUESTS),
      send_broadcast_msg: [SEED_BROADCAST_REQUEST],
      send_text_msg: [SEED_TEXT_REQUEST],
      send_custom_msg: [SEED_CUSTOM_REQUEST],
    };
    const schemas = (openApi.resolved.components as { schemas: Record<string, object> }).schemas;
    for (const command of COMMANDS) {
      const validate = ajv.compile(schemas[ROUTES[command.name].schema] ?? {});
      for (const example of examples[command.name]) {
        expect(validate(example)).toBe(true);
        expect(validateRequest<object>(command, example)).toStrictEqual(example);
        expect(validate({ ...example, Unknown: 1 })).toBe(false);
      }
    }
  });
});

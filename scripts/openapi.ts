import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import * as z from 'zod/mini';
import { COMMANDS, type CommandName } from '../lib/commands/index.ts';
import { HTTP_STATUS } from '../lib/errors.ts';
import { GROUP_ID, MAX_GROUP_IDS } from '../lib/fan-out/request.ts';
import { UINT32_MAX } from '../lib/schemas/fields.ts';
import { MESSAGE_BYTES_LIMIT } from '../lib/validation.ts';
import {
  fanOutFinishedDetail,
  fanOutReport,
  REPORT_PATH,
  reportOperations,
} from './openapi-fanout-reports.ts';

/**
 * Writes openapi.yaml (OpenAPI 3.1). The request schemas are produced from the very zod schemas
 * the functions validate with; `npm test` fails when the file is stale (`npm run openapi`).
 */

const ROUTES: Record<
  CommandName,
  { path: string; schema: string; summary: string; example: object }
> = {
  send_group_msg: {
    path: '/v1/group-messages',
    schema: 'SendGroupMsgRequest',
    summary: 'Send a message into a group (send_group_msg)',
    example: {
      GroupId: '@TGS#2C5SZEAEF',
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'Your order has shipped' } }],
    },
  },
  send_broadcast_msg: {
    path: '/v1/broadcast-messages',
    schema: 'SendBroadcastMsgRequest',
    summary: 'Send one message to every live-stream (AVChatRoom) group (send_broadcast_msg)',
    example: {
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'We go live in 5 minutes' } }],
    },
  },
  send_text_msg: {
    path: '/v1/room-text-messages',
    schema: 'SendTextMsgRequest',
    summary: 'Send a text message in a live room (send_text_msg)',
    example: {
      RoomId: 'room1',
      Sender_Account: 'host',
      TextContent: 'Welcome to the show',
      ExtensionInfo: '{"color":"gold"}',
    },
  },
  send_custom_msg: {
    path: '/v1/room-custom-messages',
    schema: 'SendCustomMsgRequest',
    summary: 'Send a custom event in a live room (send_custom_msg)',
    example: { RoomId: 'room1', BusinessId: 'gift', Data: '{"gift":"rose","count":3}' },
  },
};

const GROUP_COMMANDS = new Set<CommandName>(['send_group_msg', 'send_broadcast_msg']);

const RULES_BEYOND_THE_SCHEMA = [
  `The message, counted as the UTF-8 bytes of the JSON of MsgBody plus CloudCustomData, is at most ${MESSAGE_BYTES_LIMIT} bytes (live-room messages as Tencent wraps them).`,
  'Account IDs are at most 32 bytes and group IDs at most 48 bytes (UTF-8).',
  'MsgBody holds at most one TIMCustomElem.',
  'GroupAtInfo: GroupAt_Account is required unless GroupAtAllFlag is 1 (@all), and absent with 1.',
  'SendMsgControl is not allowed with OnlineOnlyFlag 1.',
  'ExtensionInfo must itself be JSON text.',
];

const requestSchema = (command: (typeof COMMANDS)[number]) => {
  const { $schema: _, ...schema } = z.toJSONSchema(command.schema, { target: 'draft-2020-12' });
  return schema;
};

const ERROR_CODES = Object.keys(HTTP_STATUS);

const commandName = { type: 'string', enum: Object.keys(ROUTES) };
const bodyRandom = (description: string) => ({
  type: 'integer',
  minimum: 0,
  maximum: UINT32_MAX,
  description,
});

const fieldProblem = {
  type: 'object',
  required: ['path', 'message'],
  additionalProperties: false,
  properties: { path: { type: 'string' }, message: { type: 'string' } },
};

const warnings = {
  type: 'array',
  description:
    'Fields Tencent does not document, sent to Tencent as given (TENCENT_CHAT_UNKNOWN_FIELDS=forward); each names the documented field probably meant',
  items: fieldProblem,
};

const successResult = {
  type: 'object',
  required: ['ok', 'command', 'msgSeq'],
  additionalProperties: false,
  properties: {
    ok: { const: true },
    command: commandName,
    msgSeq: { type: 'integer', description: "Tencent's sequence number of the message" },
    msgTime: { type: 'integer', description: 'Unix time Tencent gave the message' },
    random: bodyRandom('The body Random (group and broadcast)'),
    requestId: { type: 'string', description: "Tencent's RequestId (live rooms)" },
    replayed: {
      const: true,
      description: 'Taken from the idempotency table: this request sent nothing',
    },
    warnings,
  },
};

const failureResult = {
  type: 'object',
  required: ['ok', 'command', 'error'],
  additionalProperties: false,
  properties: {
    ok: { const: false },
    command: commandName,
    random: bodyRandom('The Random the send used; retry with it to stay de-duplicated'),
    replayed: {
      const: true,
      description:
        'The first send’s stored failure (its outcome unknown): this request sent nothing',
    },
    warnings,
    error: {
      type: 'object',
      required: ['code', 'message', 'retryable', 'details'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', enum: ERROR_CODES },
        message: { type: 'string' },
        retryable: { type: 'boolean' },
        tencentCode: {
          type: 'integer',
          description: "Tencent's ErrorCode (0 with a MsgDropReason)",
        },
        tencentInfo: { type: 'string' },
        requestId: { type: 'string' },
        details: { type: 'array', items: fieldProblem },
      },
    },
  },
};

const FAILURE_EXAMPLES: Record<
  number,
  { code: string; message: string; tencentCode?: number; details?: object[] }
> = {
  400: {
    code: 'INVALID_REQUEST',
    message: 'Invalid request: MsgBody: must hold at least one element',
    details: [{ path: 'MsgBody', message: 'must hold at least one element' }],
  },
  403: { code: 'FORBIDDEN', message: 'Tencent refused the message (10007)', tencentCode: 10007 },
  404: { code: 'NOT_FOUND', message: 'Tencent refused the message (10010)', tencentCode: 10010 },
  409: {
    code: 'IDEMPOTENCY_CONFLICT',
    message: 'This idempotency key was already used with a different request',
  },
  413: {
    code: 'PAYLOAD_TOO_LARGE',
    message: 'The message is 12840 bytes; Tencent accepts at most 12000',
    details: [{ path: 'MsgBody', message: '12840 bytes, over the limit of 12000' }],
  },
  429: { code: 'RATE_LIMITED', message: 'Tencent refused the message (10023)', tencentCode: 10023 },
  500: {
    code: 'CONFIGURATION_ERROR',
    message: 'Environment variable TENCENT_CHAT_SECRET_ID is required',
  },
  502: {
    code: 'UPSTREAM_ERROR',
    message: 'Tencent refused the message (80001)',
    tencentCode: 80001,
  },
  503: { code: 'UPSTREAM_UNAVAILABLE', message: 'Tencent answered HTTP 502' },
  504: { code: 'UPSTREAM_TIMEOUT', message: 'Tencent did not answer within the time budget' },
};

const STATUS_TEXT: Record<number, string> = {
  400: 'The request failed the checks; nothing was sent (INVALID_REQUEST)',
  403: 'Tencent refused: no permission, muted sender, rejected by callback (FORBIDDEN)',
  404: 'The group or room does not exist (NOT_FOUND)',
  409: 'With the idempotency table: the key was used with another request (IDEMPOTENCY_CONFLICT), or its first send is still under way (IN_PROGRESS, retryable, with Retry-After)',
  413: 'The message is over the 12 KB limit (PAYLOAD_TOO_LARGE)',
  429: 'Rate limited, or dropped by frequency control (RATE_LIMITED)',
  500: 'Configuration error (CONFIGURATION_ERROR) or a defect (INTERNAL_ERROR)',
  502: 'Tencent answered with another error, or not with its JSON (UPSTREAM_ERROR)',
  503: 'Tencent is unavailable, after retries (UPSTREAM_UNAVAILABLE)',
  504: 'No answer within the time budget (UPSTREAM_TIMEOUT)',
};

const retryAfter = {
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer' },
  },
};

/** The optional Idempotency-Key header, with what it does on the route. */
const idempotencyKeyParameter = (description: string) => ({
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description,
  schema: { type: 'string', minLength: 1 },
});

const operation = (command: (typeof COMMANDS)[number]) => {
  const route = ROUTES[command.name];
  const success = {
    ok: true,
    command: command.name,
    msgSeq: 25,
    ...(command.name !== 'send_broadcast_msg' && { msgTime: 1750074420 }),
    ...(GROUP_COMMANDS.has(command.name)
      ? { random: 8912345 }
      : { requestId: 'Id-ec3f…-O-Seq-2433650' }),
  };
  const failures = Object.fromEntries(
    Object.entries(FAILURE_EXAMPLES).map(([status, error]) => [
      status,
      {
        description: STATUS_TEXT[Number(status)],
        ...(Number(status) === 429 || Number(status) === 503 ? { headers: retryAfter } : {}),
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/FailureResult' },
            example: {
              ok: false,
              command: command.name,
              error: { retryable: [429, 503, 504].includes(Number(status)), details: [], ...error },
            },
          },
        },
      },
    ]),
  );
  return {
    post: {
      operationId: command.name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
      summary: route.summary,
      description: `Sends Tencent's \`v4/${command.service}/${command.name}\`. The body is that command's JSON, with Tencent's field names, sent to Tencent as written (only \`Random\` is added when absent). A field Tencent does not document is rejected, and its detail names the documented field probably meant; with \`TENCENT_CHAT_UNKNOWN_FIELDS=forward\` it is sent as given and listed in the result's \`warnings\`. Also checked:\n\n${RULES_BEYOND_THE_SCHEMA.map((rule) => `- ${rule}`).join('\n')}`,
      parameters: [
        idempotencyKeyParameter(
          GROUP_COMMANDS.has(command.name)
            ? 'The same key always gives the same body Random, so Tencent delivers a repeated request once within five minutes; with the idempotency table on, a key sends at most once in its lifetime (default 24 hours) and a repeat gets the first result with replayed: true.'
            : 'With the idempotency table on, a key sends at most once in its lifetime (default 24 hours) and a repeat gets the first result with replayed: true.',
        ),
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { $ref: `#/components/schemas/${route.schema}` },
            example: route.example,
          },
        },
      },
      responses: {
        200: {
          description: 'Tencent took the message',
          content: {
            'application/json': {
              schema: { $ref: '#/components/schemas/SuccessResult' },
              example: success,
            },
          },
        },
        ...failures,
      },
    },
  };
};

/** `POST /v1/group-fanouts`: one message for many groups, queued (README, "Endpoints"). */
const FAN_OUT_PATH = '/v1/group-fanouts';
const FAN_OUT_STATUSES = [400, 413, 500, 503] as const;

const fanOutRequestSchema = () => {
  const sendGroupMsg = COMMANDS.find((command) => command.name === 'send_group_msg');
  if (!sendGroupMsg) throw new Error('send_group_msg is missing');
  const group = requestSchema(sendGroupMsg) as {
    properties: Record<string, unknown>;
    required: string[];
  };
  const { GroupId: _groupId, ...properties } = group.properties;
  return {
    type: 'object',
    required: ['GroupIds', 'Message'],
    additionalProperties: false,
    properties: {
      GroupIds: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_GROUP_IDS,
        uniqueItems: true,
        items: { type: 'string', pattern: GROUP_ID.source },
        description: 'The groups, each once: 1 to 48 printable ASCII characters',
      },
      Message: {
        ...group,
        properties,
        required: group.required.filter((name) => name !== 'GroupId'),
        description:
          'Every send_group_msg field but GroupId, checked once as send_group_msg checks it',
      },
    },
  };
};

const fanOutOperation = () => ({
  post: {
    operationId: 'fanOutGroupMsg',
    summary: `One message for up to ${MAX_GROUP_IDS.toLocaleString('en-US')} groups, queued and sent in queue mode`,
    description:
      'Checks the message once and puts one send_group_msg per group on the send-group-msg queue, with the idempotency key `<fanoutId>:<GroupId>`; answers 202 once all are queued. All or nothing: a 503 says how many were queued, and repeating the fan-out under the same Idempotency-Key queues the rest without second copies.',
    parameters: [
      idempotencyKeyParameter(
        'Becomes the fanoutId; a repeat under the same key gives no group a second copy.',
      ),
    ],
    requestBody: {
      required: true,
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/FanOutRequest' },
          example: {
            GroupIds: ['@TGS#2C5SZEAEF', 'demo-work-group'],
            Message: {
              MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'Hello, groups' } }],
            },
          },
        },
      },
    },
    responses: {
      202: {
        description: 'Every group’s message is queued',
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/FanOutResult' },
            example: { ok: true, command: 'send_group_msg', fanoutId: 'campaign-42', queued: 2 },
          },
        },
      },
      ...Object.fromEntries(
        FAN_OUT_STATUSES.map((status) => [
          status,
          {
            description:
              status === 503
                ? 'Not every group’s message could be queued; the message says how many were (UPSTREAM_UNAVAILABLE)'
                : STATUS_TEXT[status],
            ...(status === 503 ? { headers: retryAfter } : {}),
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/FailureResult' } },
            },
          },
        ]),
      ),
    },
  },
});

const fanOutResult = {
  type: 'object',
  required: ['ok', 'command', 'fanoutId', 'queued'],
  additionalProperties: false,
  properties: {
    ok: { const: true },
    command: { const: 'send_group_msg' },
    fanoutId: { type: 'string', description: 'The fan-out’s idempotency key, else a fresh UUID' },
    queued: { type: 'integer', minimum: 1, description: 'Messages queued, one per group' },
    warnings,
  },
};

const buildDocument = () => ({
  openapi: '3.1.0',
  info: {
    title: 'Tencent Chat sender',
    version: '1.0.0',
    description:
      'Sends messages into Tencent Cloud Chat groups and TRTC live rooms from AWS. Every route requires AWS IAM (SigV4) authorization.',
  },
  servers: [
    {
      url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
      variables: { apiId: { default: 'api-id' }, region: { default: 'us-east-1' } },
    },
  ],
  security: [{ awsSigV4: [] }],
  paths: {
    ...Object.fromEntries(
      COMMANDS.map((command) => [ROUTES[command.name].path, operation(command)]),
    ),
    [FAN_OUT_PATH]: fanOutOperation(),
    [REPORT_PATH]: reportOperations(),
  },
  components: {
    securitySchemes: {
      awsSigV4: {
        type: 'apiKey',
        name: 'Authorization',
        in: 'header',
        description:
          'AWS Signature Version 4 with credentials allowed execute-api:Invoke on the route',
        'x-amazon-apigateway-authtype': 'awsSigv4',
      },
    },
    schemas: {
      ...Object.fromEntries(
        COMMANDS.map((command) => [ROUTES[command.name].schema, requestSchema(command)]),
      ),
      FanOutRequest: fanOutRequestSchema(),
      SuccessResult: successResult,
      FanOutResult: fanOutResult,
      FailureResult: failureResult,
      FanOutReport: fanOutReport,
      FanOutFinishedDetail: fanOutFinishedDetail,
    },
  },
});

const OPENAPI_FILE = fileURLToPath(new URL('../openapi.yaml', import.meta.url));

const renderOpenApi = (): string =>
  `# Generated by \`npm run openapi\` from lib/schemas; do not edit by hand.\n${stringify(buildDocument(), { lineWidth: 0, aliasDuplicateObjects: false })}`;

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(OPENAPI_FILE, renderOpenApi());
  console.log(`wrote ${OPENAPI_FILE}`);
}

export { FAN_OUT_PATH, OPENAPI_FILE, ROUTES, renderOpenApi };

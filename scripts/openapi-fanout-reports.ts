import { FAILURES_PER_PAGE } from '../lib/fan-out/report-read.ts';

/**
 * The fan-out report routes of openapi.yaml: GET and DELETE /v1/group-fanouts/{fanoutId}
 * (docs/fan-out-reports.md), and their schemas.
 */

const REPORT_PATH = '/v1/group-fanouts/{fanoutId}';

const count = (description: string) => ({ type: 'integer', minimum: 0, description });

const reportProperties = {
  fanoutId: { type: 'string' },
  state: {
    type: 'string',
    enum: ['sending', 'done', 'cancelled'],
    description: '`sending` while groups are pending, then `done`; `cancelled` after a cancel',
  },
  total: count('Groups in the fan-out; total = sent + failed + cancelled + pending'),
  sent: count('Groups whose message Tencent took'),
  failed: count('Groups whose send failed for good'),
  cancelled: count('Groups skipped after a cancel'),
  pending: count('Groups without an outcome yet'),
  createdAt: { type: 'string', format: 'date-time' },
  cancelledAt: { type: 'string', format: 'date-time' },
  finishedAt: { type: 'string', format: 'date-time', description: 'Once pending is 0' },
};

const REPORT_REQUIRED = [
  'fanoutId',
  'state',
  'total',
  'sent',
  'failed',
  'cancelled',
  'pending',
  'createdAt',
];

const fanOutReport = {
  type: 'object',
  required: ['ok', ...REPORT_REQUIRED, 'failures'],
  additionalProperties: false,
  properties: {
    ok: { const: true },
    ...reportProperties,
    failures: {
      type: 'array',
      maxItems: FAILURES_PER_PAGE,
      description: `Each failed group once, at most ${FAILURES_PER_PAGE} per answer`,
      items: {
        type: 'object',
        required: ['GroupId', 'code'],
        additionalProperties: false,
        properties: {
          GroupId: { type: 'string' },
          code: { type: 'string', description: 'The error code of the send (contract errors)' },
          tencentCode: { type: 'integer', description: "Tencent's ErrorCode, when there is one" },
        },
      },
    },
    nextCursor: { type: 'string', description: 'Pass back as `?cursor=` for the next failures' },
  },
};

/** The detail of the "Group fan-out finished" EventBridge event: the report without its failures. */
const fanOutFinishedDetail = {
  type: 'object',
  required: REPORT_REQUIRED,
  additionalProperties: false,
  properties: reportProperties,
};

const example = {
  ok: true,
  fanoutId: 'campaign-42',
  state: 'sending',
  total: 10000,
  sent: 9310,
  failed: 12,
  cancelled: 0,
  pending: 678,
  createdAt: '2026-12-05T09:00:00.000Z',
  failures: [{ GroupId: 'old-group-17', code: 'NOT_FOUND', tencentCode: 10010 }],
};

const failure = (description: string, code: string, message: string) => ({
  description,
  content: {
    'application/json': {
      schema: { $ref: '#/components/schemas/FailureResult' },
      example: {
        ok: false,
        command: 'send_group_msg',
        error: { code, message, retryable: false, details: [] },
      },
    },
  },
});

const fanoutIdParameter = {
  name: 'fanoutId',
  in: 'path',
  required: true,
  description: 'The fanoutId the fan-out answered with (its idempotency key, or a UUID)',
  schema: { type: 'string', minLength: 1 },
};

const reportOperations = () => ({
  parameters: [fanoutIdParameter],
  get: {
    operationId: 'getGroupFanout',
    summary: "A fan-out's report: counts, state and failures",
    description: `Answers the report, kept 7 days by default. Failures come ${FAILURES_PER_PAGE} at a time; \`nextCursor\` gives the next page.`,
    parameters: [
      {
        name: 'cursor',
        in: 'query',
        required: false,
        description: 'The nextCursor of the previous answer',
        schema: { type: 'string' },
      },
    ],
    responses: {
      200: {
        description: 'The report',
        content: {
          'application/json': { schema: { $ref: '#/components/schemas/FanOutReport' }, example },
        },
      },
      400: failure(
        'A cursor this API did not give (INVALID_REQUEST)',
        'INVALID_REQUEST',
        'Invalid request: cursor: is not a cursor this API gave (pass nextCursor as given)',
      ),
      404: failure('No such fan-out (NOT_FOUND)', 'NOT_FOUND', 'No fan-out "campaign-41" is known'),
    },
  },
  delete: {
    operationId: 'cancelGroupFanout',
    summary: 'Cancel what a fan-out has not sent yet',
    description:
      'Once this answers 200, no group of the fan-out whose send had not started is sent: the groups still queued are counted `cancelled` as their messages are received; a send already under way finishes and counts as sent or failed. Answers with the report.',
    responses: {
      200: {
        description: 'Cancelled; the report, state `cancelled`',
        content: {
          'application/json': {
            schema: { $ref: '#/components/schemas/FanOutReport' },
            example: { ...example, state: 'cancelled', cancelledAt: '2026-12-05T09:01:00.000Z' },
          },
        },
      },
      404: failure('No such fan-out (NOT_FOUND)', 'NOT_FOUND', 'No fan-out "campaign-41" is known'),
      409: failure(
        'Nothing left to send (FANOUT_FINISHED)',
        'FANOUT_FINISHED',
        'Fan-out "campaign-42" has nothing left to send (9988 sent, 12 failed, 0 cancelled)',
      ),
    },
  },
});

export { fanOutFinishedDetail, fanOutReport, REPORT_PATH, reportOperations };

import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureResult } from '../../lib/results.ts';
import { recordSend } from '../../lib/send-metrics.ts';
import { captureOutput } from '../support/output.ts';

/**
 * `serverless package`, run as `npm run package` runs it (no AWS account, credentials or
 * network), and the CloudFormation template it writes (contract section 7).
 */

const run = promisify(execFile);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type Policy = { PolicyDocument: { Statement: Statement[] } };
// CloudFormation JSON is read by path here; the assertions themselves check its shapes.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Resource = { Type: string; Condition?: string; Properties: Record<string, any> };
type Template = { Resources: Record<string, Resource>; Conditions: Record<string, unknown> };

const FUNCTIONS = {
  SendGroupMsg: { dist: 'send-group-msg', route: 'POST /v1/group-messages' },
  SendBroadcastMsg: { dist: 'send-broadcast-msg', route: 'POST /v1/broadcast-messages' },
  SendTextMsg: { dist: 'send-text-msg', route: 'POST /v1/room-text-messages' },
  SendCustomMsg: { dist: 'send-custom-msg', route: 'POST /v1/room-custom-messages' },
};
const FAN_OUT = { dist: 'fan-out-group-msg', route: 'POST /v1/group-fanouts' };
const REPORTS = {
  GetGroupFanout: { dist: 'get-group-fanout', route: 'GET /v1/group-fanouts/{fanoutId}' },
  CancelGroupFanout: { dist: 'cancel-group-fanout', route: 'DELETE /v1/group-fanouts/{fanoutId}' },
};
const ROUTES = [...Object.values(FUNCTIONS), FAN_OUT, ...Object.values(REPORTS)].map(
  (f) => f.route,
);
/** Every function's logical name and the role the template gives it alone. */
const ROLES: Record<string, string> = {
  SendGroupMsg: 'SendGroupMsgRole',
  SendBroadcastMsg: 'SendBroadcastMsgRole',
  SendTextMsg: 'SendTextMsgRole',
  SendCustomMsg: 'SendCustomMsgRole',
  FanOutGroupMsg: 'FanOutRole',
  GetGroupFanout: 'GetGroupFanoutRole',
  CancelGroupFanout: 'CancelGroupFanoutRole',
};
const DIST: Record<string, string> = {
  ...Object.fromEntries(Object.entries(FUNCTIONS).map(([name, { dist }]) => [name, dist])),
  FanOutGroupMsg: FAN_OUT.dist,
  ...Object.fromEntries(Object.entries(REPORTS).map(([name, { dist }]) => [name, dist])),
};

/**
 * osls refuses to package a function whose patterns match no file. Until the report functions'
 * bundles are built, an empty module stands in for each (in dist/, never committed), removed after.
 */
const placeholders: string[] = [];
const ensureBundles = async (): Promise<void> => {
  for (const { dist } of Object.values(REPORTS)) {
    const folder = join('dist', dist);
    const present = await access(join(folder, 'index.mjs')).then(
      () => true,
      () => false,
    );
    if (present) continue;
    const created = await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'index.mjs'), 'export const handler = async () => ({});\n');
    placeholders.push(created ? folder : join(folder, 'index.mjs'));
  }
};

const packageService = async (
  params: string[] = [],
): Promise<{ template: Template; dir: string }> => {
  const dir = await mkdtemp(join(tmpdir(), 'sls-package-'));
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')),
  ) as NodeJS.ProcessEnv;
  await run(
    'npx',
    [
      'serverless',
      'package',
      '--stage',
      'prod',
      '--package',
      dir,
      ...params.flatMap((p) => ['--param', p]),
    ],
    {
      env: { ...env, AWS_SDK_LOAD_CONFIG: '0', HOME: dir },
    },
  );
  const template = JSON.parse(
    await readFile(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'),
  );
  return { template, dir };
};

const ofType = (template: Template, type: string) =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

const statementsOf = (template: Template) =>
  ofType(template, 'AWS::IAM::Role')
    .flatMap(([, role]) =>
      (role.Properties.Policies ?? []).flatMap((policy: Policy) => policy.PolicyDocument.Statement),
    )
    .concat(
      ofType(template, 'AWS::IAM::Policy').flatMap(
        ([, policy]) => policy.Properties.PolicyDocument.Statement,
      ),
    );

/** CloudFormation's `${...}`, written as `%{...}` so that it does not read as a template literal. */
const cloudFormationSub = (text: string): string => text.replaceAll('%{', '${');

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

const byJson = (a: unknown, b: unknown): number =>
  JSON.stringify(a).localeCompare(JSON.stringify(b));

let plain: { template: Template; dir: string };
let variant: { template: Template; dir: string };

describe('The packaged CloudFormation template', () => {
  beforeAll(async () => {
    await ensureBundles();
    // One after the other: two packagings of one service folder at once get in each other's way.
    plain = await packageService();
    variant = await packageService([
      'authorizer=jwt',
      'jwtIssuerUrl=https://issuer.example.com',
      'jwtAudience=chat-api',
      'secretId=arn:aws:secretsmanager:eu-west-1:111122223333:secret:chat-AbCdEf',
      'secretKmsKeyArn=arn:aws:kms:eu-west-1:111122223333:key/1234',
      'idempotency=on',
      'idempotencyLifetimeSeconds=3600',
      'mergeBroadcasts=true',
      'alarmSubscriptionEndpoint=ops@example.com',
      'failureAlarmTopicArn=arn:aws:sns:eu-west-1:111122223333:pager',
      'eventBusName=chat-events',
      'queueMaxReceiveCount=7',
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([plain, variant].map(({ dir }) => rm(dir, { recursive: true, force: true })));
    await Promise.all(placeholders.map((path) => rm(path, { recursive: true, force: true })));
  });

  it('has the four send functions, the fan-out and its report functions on nodejs24.x, arm64, each with its own bundle and handler', () => {
    const functions = ofType(plain.template, 'AWS::Lambda::Function');
    expect(functions.map(([id]) => id).sort()).toStrictEqual(
      Object.keys(DIST)
        .map((name) => `${name}LambdaFunction`)
        .sort(),
    );
    for (const [name, dist] of Object.entries(DIST)) {
      expect(plain.template.Resources[`${name}LambdaFunction`]?.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: `dist/${dist}/index.handler`,
      });
    }
    for (const [name, { dist }] of Object.entries(FUNCTIONS)) {
      const fn = plain.template.Resources[`${name}LambdaFunction`]?.Properties;
      expect(fn).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: `dist/${dist}/index.handler`,
        MemorySize: 256,
        Timeout: 10,
      });
      expect(fn?.Environment.Variables).toMatchObject({
        TENCENT_CHAT_SECRET_ID: 'tencent-chat/admin',
        TENCENT_CHAT_REGION: 'singapore',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('packages each function alone: its bundle, the chunks it may load, and their source maps', async () => {
    const { stdout } = await run('unzip', ['-Z1', join(plain.dir, 'sendTextMsg.zip')]).catch(
      async () => {
        // No unzip on the machine: read the zip's central directory names directly.
        const zip = await readFile(join(plain.dir, 'sendTextMsg.zip'));
        return {
          stdout: [...zip.toString('latin1').matchAll(/dist\/[\w./-]+/g)]
            .map((m) => m[0])
            .join('\n'),
        };
      },
    );
    const files = [...new Set(stdout.trim().split('\n'))].sort();
    expect(files).toContain('dist/send-text-msg/index.mjs');
    expect(files).toContain('dist/send-text-msg/index.mjs.map');
    expect(
      files.some((file) => /^dist\/send-text-msg\/chunks\/idempotency-table-\w+\.mjs$/.test(file)),
    ).toBe(true);
    for (const file of files)
      expect(file).toMatch(/^dist\/send-text-msg\/(chunks\/)?[\w.-]+\.mjs(\.map)?$/);
  });

  it('routes the seven paths, every one with AWS_IAM authorization', () => {
    const routes = ofType(plain.template, 'AWS::ApiGatewayV2::Route').map(
      ([, route]) => route.Properties,
    );
    expect(routes.map((route) => route.RouteKey).sort()).toStrictEqual([...ROUTES].sort());
    for (const route of routes) expect(route.AuthorizationType).toBe('AWS_IAM');
  });

  it('uses a JWT authorizer on every route when the authorizer parameter says so', () => {
    const routes = ofType(variant.template, 'AWS::ApiGatewayV2::Route').map(
      ([, route]) => route.Properties,
    );
    expect(routes).toHaveLength(7);
    for (const route of routes) expect(route.AuthorizationType).toBe('JWT');
    const [[, authorizer]] = ofType(variant.template, 'AWS::ApiGatewayV2::Authorizer') as [
      [string, Resource],
    ];
    expect(authorizer.Properties.JwtConfiguration).toStrictEqual({
      Audience: ['chat-api'],
      Issuer: 'https://issuer.example.com',
    });
  });

  it('has no IAM statement with a * action or a * resource', () => {
    for (const { template } of [plain, variant]) {
      const statements = statementsOf(template);
      expect(statements.length).toBeGreaterThan(0);
      for (const statement of statements) {
        for (const action of asList(statement.Action))
          expect(String(action)).not.toMatch(/^\*$|:\*$/);
        for (const resource of asList(statement.Resource)) expect(resource).not.toBe('*');
      }
    }
  });

  it('gives each function a role of its own, and no shared execution role', () => {
    expect(plain.template.Resources.IamRoleLambdaExecution).toBeUndefined();
    for (const [name, role] of Object.entries(ROLES)) {
      expect(plain.template.Resources[`${name}LambdaFunction`]?.Properties.Role).toStrictEqual({
        'Fn::GetAtt': [role, 'Arn'],
      });
      expect(
        plain.template.Resources[role]?.Properties.AssumeRolePolicyDocument.Statement,
      ).toStrictEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      ]);
    }
    expect(new Set(Object.values(ROLES)).size).toBe(Object.keys(ROLES).length);
    // Each event source mapping waits for its function's role, which holds its queue permissions.
    for (const name of Object.keys(FUNCTIONS)) {
      const [[, mapping]] = ofType(plain.template, 'AWS::Lambda::EventSourceMapping').filter(
        ([, candidate]) =>
          candidate.Properties.FunctionName['Fn::GetAtt'][0] === `${name}LambdaFunction`,
      ) as [[string, Resource]];
      expect(asList((mapping as Resource & { DependsOn: unknown }).DependsOn)).toContain(
        ROLES[name],
      );
    }
  });

  it('grants each role exactly what its function calls, on its own resources only', () => {
    const secret = {
      'Fn::If': [
        'SecretIdIsArn',
        'tencent-chat/admin',
        {
          'Fn::Sub': cloudFormationSub(
            'arn:%{AWS::Partition}:secretsmanager:%{AWS::Region}:%{AWS::AccountId}:secret:tencent-chat/admin-??????',
          ),
        },
      ],
    };
    const arn = (resource: string) => ({ 'Fn::GetAtt': [resource, 'Arn'] });
    const consumer = [
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ];
    const sender = (name: string) => [
      { actions: ['secretsmanager:GetSecretValue'], resource: secret },
      { actions: consumer, resource: arn(`${name}Queue`) },
    ];
    const expected: Record<string, { actions: string[]; resource: unknown }[]> = {
      SendGroupMsg: [
        ...sender('SendGroupMsg'),
        {
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          resource: arn('FanoutTable'),
        },
        {
          actions: ['events:PutEvents'],
          resource: {
            'Fn::Sub': cloudFormationSub(
              'arn:%{AWS::Partition}:events:%{AWS::Region}:%{AWS::AccountId}:event-bus/default',
            ),
          },
        },
      ],
      SendBroadcastMsg: sender('SendBroadcastMsg'),
      SendTextMsg: sender('SendTextMsg'),
      SendCustomMsg: sender('SendCustomMsg'),
      FanOutGroupMsg: [
        { actions: ['sqs:SendMessage'], resource: arn('SendGroupMsgQueue') },
        { actions: ['dynamodb:PutItem'], resource: arn('FanoutTable') },
      ],
      GetGroupFanout: [
        {
          actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'],
          resource: arn('FanoutTable'),
        },
      ],
      CancelGroupFanout: [
        {
          actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
          resource: arn('FanoutTable'),
        },
      ],
    };
    for (const [name, role] of Object.entries(ROLES)) {
      const statements: Statement[] = plain.template.Resources[role]?.Properties.Policies.flatMap(
        (policy: Policy) => policy.PolicyDocument.Statement,
      );
      const granted = statements.map((statement) => ({
        actions: asList(statement.Action).map(String).sort(),
        resource: statement.Resource,
      }));
      const common = [
        {
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resource: {
            'Fn::Sub': cloudFormationSub(
              `arn:%{AWS::Partition}:logs:%{AWS::Region}:%{AWS::AccountId}:log-group:/aws/lambda/tencent-chat-sender-prod-${DIST[name]}:*`,
            ),
          },
        },
        // The on-failure destination of its asynchronous invocations.
        { actions: ['sqs:SendMessage'], resource: arn('FailedSendsQueue') },
      ];
      expect({ name, granted: granted.sort(byJson) }).toStrictEqual({
        name,
        granted: [...common, ...(expected[name] ?? [])].sort(byJson),
      });
      for (const statement of statements) expect(statement.Effect).toBe('Allow');
    }
  });

  it('puts the configured event bus into send-group-msg’s variable and its PutEvents grant alone', () => {
    const variables = (template: Template) =>
      template.Resources.SendGroupMsgLambdaFunction?.Properties.Environment.Variables;
    expect(variables(plain.template)).toMatchObject({
      TENCENT_CHAT_EVENT_BUS: 'default',
      TENCENT_CHAT_QUEUE_MAX_RECEIVES: '10',
      TENCENT_CHAT_FANOUT_TABLE: 'tencent-chat-sender-prod-fanouts',
    });
    expect(variables(variant.template)).toMatchObject({
      TENCENT_CHAT_EVENT_BUS: 'chat-events',
      TENCENT_CHAT_QUEUE_MAX_RECEIVES: '7',
    });
    expect(
      Number(
        variant.template.Resources.SendGroupMsgQueue?.Properties.RedrivePolicy.maxReceiveCount,
      ),
    ).toBe(7);
    const events = statementsOf(variant.template).filter((statement) =>
      asList(statement.Action).some((action) => String(action).startsWith('events:')),
    );
    expect(events).toStrictEqual([
      {
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: {
          'Fn::Sub': cloudFormationSub(
            'arn:%{AWS::Partition}:events:%{AWS::Region}:%{AWS::AccountId}:event-bus/chat-events',
          ),
        },
      },
    ]);
  });

  it('with a secret ARN and a customer key, grants that ARN and kms:Decrypt on that key through Secrets Manager, to the senders only', () => {
    for (const name of Object.keys(FUNCTIONS)) {
      const statements =
        variant.template.Resources[ROLES[name] as string]?.Properties.Policies[0].PolicyDocument
          .Statement;
      const secret = statements.find((statement: Statement) =>
        asList(statement.Action).includes('secretsmanager:GetSecretValue'),
      );
      expect(secret.Resource['Fn::If'][1]).toBe(
        'arn:aws:secretsmanager:eu-west-1:111122223333:secret:chat-AbCdEf',
      );
    }
    const readers = statementsOf(variant.template).filter((statement) =>
      asList(statement.Action).includes('secretsmanager:GetSecretValue'),
    );
    expect(readers).toHaveLength(4);
    expect(variant.template.Conditions.SecretIdIsArn).toStrictEqual({
      'Fn::Equals': [
        {
          'Fn::Select': [
            0,
            {
              'Fn::Split': [
                ':',
                'arn:aws:secretsmanager:eu-west-1:111122223333:secret:chat-AbCdEf',
              ],
            },
          ],
        },
        'arn',
      ],
    });
    const kms = variant.template.Resources.SecretKmsDecryptPolicy?.Properties;
    expect(kms?.PolicyDocument.Statement[0]).toMatchObject({
      Action: 'kms:Decrypt',
      Resource: 'arn:aws:kms:eu-west-1:111122223333:key/1234',
    });
    expect(kms?.Roles).toStrictEqual(Object.keys(FUNCTIONS).map((name) => ({ Ref: ROLES[name] })));
    expect(variant.template.Conditions.HasSecretKmsKey).toStrictEqual({
      'Fn::Not': [{ 'Fn::Equals': ['arn:aws:kms:eu-west-1:111122223333:key/1234', ''] }],
    });
    // Conditions: a name is not an ARN, and without a key the KMS policy is not created.
    expect(plain.template.Conditions.HasSecretKmsKey).toStrictEqual({
      'Fn::Not': [{ 'Fn::Equals': ['', ''] }],
    });
    expect(plain.template.Resources.SecretKmsDecryptPolicy?.Condition).toBe('HasSecretKmsKey');
  });

  it('keeps every function’s failed asynchronous invocations, the fan-out’s and the reports’ included, within the five-minute window', () => {
    const configs = ofType(plain.template, 'AWS::Lambda::EventInvokeConfig').map(
      ([, config]) => config.Properties,
    );
    expect(configs.map((config) => config.FunctionName.Ref).sort()).toStrictEqual(
      Object.keys(ROLES)
        .map((name) => `${name}LambdaFunction`)
        .sort(),
    );
    for (const config of configs) {
      expect(config.MaximumEventAgeInSeconds).toBeLessThanOrEqual(300);
      expect(config.MaximumRetryAttempts).toBe(2);
      expect(config.DestinationConfig).toStrictEqual({
        OnFailure: { Destination: { 'Fn::GetAtt': ['FailedSendsQueue', 'Arn'] } },
      });
    }
    expect(plain.template.Resources.FailedSendsQueue?.Properties.MessageRetentionPeriod).toBe(
      1_209_600,
    );
  });

  it('has a disabled broadcast schedule whose input is the envelope keyed by the scheduled time', () => {
    const schedule = plain.template.Resources.BroadcastSchedule?.Properties;
    expect(schedule?.State).toBe('DISABLED');
    expect(schedule?.Target.Arn).toStrictEqual({
      'Fn::GetAtt': ['SendBroadcastMsgLambdaFunction', 'Arn'],
    });
    expect(JSON.parse(schedule?.Target.Input)).toStrictEqual({
      request: {
        MsgBody: [
          {
            MsgType: 'TIMTextElem',
            MsgContent: { Text: 'Good morning from the scheduled broadcast' },
          },
        ],
      },
      idempotencyKey: 'scheduled-broadcast:<aws.scheduler.scheduled-time>',
    });
    expect(schedule?.Target.RetryPolicy.MaximumEventAgeInSeconds).toBeLessThanOrEqual(300);
    expect(schedule?.Target.DeadLetterConfig).toStrictEqual({
      Arn: { 'Fn::GetAtt': ['FailedSendsQueue', 'Arn'] },
    });
    const schedulerRole = plain.template.Resources.BroadcastSchedulerRole?.Properties;
    expect(schedulerRole?.Policies[0].PolicyDocument.Statement).toStrictEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': ['SendBroadcastMsgLambdaFunction', 'Arn'] },
      },
    ]);
  });

  it('keeps each function log group for the configured retention', () => {
    const groups = ofType(plain.template, 'AWS::Logs::LogGroup').map(
      ([, group]) => group.Properties,
    );
    expect(groups).toHaveLength(7);
    for (const group of groups) expect(group.RetentionInDays).toBe(30);
  });

  it('turns the idempotency table on only with its parameter, the variable naming it only then', () => {
    // Off by default: the table and its policy are conditional, the variable is left out.
    expect(plain.template.Conditions.IdempotencyOn).toStrictEqual({ 'Fn::Equals': ['off', 'on'] });
    expect(variant.template.Conditions.IdempotencyOn).toStrictEqual({ 'Fn::Equals': ['on', 'on'] });
    for (const { template } of [plain, variant]) {
      expect(template.Resources.IdempotencyTable?.Condition).toBe('IdempotencyOn');
      expect(template.Resources.IdempotencyTablePolicy?.Condition).toBe('IdempotencyOn');
    }
    for (const name of Object.keys(FUNCTIONS)) {
      const plainVariables =
        plain.template.Resources[`${name}LambdaFunction`]?.Properties.Environment.Variables;
      const onVariables =
        variant.template.Resources[`${name}LambdaFunction`]?.Properties.Environment.Variables;
      expect(plainVariables.TENCENT_CHAT_IDEMPOTENCY_TABLE).toStrictEqual({ Ref: 'AWS::NoValue' });
      expect(onVariables.TENCENT_CHAT_IDEMPOTENCY_TABLE).toBe(
        'tencent-chat-sender-prod-idempotency',
      );
      expect(onVariables.TENCENT_CHAT_IDEMPOTENCY_TTL_SECONDS).toBe('3600');
    }
  });

  it('makes the idempotency table on-demand, with a TTL on expiration and point-in-time recovery', () => {
    const table = variant.template.Resources.IdempotencyTable;
    expect(table?.Type).toBe('AWS::DynamoDB::Table');
    expect(table?.Properties).toMatchObject({
      TableName: 'tencent-chat-sender-prod-idempotency',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('lets the four senders get, put, update and delete items of that table alone', () => {
    const policy = variant.template.Resources.IdempotencyTablePolicy?.Properties;
    expect(policy?.Roles).toStrictEqual(
      Object.keys(FUNCTIONS).map((name) => ({ Ref: ROLES[name] })),
    );
    expect(policy?.PolicyDocument.Statement).toStrictEqual([
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ],
        Resource: { 'Fn::GetAtt': ['IdempotencyTable', 'Arn'] },
      },
    ]);
    // Besides it, only the fan-out table's grants, and no statement on any other table.
    const dynamoStatements = statementsOf(variant.template).filter((statement) =>
      asList(statement.Action).some((action) => String(action).startsWith('dynamodb:')),
    );
    const tables = dynamoStatements.map((statement) => JSON.stringify(statement.Resource));
    expect(tables.filter((table) => table.includes('IdempotencyTable'))).toHaveLength(1);
    expect(tables.filter((table) => !table.includes('IdempotencyTable'))).toStrictEqual(
      Array(4).fill(JSON.stringify({ 'Fn::GetAtt': ['FanoutTable', 'Arn'] })),
    );
  });

  it('always has the fan-out table, on-demand, with a TTL on expiration, named in the functions that use it', () => {
    expect(plain.template.Resources.FanoutTable?.Condition).toBeUndefined();
    expect(plain.template.Resources.FanoutTable?.Properties).toMatchObject({
      TableName: 'tencent-chat-sender-prod-fanouts',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
    for (const name of ['SendGroupMsg', 'FanOutGroupMsg', 'GetGroupFanout', 'CancelGroupFanout']) {
      expect(
        plain.template.Resources[`${name}LambdaFunction`]?.Properties.Environment.Variables
          .TENCENT_CHAT_FANOUT_TABLE,
      ).toBe('tencent-chat-sender-prod-fanouts');
    }
  });
  describe('queue mode', () => {
    const sendQueues = Object.keys(FUNCTIONS);

    it('has per send function a queue with a 14-day retention redriving to its own dead-letter queue', () => {
      for (const name of sendQueues) {
        const queue = plain.template.Resources[`${name}Queue`];
        const deadLetters = plain.template.Resources[`${name}DeadLetterQueue`];
        expect(queue?.Type).toBe('AWS::SQS::Queue');
        expect(deadLetters?.Type).toBe('AWS::SQS::Queue');
        expect(queue?.Properties).toMatchObject({
          MessageRetentionPeriod: 1_209_600,
          RedrivePolicy: {
            deadLetterTargetArn: { 'Fn::GetAtt': [`${name}DeadLetterQueue`, 'Arn'] },
            maxReceiveCount: 10,
          },
        });
        expect(deadLetters?.Properties.MessageRetentionPeriod).toBe(1_209_600);
      }
    });

    it('keeps each queue’s visibility timeout at six times its function’s timeout or more', () => {
      for (const name of sendQueues) {
        const timeout = plain.template.Resources[`${name}LambdaFunction`]?.Properties.Timeout;
        const visibility = plain.template.Resources[`${name}Queue`]?.Properties.VisibilityTimeout;
        expect(visibility).toBeGreaterThanOrEqual(6 * timeout);
      }
    });

    it('feeds each send function from its queue, reporting partial batch failures, under Tencent’s limits', () => {
      const mappings = ofType(plain.template, 'AWS::Lambda::EventSourceMapping').map(
        ([, mapping]) => mapping.Properties,
      );
      expect(mappings).toHaveLength(4);
      for (const name of sendQueues) {
        const mapping = mappings.find(
          (candidate) => candidate.EventSourceArn['Fn::GetAtt'][0] === `${name}Queue`,
        );
        expect(mapping).toMatchObject({
          FunctionName: { 'Fn::GetAtt': [`${name}LambdaFunction`, 'Arn'] },
          BatchSize: name === 'SendBroadcastMsg' ? 1 : 50,
          MaximumBatchingWindowInSeconds: 1,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        });
        const pace = Number(
          plain.template.Resources[`${name}LambdaFunction`]?.Properties.Environment.Variables
            .TENCENT_CHAT_QUEUE_SENDS_PER_SECOND,
        );
        const limit = name === 'SendBroadcastMsg' ? 1 : 200;
        expect(pace).toBeGreaterThan(0);
        expect(mapping?.ScalingConfig.MaximumConcurrency * pace).toBeLessThanOrEqual(limit);
      }
    });

    it('turns broadcast merging on only through its parameter', () => {
      const variables = (template: Template) =>
        template.Resources.SendBroadcastMsgLambdaFunction?.Properties.Environment.Variables;
      expect(variables(plain.template).TENCENT_CHAT_QUEUE_MERGE_BROADCASTS).toBe('false');
      expect(variables(variant.template).TENCENT_CHAT_QUEUE_MERGE_BROADCASTS).toBe('true');
    });

    it('gives the fan-out 20 s, 1024 MB and the send-group-msg queue’s URL', () => {
      const fn = plain.template.Resources.FanOutGroupMsgLambdaFunction?.Properties;
      expect(fn).toMatchObject({
        Handler: `dist/${FAN_OUT.dist}/index.handler`,
        Role: { 'Fn::GetAtt': ['FanOutRole', 'Arn'] },
      });
      expect(fn?.Timeout).toBeLessThan(30);
      expect(fn?.MemorySize).toBe(1024);
      expect(fn?.Environment.Variables.TENCENT_CHAT_GROUP_QUEUE_URL).toStrictEqual({
        Ref: 'SendGroupMsgQueue',
      });
    });
  });

  describe('alarms and the dashboard', () => {
    const alarms = (template: Template) =>
      Object.fromEntries(ofType(template, 'AWS::CloudWatch::Alarm'));
    const notifies = [
      { Ref: 'AlarmTopic' },
      { 'Fn::If': ['HasFailureAlarmTopic', '', { Ref: 'AWS::NoValue' }] },
    ];

    it('creates one topic, subscribes the configured endpoint to it, and sends every alarm there (and to an existing topic when given)', () => {
      expect(ofType(plain.template, 'AWS::SNS::Topic').map(([id]) => id)).toStrictEqual([
        'AlarmTopic',
      ]);
      // No endpoint, no subscription; with one, an e-mail subscription to the topic.
      expect(plain.template.Conditions.HasAlarmSubscription).toStrictEqual({
        'Fn::Not': [{ 'Fn::Equals': ['', ''] }],
      });
      const subscription = variant.template.Resources.AlarmSubscription;
      expect(subscription?.Condition).toBe('HasAlarmSubscription');
      expect(subscription?.Properties).toStrictEqual({
        TopicArn: { Ref: 'AlarmTopic' },
        Protocol: 'email',
        Endpoint: 'ops@example.com',
      });
      expect(variant.template.Conditions.HasAlarmSubscription).toStrictEqual({
        'Fn::Not': [{ 'Fn::Equals': ['ops@example.com', ''] }],
      });
      for (const alarm of Object.values(alarms(plain.template))) {
        expect(alarm.Properties.AlarmActions).toStrictEqual(notifies);
        expect(alarm.Properties.OKActions).toStrictEqual(notifies);
      }
      const pager = 'arn:aws:sns:eu-west-1:111122223333:pager';
      for (const alarm of Object.values(alarms(variant.template)))
        expect(alarm.Properties.AlarmActions[1]['Fn::If'][1]).toBe(pager);
      expect(variant.template.Conditions.HasFailureAlarmTopic).toStrictEqual({
        'Fn::Not': [{ 'Fn::Equals': [pager, ''] }],
      });
    });

    it('alarms as soon as a dead-letter queue or the failed-sends queue holds a message', () => {
      const queues = [
        ...Object.keys(FUNCTIONS).map((name) => `${name}DeadLetterQueue`),
        'FailedSendsQueue',
      ];
      const byQueue = Object.values(alarms(plain.template)).filter(
        (alarm) => alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible',
      );
      expect(
        byQueue.map((alarm) => alarm.Properties.Dimensions[0].Value['Fn::GetAtt'][0]).sort(),
      ).toStrictEqual(queues.sort());
      for (const alarm of byQueue) {
        expect(alarm.Properties).toMatchObject({
          Namespace: 'AWS/SQS',
          Statistic: 'Maximum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
        expect(alarm.Properties.Dimensions[0].Name).toBe('QueueName');
      }
    });

    it('alarms on each function’s errors and throttles', () => {
      for (const metric of ['Errors', 'Throttles']) {
        const watched = Object.values(alarms(plain.template)).filter(
          (alarm) => alarm.Properties.MetricName === metric,
        );
        expect(watched.map((alarm) => alarm.Properties.Dimensions).sort(byJson)).toStrictEqual(
          Object.keys(ROLES)
            .map((name) => [{ Name: 'FunctionName', Value: { Ref: `${name}LambdaFunction` } }])
            .sort(byJson),
        );
        for (const alarm of watched)
          expect(alarm.Properties).toMatchObject({
            Namespace: 'AWS/Lambda',
            Statistic: 'Sum',
            Threshold: 0,
            ComparisonOperator: 'GreaterThanThreshold',
          });
      }
    });

    it('alarms on a backlog: the oldest message of each send queue older than the threshold, five minutes running', () => {
      const backlog = Object.values(alarms(plain.template)).filter(
        (alarm) => alarm.Properties.MetricName === 'ApproximateAgeOfOldestMessage',
      );
      expect(
        backlog.map((alarm) => alarm.Properties.Dimensions[0].Value['Fn::GetAtt'][0]).sort(),
      ).toStrictEqual(
        Object.keys(FUNCTIONS)
          .map((name) => `${name}Queue`)
          .sort(),
      );
      for (const alarm of backlog)
        expect(alarm.Properties).toMatchObject({
          Namespace: 'AWS/SQS',
          Statistic: 'Maximum',
          Period: 60,
          EvaluationPeriods: 5,
          Threshold: 600,
          ComparisonOperator: 'GreaterThanThreshold',
        });
    });

    it('alarms on MessagesFailed with the namespace and dimensions the product actually writes', () => {
      // What the product writes for one failed send: its blob's namespace and dimension set.
      const output = captureOutput();
      try {
        recordSend(
          failureResult(
            'send_group_msg',
            {
              code: 'UPSTREAM_UNAVAILABLE',
              message: 'down',
              retryable: true,
              details: [],
            } as never,
            1,
          ),
          { attempts: 1, upstreamMs: 5 },
        );
      } finally {
        output.restore();
      }
      const blob = output
        .lines()
        .map((line) => JSON.parse(line))
        .find((candidate) => candidate.MessagesFailed !== undefined);
      const [written] = blob._aws.CloudWatchMetrics;
      const variables =
        plain.template.Resources.SendGroupMsgLambdaFunction?.Properties.Environment.Variables;
      expect(variables.POWERTOOLS_METRICS_NAMESPACE).toBe(written.Namespace);
      expect(variables.POWERTOOLS_SERVICE_NAME).toBe(blob.service);

      const alarm = alarms(plain.template).MessagesFailedAlarm?.Properties;
      expect(alarm?.MetricName).toBeUndefined();
      const [query] = alarm?.Metrics ?? [];
      const match =
        /^SELECT SUM\(MessagesFailed\) FROM SCHEMA\("([^"]+)", ([\w, ]+)\) WHERE service = '([^']+)'$/.exec(
          query.Expression,
        );
      expect(match).not.toBeNull();
      const [, namespace, keys, service] = match as RegExpExecArray;
      expect(namespace).toBe(written.Namespace);
      expect(written.Dimensions.map((set: string[]) => [...set].sort())).toContainEqual(
        keys?.split(', ').sort(),
      );
      expect(service).toBe(blob.service);
      expect(query).toMatchObject({ Period: 300, ReturnData: true });
      expect(alarm).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    });

    it('has one dashboard: sends, failures by code, retries, queue depth and age, duration per function, fan-out progress', () => {
      const [[, dashboard]] = ofType(plain.template, 'AWS::CloudWatch::Dashboard') as [
        [string, Resource],
      ];
      const body = JSON.parse(dashboard.Properties.DashboardBody['Fn::Sub']);
      const widgets: { type: string; properties: { title: string } }[] = body.widgets;
      const titled = (words: RegExp) => {
        const widget = widgets.find((candidate) => words.test(candidate.properties.title));
        expect(widget, String(words)).toBeDefined();
        // The widget as text, its expressions' quotes unescaped.
        return JSON.stringify(widget?.properties).replaceAll('\\"', '"');
      };
      expect(titled(/sent/i)).toContain('MetricName="MessagesSent"');
      expect(titled(/failed.*error code/i)).toContain(
        '{TencentChatSender,command,errorCode,service}',
      );
      expect(titled(/retries/i)).toContain('MetricName="Retries"');
      const depth = titled(/depth/i);
      const age = titled(/age of the oldest/i);
      for (const queue of Object.values(FUNCTIONS)) {
        expect(depth).toContain(`"tencent-chat-sender-prod-${queue.dist}"`);
        expect(depth).toContain(`"tencent-chat-sender-prod-${queue.dist}-dlq"`);
        expect(age).toContain(`"tencent-chat-sender-prod-${queue.dist}"`);
      }
      const duration = titled(/duration/i);
      for (const dist of Object.values(DIST))
        expect(duration).toContain(`"tencent-chat-sender-prod-${dist}"`);
      expect(titled(/fan-out progress/i)).toContain('NumberOfMessagesDeleted');
    });
  });
});

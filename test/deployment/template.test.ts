import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
const ROUTES = [...Object.values(FUNCTIONS), FAN_OUT].map((f) => f.route);

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

/** The four send queues, the only ones the send functions may read or change. */
const SEND_QUEUE_ARNS = ['SendBroadcastMsg', 'SendCustomMsg', 'SendGroupMsg', 'SendTextMsg'].map(
  (name) => ({ 'Fn::GetAtt': [`${name}Queue`, 'Arn'] }),
);

let plain: { template: Template; dir: string };
let variant: { template: Template; dir: string };

describe('The packaged CloudFormation template', () => {
  beforeAll(async () => {
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
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([plain, variant].map(({ dir }) => rm(dir, { recursive: true, force: true })));
  });

  it('has the four send functions and the fan-out on nodejs24.x, arm64, each with its own bundle and handler', () => {
    const functions = ofType(plain.template, 'AWS::Lambda::Function');
    expect(functions.map(([id]) => id).sort()).toStrictEqual(
      [...Object.keys(FUNCTIONS), 'FanOutGroupMsg'].map((name) => `${name}LambdaFunction`).sort(),
    );
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

  it('routes the five paths, every one with AWS_IAM authorization', () => {
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
    expect(routes).toHaveLength(5);
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

  it('lets the functions read exactly the one secret, and decrypt only with a configured key', () => {
    const role = plain.template.Resources.IamRoleLambdaExecution?.Properties;
    const statements = role?.Policies.flatMap((policy: Policy) => policy.PolicyDocument.Statement);
    const actions = statements.flatMap((statement: Statement) => asList(statement.Action)).sort();
    expect([...new Set(actions)]).toStrictEqual([
      'logs:CreateLogGroup',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'logs:TagResource',
      'secretsmanager:GetSecretValue',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
    const secret = statements.find((statement: Statement) =>
      asList(statement.Action).includes('secretsmanager:GetSecretValue'),
    );
    expect(secret.Resource).toStrictEqual({
      'Fn::If': [
        'SecretIdIsArn',
        'tencent-chat/admin',
        {
          'Fn::Sub': cloudFormationSub(
            'arn:%{AWS::Partition}:secretsmanager:%{AWS::Region}:%{AWS::AccountId}:secret:tencent-chat/admin-??????',
          ),
        },
      ],
    });
    const sqs = statements.filter((statement: Statement) => statement.Action === 'sqs:SendMessage');
    for (const statement of sqs)
      expect(statement.Resource).toStrictEqual({ 'Fn::GetAtt': ['FailedSendsQueue', 'Arn'] });
    const queueActions = statements.filter((statement: Statement) =>
      asList(statement.Action).some((action) =>
        ['sqs:ChangeMessageVisibility', 'sqs:ReceiveMessage'].includes(String(action)),
      ),
    );
    for (const statement of queueActions)
      expect(asList(statement.Resource).sort(byJson)).toStrictEqual(SEND_QUEUE_ARNS);
    // Conditions: a name is not an ARN, and without a key the KMS policy is not created.
    expect(plain.template.Conditions.HasSecretKmsKey).toStrictEqual({
      'Fn::Not': [{ 'Fn::Equals': ['', ''] }],
    });
    expect(plain.template.Resources.SecretKmsDecryptPolicy?.Condition).toBe('HasSecretKmsKey');
  });

  it('with a secret ARN and a customer key, grants that ARN and kms:Decrypt on that key through Secrets Manager', () => {
    const statements =
      variant.template.Resources.IamRoleLambdaExecution?.Properties.Policies[0].PolicyDocument
        .Statement;
    const secret = statements.find((statement: Statement) =>
      asList(statement.Action).includes('secretsmanager:GetSecretValue'),
    );
    expect(secret.Resource['Fn::If'][1]).toBe(
      'arn:aws:secretsmanager:eu-west-1:111122223333:secret:chat-AbCdEf',
    );
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
    const kms =
      variant.template.Resources.SecretKmsDecryptPolicy?.Properties.PolicyDocument.Statement[0];
    expect(kms).toMatchObject({
      Action: 'kms:Decrypt',
      Resource: 'arn:aws:kms:eu-west-1:111122223333:key/1234',
    });
    expect(variant.template.Conditions.HasSecretKmsKey).toStrictEqual({
      'Fn::Not': [{ 'Fn::Equals': ['arn:aws:kms:eu-west-1:111122223333:key/1234', ''] }],
    });
  });

  it('keeps asynchronous retries inside the five-minute window and every failure in a queue', () => {
    const configs = ofType(plain.template, 'AWS::Lambda::EventInvokeConfig').map(
      ([, config]) => config.Properties,
    );
    expect(configs).toHaveLength(4);
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
    expect(plain.template.Resources.FailedSendsAlarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
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
    expect(groups).toHaveLength(5);
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

  it('lets the functions get, put, update and delete items of that table alone', () => {
    const policy = variant.template.Resources.IdempotencyTablePolicy?.Properties;
    expect(policy?.Roles).toStrictEqual([{ Ref: 'IamRoleLambdaExecution' }]);
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
    const dynamoStatements = statementsOf(variant.template).filter((statement) =>
      asList(statement.Action).some((action) => String(action).startsWith('dynamodb:')),
    );
    expect(dynamoStatements).toHaveLength(1);
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

    it('alarms as soon as a dead-letter queue holds a message', () => {
      for (const name of sendQueues) {
        expect(plain.template.Resources[`${name}DeadLetterAlarm`]?.Properties).toMatchObject({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [
            { Name: 'QueueName', Value: { 'Fn::GetAtt': [`${name}DeadLetterQueue`, 'QueueName'] } },
          ],
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
        });
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

    it('gives the fan-out its own role: logs, and SendMessage on the send-group-msg queue only', () => {
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
      const statements = plain.template.Resources.FanOutRole?.Properties.Policies.flatMap(
        (policy: Policy) => policy.PolicyDocument.Statement,
      );
      expect(
        statements.filter((statement: Statement) => !String(statement.Action).startsWith('logs:')),
      ).toStrictEqual([
        {
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': ['SendGroupMsgQueue', 'Arn'] },
        },
      ]);
      const logs = statements.find((statement: Statement) =>
        asList(statement.Action).includes('logs:PutLogEvents'),
      );
      expect(logs.Resource['Fn::Sub']).toContain(
        '/aws/lambda/tencent-chat-sender-prod-fan-out-group-msg:',
      );
    });
  });
});

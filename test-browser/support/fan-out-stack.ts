import type { IncomingMessage } from 'node:http';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSEvent } from 'aws-lambda';
import { startDynamoDb } from '../../emulators/dynamodb/server.ts';
import { startEventBridge } from '../../emulators/eventbridge/server.ts';
import { newContainer } from '../../emulators/lambda-container.ts';
import {
  LOCAL_FANOUT_TABLE,
  localAwsEnvironment,
  startLocalSecretsManager,
} from '../../emulators/local-environment.ts';
import { readBody, sendJson, startLoopbackServer } from '../../emulators/loopback-server.ts';
import { startEventSourceMapping } from '../../emulators/sqs/event-source-mapping.ts';
import { startSqs } from '../../emulators/sqs/server.ts';
import { startTencentChatEmulator } from '../../emulators/tencent-chat/server.ts';

/**
 * The fan-out routes with their built bundles in this process, for the Fan-outs page: the emulator
 * with its console, the stand-ins (Secrets Manager, DynamoDB with the fan-out table, SQS,
 * EventBridge), one slow send-group-msg consumer, and a small local API serving
 * POST /v1/group-fanouts and GET/DELETE /v1/group-fanouts/{fanoutId} as API Gateway would.
 * (npm start serves these routes through serverless-offline from serverless.yml.)
 */

type Handler = (event: unknown, context: Context) => Promise<unknown>;

interface FanOutStack {
  api: string;
  console: string;
  stop: () => Promise<void>;
}

const context = (): Context =>
  ({
    awsRequestId: crypto.randomUUID(),
    functionName: 'fan-out-page',
    getRemainingTimeInMillis: () => 20_000,
  }) as unknown as Context;

const httpEvent = (
  method: string,
  path: string,
  request: IncomingMessage,
  body: string,
  fanoutId?: string,
) => ({
  version: '2.0',
  rawPath: path,
  headers: request.headers,
  requestContext: { http: { method, path } },
  ...(fanoutId !== undefined && { pathParameters: { fanoutId } }),
  body,
  isBase64Encoded: false,
});

const startFanOutStack = async ({
  groups,
  sendsPerSecond,
}: {
  groups: string[];
  sendsPerSecond: number;
}): Promise<FanOutStack> => {
  const [secrets, dynamodb, events, sqs] = await Promise.all([
    startLocalSecretsManager(),
    startDynamoDb({ tables: [LOCAL_FANOUT_TABLE] }),
    startEventBridge(),
    startSqs(),
  ]);
  const dlq = sqs.createQueue('page-send-group-msg-dlq');
  const queue = sqs.createQueue('page-send-group-msg', {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }),
  });
  let apiUrl = '';
  const api = await startLoopbackServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://api').pathname;
    const id = /^\/v1\/group-fanouts\/([^/]+)$/.exec(path)?.[1];
    void readBody(request).then(async (body) => {
      const event = httpEvent(
        request.method ?? 'GET',
        path,
        request,
        body,
        id && decodeURIComponent(id),
      );
      const handler =
        path === '/v1/group-fanouts' && request.method === 'POST'
          ? handlers.fanOut
          : id && request.method === 'GET'
            ? handlers.get
            : id && request.method === 'DELETE'
              ? handlers.cancel
              : undefined;
      if (!handler) return sendJson(response, 404, { message: 'Not Found' });
      const answer = (await handler(event, context())) as { statusCode: number; body: string };
      response.writeHead(answer.statusCode, { 'content-type': 'application/json' });
      response.end(answer.body);
    });
  });
  apiUrl = api.url;
  const tencent = await startTencentChatEmulator({
    groups: Object.fromEntries(groups.map((group) => [group, 'Public' as const])),
    apiUrl,
    fanOuts: { dynamodbUrl: dynamodb.url, table: LOCAL_FANOUT_TABLE, eventBridgeUrl: events.url },
  });
  Object.assign(process.env, {
    ...localAwsEnvironment(secrets.url, { eventBridgeUrl: events.url }),
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
    AWS_ENDPOINT_URL_SQS: sqs.url,
    TENCENT_CHAT_BASE_URL: tencent.url,
    TENCENT_CHAT_FANOUT_TABLE: LOCAL_FANOUT_TABLE,
    TENCENT_CHAT_GROUP_QUEUE_URL: queue.url,
    TENCENT_CHAT_QUEUE_MAX_RECEIVES: '3',
    TENCENT_CHAT_QUEUE_SENDS_PER_SECOND: String(sendsPerSecond),
    POWERTOOLS_LOG_LEVEL: 'WARN',
  });
  const handlers = {
    fanOut: await newContainer<Handler>('fan-out-group-msg'),
    get: await newContainer<Handler>('get-group-fanout'),
    cancel: await newContainer<Handler>('cancel-group-fanout'),
  };
  const send = await newContainer<Handler>('send-group-msg');
  const client = new SQSClient({ endpoint: sqs.url, region: 'us-east-1' });
  const mapping = startEventSourceMapping({
    client,
    queueUrl: queue.url,
    queueArn: queue.arn,
    batchSize: 5,
    maximumConcurrency: 1,
    waitTimeSeconds: 0,
    invoke: (event: SQSEvent) => send(event, context()),
  });
  return {
    api: api.url,
    console: tencent.url,
    stop: async () => {
      await mapping.stop();
      client.destroy();
      await Promise.all([
        api.close(),
        tencent.close(),
        secrets.close(),
        dynamodb.close(),
        events.close(),
        sqs.close(),
      ]);
    },
  };
};

export type { FanOutStack };
export { startFanOutStack };

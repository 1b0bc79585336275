import type { IncomingMessage, ServerResponse } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { type LoopbackServer, sendJson, startLoopbackServer } from '../loopback-server.ts';

/**
 * A DynamoDB stand-in on loopback for `npm start`, the tests and the fault suite: dynalite (a
 * DynamoDB implementation in Node, in memory) behind a front that counts the operations and can
 * answer as a throttled table would (`GET /stand-in/operations` lists the counts). The tables it
 * is given are created at start, as Powertools Idempotency expects its table (partition key `id`);
 * dynalite has no UpdateTimeToLive, and Powertools ignores expired records on read anyway.
 */

interface DynamoDbFault {
  /** How many of the next requests are answered as throttled. */
  throttle: number;
  /** Requests let through before the throttled ones (to fail one step of a sequence). */
  after?: number;
}

interface RunningDynamoDb extends LoopbackServer {
  /** Operations received, by name (`PutItem`, `UpdateItem`, …), throttled ones included. */
  operations: Record<string, number>;
  /** Answers the next `throttle` requests with ProvisionedThroughputExceededException. */
  addFault: (fault: DynamoDbFault) => void;
  clearFaults: () => void;
}

const throttled = (response: ServerResponse): void => {
  response.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(
    JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message: 'The level of configured provisioned throughput for the table was exceeded',
    }),
  );
};

const createTable = async (url: string, tableName: string): Promise<void> => {
  const client = new DynamoDBClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } finally {
    client.destroy();
  }
};

const startDynamoDb = async ({
  port,
  host,
  tables,
}: {
  port?: number;
  host?: string;
  /** Idempotency tables to create at start. */
  tables: string[];
}): Promise<RunningDynamoDb> => {
  const store = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const handle = store.listeners('request')[0] as (
    request: IncomingMessage,
    response: ServerResponse,
  ) => void;
  const operations: Record<string, number> = {};
  let throttleNext = 0;
  let passBefore = 0;
  const loopback = await startLoopbackServer(
    (request, response) => {
      if (request.method === 'GET' && request.url === '/stand-in/operations') {
        sendJson(response, 200, operations);
        return;
      }
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.slice(target.indexOf('.') + 1) || 'unknown';
      operations[operation] = (operations[operation] ?? 0) + 1;
      if (passBefore > 0) {
        passBefore -= 1;
      } else if (throttleNext > 0) {
        throttleNext -= 1;
        request.resume();
        throttled(response);
        return;
      }
      handle(request, response);
    },
    { port, host },
  );
  for (const table of tables) await createTable(loopback.url, table);
  return {
    ...loopback,
    operations,
    addFault: ({ throttle, after = 0 }) => {
      throttleNext += throttle;
      passBefore = after;
    },
    clearFaults: () => {
      throttleNext = 0;
      passBefore = 0;
    },
  };
};

export type { DynamoDbFault, RunningDynamoDb };
export { startDynamoDb };

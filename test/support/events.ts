/** The three kinds of event a function receives (contract section 3), as AWS shapes them. */

const httpApiEvent = (body: unknown, headers: Record<string, string> = {}) => ({
  version: '2.0',
  routeKey: 'POST /v1/group-messages',
  rawPath: '/v1/group-messages',
  rawQueryString: '',
  headers: { 'content-type': 'application/json', ...headers },
  requestContext: {
    accountId: '000000000000',
    apiId: 'api',
    http: {
      method: 'POST',
      path: '/v1/group-messages',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'test',
    },
    requestId: 'request',
    routeKey: 'POST /v1/group-messages',
    stage: '$default',
    time: '21/Nov/2026:00:00:00 +0000',
    timeEpoch: 0,
  },
  body: typeof body === 'string' ? body : JSON.stringify(body),
  isBase64Encoded: false,
});

const restApiEvent = (body: unknown, headers: Record<string, string> = {}, base64 = false) => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    resource: '/v1/group-messages',
    path: '/v1/group-messages',
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    multiValueHeaders: {},
    queryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      httpMethod: 'POST',
      requestId: 'request',
      stage: 'prod',
    },
    body: base64 ? Buffer.from(text).toString('base64') : text,
    isBase64Encoded: base64,
  };
};

const eventBridgeEvent = (detail: unknown, id: string = crypto.randomUUID()) => ({
  version: '0',
  id,
  'detail-type': 'Send chat message',
  source: 'my.app',
  account: '000000000000',
  time: '2026-11-21T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
});

const envelope = (request: unknown, idempotencyKey?: string) => ({
  request,
  ...(idempotencyKey !== undefined && { idempotencyKey }),
});

export { envelope, eventBridgeEvent, httpApiEvent, restApiEvent };

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type LoopbackServer, readBody, startLoopbackServer } from '../loopback-server.ts';

/**
 * A loopback stand-in for AWS Secrets Manager that speaks its AWS JSON 1.1 protocol for
 * GetSecretValue, PutSecretValue and CreateSecret, so the real AWS SDK reaches it through
 * AWS_ENDPOINT_URL_SECRETS_MANAGER. A control API under /stand-in injects failures and counts calls.
 */

interface StoredSecret {
  name: string;
  arn: string;
  value: string;
  versionId: string;
  createdAt: number;
}

interface SecretsFault {
  remaining: number;
  /** An AWS error name, such as ResourceNotFoundException or ThrottlingException. */
  error?: string;
  delayMs?: number;
}

interface RunningSecretsManager extends LoopbackServer {
  secrets: Map<string, StoredSecret>;
  calls: { GetSecretValue: number; PutSecretValue: number; CreateSecret: number };
  putSecret: (name: string, value: string) => void;
  addFault: (fault: Omit<SecretsFault, 'remaining'> & { count?: number }) => void;
  clearFaults: () => void;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';

const SERVER_ERRORS = new Set(['InternalServiceError', 'ServiceUnavailable']);

const answer = (response: ServerResponse, status: number, body: unknown): void => {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
};

const awsError = (response: ServerResponse, type: string, message: string): void => {
  response.writeHead(SERVER_ERRORS.has(type) ? 500 : 400, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-errortype': type,
  });
  response.end(JSON.stringify({ __type: type, message }));
};

const startSecretsManager = async (
  options: { port?: number; host?: string; secrets?: Record<string, string> } = {},
): Promise<RunningSecretsManager> => {
  const secrets = new Map<string, StoredSecret>();
  const calls = { GetSecretValue: 0, PutSecretValue: 0, CreateSecret: 0 };
  let faults: SecretsFault[] = [];

  const putSecret = (name: string, value: string): void => {
    const existing = secrets.get(name);
    const suffix = randomUUID().slice(0, 6);
    secrets.set(name, {
      name,
      arn: existing?.arn ?? `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${suffix}`,
      value,
      versionId: randomUUID(),
      createdAt: Date.now() / 1000,
    });
  };
  for (const [name, value] of Object.entries(options.secrets ?? {})) putSecret(name, value);

  const find = (id: unknown): StoredSecret | undefined =>
    typeof id === 'string'
      ? (secrets.get(id) ?? [...secrets.values()].find((secret) => secret.arn === id))
      : undefined;

  const takeFault = (): SecretsFault | undefined => {
    const fault = faults.find((f) => f.remaining > 0);
    if (fault) fault.remaining -= 1;
    faults = faults.filter((f) => f.remaining > 0);
    return fault;
  };

  const handleAws = async (request: IncomingMessage, response: ServerResponse) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const action = target.replace(/^secretsmanager\./, '');
    const input = JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>;
    if (action === 'GetSecretValue') {
      calls.GetSecretValue += 1;
      const fault = takeFault();
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault?.error) return awsError(response, fault.error, `injected ${fault.error}`);
      const secret = find(input.SecretId);
      if (!secret) {
        return awsError(
          response,
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret.",
        );
      }
      return answer(response, 200, {
        ARN: secret.arn,
        Name: secret.name,
        SecretString: secret.value,
        VersionId: secret.versionId,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: secret.createdAt,
      });
    }
    if (action === 'PutSecretValue' || action === 'CreateSecret') {
      calls[action] += 1;
      const name =
        action === 'CreateSecret' ? input.Name : (find(input.SecretId)?.name ?? input.SecretId);
      if (typeof name !== 'string' || typeof input.SecretString !== 'string') {
        return awsError(response, 'InvalidParameterException', 'SecretString is required');
      }
      putSecret(name, input.SecretString);
      const secret = secrets.get(name) as StoredSecret;
      return answer(response, 200, {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: secret.versionId,
      });
    }
    awsError(response, 'UnknownOperationException', `the stand-in does not implement ${action}`);
  };

  const handleControl = async (
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
  ) => {
    if (request.method === 'GET' && path === '/stand-in/calls') return answer(response, 200, calls);
    const body = JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>;
    if (request.method === 'POST' && path === '/stand-in/faults') {
      faults.push({
        remaining: Number(body.count ?? 1),
        ...(body as Omit<SecretsFault, 'remaining'>),
      });
      return answer(response, 200, { ok: true });
    }
    if (request.method === 'DELETE' && path === '/stand-in/faults') {
      faults = [];
      return answer(response, 200, { ok: true });
    }
    answer(response, 404, { error: 'not found' });
  };

  const loopback = await startLoopbackServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
    const work = path.startsWith('/stand-in/')
      ? handleControl(request, response, path)
      : handleAws(request, response);
    work.catch((error: unknown) => awsError(response, 'InvalidRequestException', String(error)));
  }, options);
  return {
    ...loopback,
    secrets,
    calls,
    putSecret,
    addFault: ({ count = 1, ...fault }) => faults.push({ remaining: count, ...fault }),
    clearFaults: () => {
      faults = [];
    },
  };
};

export type { RunningSecretsManager };
export { startSecretsManager };

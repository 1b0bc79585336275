import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { readDeadlineReserveMs, readGroupQueueUrl, readUnknownFieldsMode } from '../config.ts';
import { remainingMs } from '../deadline.ts';
import { type FieldProblem, SendError } from '../errors.ts';
import { eventKindOf, readInvocation } from '../events.ts';
import { logger } from '../logger.ts';
import { MetricUnit, metrics } from '../metrics.ts';
import { observed } from '../observed.ts';
import { answer, type HttpResponse } from '../results.ts';
import { answerErrors } from '../unexpected.ts';
import { enqueueAll } from './enqueue.ts';
import { createReport } from './report-create.ts';
import { readFanOutRequest } from './request.ts';

/** The answer of a fan-out once every group's message is queued (contract section 4). */
interface FanOutResult {
  ok: true;
  command: 'send_group_msg';
  fanoutId: string;
  queued: number;
  /** Unknown fields of the message forwarded as given (TENCENT_CHAT_UNKNOWN_FIELDS=forward). */
  warnings?: FieldProblem[];
}

/**
 * One fan-out: check the groups and the message once, then queue one send_group_msg per group
 * with the idempotency key `<fanoutId>:<GroupId>`. All or nothing: if any group's message could
 * not be queued, the fan-out fails and says how many were; repeating it under the same key
 * queues the rest, and the groups already queued get no second copy (same keys, same Random).
 */
const fanOut = async (event: unknown, context: Context): Promise<FanOutResult> => {
  const startedAt = Date.now();
  const invocation = readInvocation(event);
  const { groupIds, message, warnings } = readFanOutRequest(
    invocation.request,
    readUnknownFieldsMode(),
  );
  const queueUrl = readGroupQueueUrl();
  const fanoutId = invocation.idempotencyKey ?? randomUUID();
  const messages = groupIds.map((GroupId, index) => ({
    id: String(index),
    body: JSON.stringify({
      request: { ...message, GroupId },
      idempotencyKey: `${fanoutId}:${GroupId}`,
    }),
    fanoutId,
  }));
  await createReport(fanoutId, groupIds.length);
  const outcome = await enqueueAll(
    queueUrl,
    messages,
    Date.now() + remainingMs(context) - readDeadlineReserveMs(),
  );
  metrics.addMetadata('fanoutId', fanoutId);
  metrics.addMetric('FanOutMessagesQueued', MetricUnit.Count, outcome.queued);
  logger.info(outcome.unqueued === 0 ? 'Fan-out queued' : 'Fan-out not fully queued', {
    fanoutId,
    groups: groupIds.length,
    queued: outcome.queued,
    unqueued: outcome.unqueued,
    durationMs: Date.now() - startedAt,
  });
  if (outcome.unqueued > 0) {
    const again = invocation.idempotencyKey
      ? 'repeat the fan-out with the same idempotency key to queue the rest'
      : 'repeat it with an idempotency key to avoid second copies';
    throw new SendError(
      'UPSTREAM_UNAVAILABLE',
      `Queued ${outcome.queued} of ${groupIds.length} group messages (fan-out ${fanoutId}); ${again}`,
      {
        details: [
          {
            path: 'GroupIds',
            message: `${outcome.queued} of ${groupIds.length} queued${outcome.lastError ? `; SQS: ${outcome.lastError}` : ''}`,
          },
        ],
      },
    );
  }
  return {
    ok: true,
    command: 'send_group_msg',
    fanoutId,
    queued: outcome.queued,
    ...(warnings.length > 0 && { warnings }),
  };
};

/**
 * The fan-out function: HTTP (202 or the error's status), or direct invoke (result or throw). A
 * middy instance (lib/observed.ts); a failure is answered by answerErrors.
 */
const createFanOutHandler = () =>
  observed(async function handle(
    event: unknown,
    context: Context,
  ): Promise<FanOutResult | HttpResponse> {
    return answer(eventKindOf(event), await fanOut(event, context), 202);
  }).use(answerErrors({ command: 'send_group_msg', logMessage: 'Unexpected fan-out failure' }));

export type { FanOutResult };
export { createFanOutHandler };

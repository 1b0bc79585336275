import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  type ListMessageMoveTasksResultEntry,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';

/**
 * Moves what a dead-letter queue holds back to its send queue, once the cause is fixed, with SQS's
 * own StartMessageMoveTask, and follows the task with ListMessageMoveTasks until it ends.
 * Usage: npm run redrive -- <queue name or URL> [--rate <messages per second>] [--no-wait]
 * The queue may be the send queue (its RedrivePolicy names the dead-letter queue) or the
 * dead-letter queue itself (each message then goes back to the queue it came from).
 * Standard AWS settings apply (AWS_REGION, credentials, AWS_ENDPOINT_URL_SQS for a stand-in).
 */

interface RedriveOptions {
  client: SQSClient;
  queue: string;
  /** At most this many messages a second (SQS: 1 to 500; default: as fast as SQS goes). */
  rate?: number | undefined;
  wait?: boolean;
  log?: (line: string) => void;
  pollMs?: number;
}

const urlOf = async (client: SQSClient, queue: string): Promise<string> =>
  /^https?:\/\//.test(queue)
    ? queue
    : ((await client.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl as string);

const attributesOf = async (client: SQSClient, url: string) =>
  (
    await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['QueueArn', 'RedrivePolicy', 'ApproximateNumberOfMessages'],
      }),
    )
  ).Attributes ?? {};

/** The dead-letter queue to drain, and where its messages go (undefined: where each came from). */
const resolve = async (client: SQSClient, queue: string) => {
  const attributes = await attributesOf(client, await urlOf(client, queue));
  if (!attributes.RedrivePolicy) {
    return { sourceArn: attributes.QueueArn as string, destinationArn: undefined };
  }
  const policy = JSON.parse(attributes.RedrivePolicy) as { deadLetterTargetArn: string };
  return { sourceArn: policy.deadLetterTargetArn, destinationArn: attributes.QueueArn };
};

const describe = (task: ListMessageMoveTasksResultEntry): string =>
  `${task.Status}: ${task.ApproximateNumberOfMessagesMoved ?? 0} of ${task.ApproximateNumberOfMessagesToMove ?? 0} moved` +
  (task.FailureReason ? ` (${task.FailureReason})` : '');

const redrive = async ({
  client,
  queue,
  rate,
  wait = true,
  log = console.log,
  pollMs = 1000,
}: RedriveOptions): Promise<ListMessageMoveTasksResultEntry> => {
  const { sourceArn, destinationArn } = await resolve(client, queue);
  const { TaskHandle } = await client.send(
    new StartMessageMoveTaskCommand({
      SourceArn: sourceArn,
      ...(destinationArn && { DestinationArn: destinationArn }),
      ...(rate !== undefined && { MaxNumberOfMessagesPerSecond: rate }),
    }),
  );
  log(`Moving messages from ${sourceArn} to ${destinationArn ?? 'the queues they came from'}`);
  for (;;) {
    const { Results = [] } = await client.send(
      new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 10 }),
    );
    // A running task shows its handle; once it ends, the newest task is this one.
    const task = Results.find((entry) => entry.TaskHandle === TaskHandle) ?? Results[0];
    if (!task) throw new Error(`No move task is listed for ${sourceArn}`);
    log(describe(task));
    if (!wait || task.Status !== 'RUNNING') return task;
    await sleep(pollMs);
  }
};

const main = async (): Promise<void> => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { rate: { type: 'string' }, 'no-wait': { type: 'boolean' } },
  });
  const [queue] = positionals;
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (!queue || (rate !== undefined && !(Number.isInteger(rate) && rate >= 1 && rate <= 500))) {
    console.error(
      'Usage: npm run redrive -- <queue name or URL> [--rate <1-500 messages per second>] [--no-wait]',
    );
    process.exit(2);
  }
  const client = new SQSClient({});
  try {
    const task = await redrive({ client, queue, rate, wait: !values['no-wait'] });
    process.exitCode = task.Status === 'COMPLETED' || task.Status === 'RUNNING' ? 0 : 1;
  } catch (error) {
    console.error(
      `Redrive failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
    process.exitCode = 1;
  } finally {
    client.destroy();
  }
};

if (import.meta.main) await main();

export { redrive };

import type { Context, SQSEvent } from 'aws-lambda';
import type { Command } from './commands/command.ts';
import { eventKindOf, isSqsEvent, readInvocation } from './events.ts';
import { observed } from './observed.ts';
import { answer } from './results.ts';
import { sendOne } from './send.ts';
import { answerErrors } from './unexpected.ts';
import { warmUp } from './warm-up.ts';

/**
 * The one pipeline behind every send function: recognise the event, send (lib/send.ts), answer as
 * the event kind expects. The handler is a middy instance (lib/observed.ts).
 */
const createHandler = <Request extends object>(command: Command<Request>) => {
  warmUp();
  return observed(async function handle(event: unknown, context: Context) {
    if (isSqsEvent(event)) {
      // Queue mode is loaded only by the containers that receive SQS batches.
      const { processSqsBatch } = await import('./queue/process-batch.ts');
      return processSqsBatch(command, event as SQSEvent, context);
    }
    const eventKind = eventKindOf(event);
    const result = await sendOne(command, () => readInvocation(event), context, { eventKind });
    return answer(eventKind, result);
  }).use(answerErrors({ command: command.name }));
};

export { createHandler };

import type { MiddlewareObj } from '@middy/core';
import type { CommandName } from './commands/command.ts';
import { isSendError, SendError } from './errors.ts';
import { eventKindOf, isSqsEvent } from './events.ts';
import { logger, redact } from './logger.ts';
import { failureResult, httpResponse, InvocationFailedError } from './results.ts';

/** The name a log line gives a thrown value: the error's, else its type. */
const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);

/**
 * An error that is not one of ours becomes INTERNAL_ERROR for the caller, and its name, message
 * and stack, any UserSig redacted, go to the log instead.
 */
const asSendError = (error: unknown, logMessage = 'Unexpected failure'): SendError => {
  if (isSendError(error)) return error;
  logger.error(logMessage, {
    errorName: errorName(error),
    errorMessage: redact(error instanceof Error ? error.message : String(error)),
    stack: error instanceof Error && error.stack ? redact(error.stack) : undefined,
  });
  return new SendError('INTERNAL_ERROR', 'Internal error');
};

interface AnswerErrorsOptions {
  /** The command a failure result names. */
  command: CommandName;
  /** The log message of an error that is not ours. */
  logMessage?: string;
}

/**
 * A middleware that answers whatever a handler or a middleware throws as the contract says
 * (section 4): an HTTP event gets the failure's status and body, a direct or EventBridge
 * invocation an InvocationFailedError named by the code, an SQS batch the error back (so that
 * every record is delivered again). A SendError keeps its code; anything else is INTERNAL_ERROR.
 * It sets the answer rather than returning it, so the other middlewares' onError still run
 * (Powertools' logMetrics writes the metrics there).
 */
const answerErrors = ({
  command,
  logMessage,
}: AnswerErrorsOptions): MiddlewareObj<unknown, unknown, Error> => ({
  onError: function answerError(request) {
    const { error, event } = request;
    if (error instanceof InvocationFailedError) return;
    const sendError = asSendError(error, logMessage);
    if (isSqsEvent(event)) {
      request.error = sendError;
      return;
    }
    const result = failureResult(command, sendError, undefined);
    if (eventKindOf(event) === 'http') request.response = httpResponse(result);
    else request.error = new InvocationFailedError(result);
  },
});

export { answerErrors, asSendError, errorName };

import { isSendError, SendError } from './errors.ts';
import { logger, redact } from './logger.ts';

/**
 * An error that is not one of ours becomes INTERNAL_ERROR for the caller, and its name, message
 * and stack, any UserSig redacted, go to the log instead.
 */
const asSendError = (error: unknown, logMessage = 'Unexpected failure'): SendError => {
  if (isSendError(error)) return error;
  logger.error(logMessage, {
    errorName: error instanceof Error ? error.name : typeof error,
    errorMessage: redact(error instanceof Error ? error.message : String(error)),
    stack: error instanceof Error && error.stack ? redact(error.stack) : undefined,
  });
  return new SendError('INTERNAL_ERROR', 'Internal error');
};

export { asSendError };

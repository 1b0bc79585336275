import { Logger } from '@aws-lambda-powertools/logger';
import { serviceName } from './powertools-env.ts';

/**
 * Powertools Logger, set up once per container. Everything else is its own settings: the level
 * (POWERTOOLS_LOG_LEVEL, AWS_LAMBDA_LOG_LEVEL), sampling (POWERTOOLS_LOGGER_SAMPLE_RATE), dev mode
 * (POWERTOOLS_DEV), the time zone (TZ), and the invocation's Lambda fields, added to every line by
 * the injectLambdaContext middleware (lib/observed.ts).
 */
const createLogger = (): Logger => new Logger({ serviceName: serviceName() });

const logger = createLogger();

const USERSIG_IN_TEXT = /usersig=[^&\s"']*/gi;

/** Defence in depth: any text headed for a log loses a UserSig it might carry. */
const redact = (text: string): string => text.replace(USERSIG_IN_TEXT, 'usersig=[REDACTED]');

export { createLogger, logger, redact };

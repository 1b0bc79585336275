import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per container; level from POWERTOOLS_LOG_LEVEL, pretty locally with POWERTOOLS_DEV. */
const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'tencent-chat-sender',
});

const USERSIG_IN_TEXT = /usersig=[^&\s"']*/gi;

/** Defence in depth: any text headed for a log loses a UserSig it might carry. */
const redact = (text: string): string => text.replace(USERSIG_IN_TEXT, 'usersig=[REDACTED]');

export { logger, redact };

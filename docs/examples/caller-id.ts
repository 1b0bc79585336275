import type { MiddlewareObj } from '@middy/core';
import { SendError } from '../../lib/errors.ts';
import { eventKindOf, headerValue, isRecord } from '../../lib/events.ts';

const HEADER = 'x-caller-id';

const callerIdOf = (event: unknown): string | undefined =>
  isRecord(event) ? headerValue(event.headers, HEADER) : undefined;

/**
 * HTTP callers must name themselves in an `x-caller-id` header: without it they get the
 * contract's 403 FORBIDDEN and nothing is sent; with it, the answer carries the header back.
 * Queue, EventBridge and direct invocations pass untouched.
 */
const requireCallerId = (): MiddlewareObj => ({
  before: function checkCallerId(request) {
    if (eventKindOf(request.event) !== 'http') return;
    if (callerIdOf(request.event) === undefined) {
      throw new SendError('FORBIDDEN', `Header ${HEADER} is required`);
    }
  },
  after: function echoCallerId(request) {
    const callerId = callerIdOf(request.event);
    if (callerId !== undefined && isRecord(request.response?.headers)) {
      request.response.headers[HEADER] = callerId;
    }
  },
});

export { requireCallerId };

import type { FailureResult, SendResult } from './results.ts';

/**
 * What the idempotency table does with a key once its first send has ended (contract section 5).
 * This is the one place that decides it:
 *
 * | outcome of the send                                                  | the key            |
 * |----------------------------------------------------------------------|--------------------|
 * | Tencent took the message (success)                                   | kept: replayed     |
 * | failed, and some attempt may have reached Tencent without an answer  | kept: unknown      |
 * |   (a timeout, a reset after sending, a gateway 504), any command     |                    |
 * | failed, and every attempt shows Tencent did not take the message     | freed: may send    |
 * |   (a Tencent error code, a dropped message, HTTP 5xx, a connection   |                    |
 * |   refused before sending, the secret unreadable, no time left)       |                    |
 *
 * An unknown outcome keeps the key for every command. Live rooms have no de-duplication at all,
 * and a group or broadcast send only ends unknown after its own retries, all with the same
 * `Random`, went unanswered; a repeat after Tencent's five-minute window could deliver a second
 * copy, so the key never sends again and the caller decides (see the README).
 */
type KeyDecision = 'keep' | 'keep-unknown' | 'free';

const decideKey = (result: SendResult, outcomeUnknown: boolean): KeyDecision => {
  if (result.ok) return 'keep';
  return outcomeUnknown ? 'keep-unknown' : 'free';
};

/**
 * The result stored (and answered) for an unknown outcome: a repeat under the key sends nothing,
 * so the failure is not retryable under it.
 */
const unknownOutcomeResult = (result: FailureResult): FailureResult => ({
  ...result,
  error: {
    ...result.error,
    code: 'UPSTREAM_TIMEOUT',
    retryable: false,
    message:
      `${result.error.message}. The outcome is unknown: Tencent may have taken the message. ` +
      'This idempotency key will not send it again; check the group or room before sending ' +
      'under a new key',
  },
});

export { decideKey, unknownOutcomeResult };

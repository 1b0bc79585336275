import type { Fault } from '../emulators/tencent-chat/emulator.ts';
import type { Row } from './scenarios.ts';

/**
 * The fault suite's rows with the idempotency table on (contract section 5), run by
 * faults/idempotency-run-command.ts: Lambda's re-deliveries, repeats after Tencent's five-minute
 * window and repeats at once must deliver no second copy for any command, live rooms included;
 * the table unreachable or throttled must fail the send, never send without the record.
 */

interface IdempotencyScenario {
  name: string;
  /**
   * - redelivery: an EventBridge event whose first invocation fails is invoked again (same id);
   * - repeat: the same envelope (same key) is invoked twice, the second after Tencent's window;
   * - concurrent: the same envelope twice at once;
   * - table: one send while the table misbehaves.
   */
  kind: 'redelivery' | 'repeat' | 'concurrent' | 'table';
  tencentFault?: Omit<Fault, 'remaining'> & { count?: number };
  /** Move the emulator's clock past Tencent's de-duplication window before the second send. */
  afterWindow?: boolean;
  table?: { throttle?: number; unreachable?: boolean };
  afterReceipt?: boolean;
}

/** Every name starts with this, so that the rows read apart from the table-off ones. */
const PREFIX = 'table on: ';

const IDEMPOTENCY_SCENARIOS: IdempotencyScenario[] = [
  {
    name: `${PREFIX}Lambda re-delivers the event after a reset after receipt`,
    kind: 'redelivery',
    tencentFault: { drop: 'after' },
    afterReceipt: true,
  },
  {
    name: `${PREFIX}Lambda re-delivers after Tencent stalls past the attempt timeout`,
    kind: 'redelivery',
    tencentFault: { delayMs: 700 },
    afterReceipt: true,
  },
  {
    name: `${PREFIX}re-delivery after Tencent's window, every attempt reset after receipt`,
    kind: 'redelivery',
    tencentFault: { drop: 'after', count: 10 },
    afterWindow: true,
    afterReceipt: true,
  },
  {
    name: `${PREFIX}the same key again after Tencent's window (a replay from the failure queue)`,
    kind: 'repeat',
    afterWindow: true,
  },
  { name: `${PREFIX}the same key twice at once`, kind: 'concurrent' },
  {
    name: `${PREFIX}re-delivery after Tencent 10002 on every attempt (the key is freed)`,
    kind: 'redelivery',
    tencentFault: { errorCode: 10002, count: 10 },
  },
  { name: `${PREFIX}table unreachable`, kind: 'table', table: { unreachable: true } },
  { name: `${PREFIX}table throttled once`, kind: 'table', table: { throttle: 1 } },
  { name: `${PREFIX}table throttled on every attempt`, kind: 'table', table: { throttle: 100 } },
];

/** With the table on, no row may show a second copy, live rooms and faults after receipt included. */
const idempotencyViolations = (rows: Row[]): string[] =>
  rows
    .filter((row) => row.fault.startsWith(PREFIX) && row.duplicates > 0)
    .map((row) => `${row.functionName}, ${row.fault}: ${row.duplicates} duplicates`);

export type { IdempotencyScenario };
export { IDEMPOTENCY_SCENARIOS, idempotencyViolations };

/** Faults told to the emulator from the control endpoint, taken one request at a time. */

interface Fault {
  remaining: number;
  command?: string;
  errorCode?: number;
  httpStatus?: number;
  delayMs?: number;
  /** Close the connection: before processing the request, or after delivering it. */
  drop?: 'before' | 'after';
  /** Answer ErrorCode 0 with this MsgDropReason, without delivering (frequency control). */
  msgDropReason?: string;
}

type FaultRequest = Omit<Fault, 'remaining'> & { count?: number };

class FaultQueue {
  private faults: Fault[] = [];

  /** Queues a fault for the next `count` (default 1) matching requests. */
  add(fault: FaultRequest): void {
    const { count = 1, ...rest } = fault;
    this.faults.push({ ...rest, remaining: count });
  }

  clear(): void {
    this.faults = [];
  }

  /** Takes the first fault that applies to `command` (or to every command), if any. */
  take(command: string): Fault | undefined {
    const fault = this.faults.find((f) => f.remaining > 0 && (!f.command || f.command === command));
    if (!fault) return undefined;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    return fault;
  }
}

export type { Fault, FaultRequest };
export { FaultQueue };

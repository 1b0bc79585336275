import type { SqsState } from './state.ts';

/** What an action handler gets besides its input. */
interface ActionContext {
  state: SqsState;
  /** The stand-in's own URL, the base of every queue URL. */
  baseUrl: string;
  /** The caller's access key id (from the SigV4 Authorization header), standing for SenderId. */
  senderId: string;
  /** Aborted when the caller hangs up, so a long poll stops without taking messages. */
  signal: AbortSignal;
  /** Entries an injected fault makes fail in this call of a *Batch action. */
  failEntries: number;
  /** An injected fault: what this ReceiveMessage takes stays visible, to be delivered again. */
  duplicate: boolean;
}

type Input = Record<string, unknown>;

type Action = (context: ActionContext, input: Input) => unknown;

export type { Action, ActionContext, Input };

import type * as z from 'zod/mini';

type CommandName = 'send_group_msg' | 'send_broadcast_msg' | 'send_text_msg' | 'send_custom_msg';

/** The message as Tencent stores it: what its 12 KB limit applies to. */
interface StoredMessage {
  MsgBody: readonly unknown[];
  CloudCustomData?: string | undefined;
}

/** What the shared pipeline needs to know about one Tencent command. */
interface Command<Request extends object = object> {
  name: CommandName;
  service: 'group_open_http_svc' | 'live_engine_http_srv';
  schema: z.ZodMiniType<Request>;
  /**
   * Group commands carry a body `Random` that Tencent de-duplicates on, so any retry is safe.
   * Live-room commands have none, so a retry is made only when Tencent cannot have taken the message.
   */
  deduplicatedByRandom: boolean;
  // A method, so that any command is also a Command<object> (method parameters are bivariant).
  storedMessage(request: Request): StoredMessage;
}

export type { Command, CommandName, StoredMessage };

import { sendBroadcastMsg } from './send-broadcast-msg.ts';
import { sendCustomMsg } from './send-custom-msg.ts';
import { sendGroupMsg } from './send-group-msg.ts';
import { sendTextMsg } from './send-text-msg.ts';

/**
 * All four commands, for the OpenAPI generator and the tests. A function imports only its own
 * command module, so that its bundle builds only its own schemas at start-up.
 */
const COMMANDS = [sendGroupMsg, sendBroadcastMsg, sendTextMsg, sendCustomMsg] as const;

export type { Command, CommandName, StoredMessage } from './command.ts';
export { COMMANDS, sendBroadcastMsg, sendCustomMsg, sendGroupMsg, sendTextMsg };

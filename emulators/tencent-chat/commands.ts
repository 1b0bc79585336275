/** The four commands the emulator answers, by URL path and by the service that owns them. */

type CommandName = 'send_group_msg' | 'send_broadcast_msg' | 'send_text_msg' | 'send_custom_msg';

const COMMAND_PATHS: Record<string, CommandName> = {
  '/v4/group_open_http_svc/send_group_msg': 'send_group_msg',
  '/v4/group_open_http_svc/send_broadcast_msg': 'send_broadcast_msg',
  '/v4/live_engine_http_srv/send_text_msg': 'send_text_msg',
  '/v4/live_engine_http_srv/send_custom_msg': 'send_custom_msg',
};

const commandAt = (path: string): CommandName | undefined => COMMAND_PATHS[path];

/** live_engine_http_srv's commands: their replies nest under Response and carry a RequestId. */
const isLiveRoomCommand = (command: CommandName): boolean =>
  command === 'send_text_msg' || command === 'send_custom_msg';

export type { CommandName };
export { COMMAND_PATHS, commandAt, isLiveRoomCommand };

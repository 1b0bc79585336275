import { sendGroupMsg } from '../commands/send-group-msg.ts';
import type { UnknownFieldsMode } from '../config.ts';
import { type FieldProblem, InvalidRequestError, isSendError } from '../errors.ts';
import { isRecord } from '../events.ts';
import type { SendGroupMsgRequest } from '../schemas/send-group-msg.ts';
import { checkRequest } from '../validation.ts';

/** The most groups one fan-out may name (contract section 3). */
const MAX_GROUP_IDS = 10_000;
/** Tencent's group IDs: at most 48 bytes of printable ASCII (reference B.6). */
const GROUP_ID = /^[\x21-\x7e]{1,48}$/;

interface FanOutRequest {
  groupIds: string[];
  /** The message as send_group_msg checked it, without GroupId. */
  message: Omit<SendGroupMsgRequest, 'GroupId'>;
  /** Unknown fields of the message forwarded as given (TENCENT_CHAT_UNKNOWN_FIELDS=forward). */
  warnings: FieldProblem[];
}

const groupIdProblems = (groupIds: unknown): FieldProblem[] => {
  if (!Array.isArray(groupIds)) return [{ path: 'GroupIds', message: 'expected array' }];
  if (groupIds.length === 0) return [{ path: 'GroupIds', message: 'must name at least one group' }];
  if (groupIds.length > MAX_GROUP_IDS) {
    return [{ path: 'GroupIds', message: `must name at most ${MAX_GROUP_IDS} groups` }];
  }
  const problems: FieldProblem[] = [];
  const firstAt = new Map<string, number>();
  groupIds.forEach((id: unknown, index) => {
    const path = `GroupIds[${index}]`;
    if (typeof id !== 'string' || !GROUP_ID.test(id)) {
      problems.push({
        path,
        message: `${JSON.stringify(id)} is not a group ID (1 to 48 printable ASCII characters)`,
      });
      return;
    }
    const first = firstAt.get(id);
    if (first !== undefined) {
      problems.push({ path, message: `"${id}" is listed twice (first at GroupIds[${first}])` });
    } else {
      firstAt.set(id, index);
    }
  });
  return problems;
};

const inMessage = ({ path, message }: FieldProblem): FieldProblem => ({
  path: path === '' ? 'Message' : `Message.${path}`,
  message,
});

/** The message's problems, or the warnings of the unknown fields it may forward. */
const checkMessage = (
  message: unknown,
  groupId: string,
  mode: UnknownFieldsMode,
): { problems: FieldProblem[]; warnings: FieldProblem[] } => {
  if (!isRecord(message)) {
    return { problems: [{ path: 'Message', message: 'expected object' }], warnings: [] };
  }
  if ('GroupId' in message) {
    const misplaced = 'does not belong in Message: list groups in GroupIds';
    return { problems: [{ path: 'Message.GroupId', message: misplaced }], warnings: [] };
  }
  try {
    const { warnings } = checkRequest(sendGroupMsg, { ...message, GroupId: groupId }, mode);
    return { problems: [], warnings: warnings.map(inMessage) };
  } catch (error) {
    // A message over the size limit stays PAYLOAD_TOO_LARGE.
    if (!isSendError(error) || error.code !== 'INVALID_REQUEST') throw error;
    return { problems: error.details.map(inMessage), warnings: [] };
  }
};

/**
 * Checks a fan-out request: every group ID by name, then the message once, as send_group_msg
 * would check it (unknown fields refused or forwarded, as `mode` says). Throws
 * InvalidRequestError (or PayloadTooLargeError) listing every problem.
 */
const readFanOutRequest = (input: unknown, mode: UnknownFieldsMode = 'reject'): FanOutRequest => {
  if (!isRecord(input)) throw new InvalidRequestError([{ path: '', message: 'expected object' }]);
  const problems: FieldProblem[] = Object.keys(input)
    .filter((key) => key !== 'GroupIds' && key !== 'Message')
    .map((key) => ({ path: key, message: 'is not a fan-out field (GroupIds, Message)' }));
  problems.push(...groupIdProblems(input.GroupIds));
  const first: unknown = Array.isArray(input.GroupIds) ? input.GroupIds[0] : undefined;
  let warnings: FieldProblem[] = [];
  try {
    const checked = checkMessage(input.Message, typeof first === 'string' ? first : 'group', mode);
    problems.push(...checked.problems);
    warnings = checked.warnings;
  } catch (error) {
    if (problems.length === 0) throw error;
  }
  if (problems.length > 0) throw new InvalidRequestError(problems);
  return {
    groupIds: input.GroupIds as string[],
    message: input.Message as FanOutRequest['message'],
    warnings,
  };
};

export type { FanOutRequest };
export { GROUP_ID, MAX_GROUP_IDS, readFanOutRequest };

import { sendGroupMsg } from '../commands/send-group-msg.ts';
import { type FieldProblem, InvalidRequestError, isSendError } from '../errors.ts';
import { isRecord } from '../events.ts';
import type { SendGroupMsgRequest } from '../schemas/send-group-msg.ts';
import { validateRequest } from '../validation.ts';

/** The most groups one fan-out may name (contract section 3). */
const MAX_GROUP_IDS = 10_000;
/** Tencent's group IDs: at most 48 bytes of printable ASCII (reference B.6). */
const GROUP_ID = /^[\x21-\x7e]{1,48}$/;

interface FanOutRequest {
  groupIds: string[];
  /** The message as send_group_msg checked it, without GroupId. */
  message: Omit<SendGroupMsgRequest, 'GroupId'>;
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

const messageProblems = (message: unknown, groupId: string): FieldProblem[] => {
  if (!isRecord(message)) return [{ path: 'Message', message: 'expected object' }];
  if ('GroupId' in message) {
    return [
      { path: 'Message.GroupId', message: 'does not belong in Message: list groups in GroupIds' },
    ];
  }
  try {
    validateRequest(sendGroupMsg, { ...message, GroupId: groupId });
    return [];
  } catch (error) {
    // A message over the size limit stays PAYLOAD_TOO_LARGE.
    if (!isSendError(error) || error.code !== 'INVALID_REQUEST') throw error;
    return error.details.map(({ path, message: why }) => ({
      path: path === '' ? 'Message' : `Message.${path}`,
      message: why,
    }));
  }
};

/**
 * Checks a fan-out request: every group ID by name, then the message once, as send_group_msg
 * would check it. Throws InvalidRequestError (or PayloadTooLargeError) listing every problem.
 */
const readFanOutRequest = (input: unknown): FanOutRequest => {
  if (!isRecord(input)) throw new InvalidRequestError([{ path: '', message: 'expected object' }]);
  const problems: FieldProblem[] = Object.keys(input)
    .filter((key) => key !== 'GroupIds' && key !== 'Message')
    .map((key) => ({ path: key, message: 'is not a fan-out field (GroupIds, Message)' }));
  problems.push(...groupIdProblems(input.GroupIds));
  const first: unknown = Array.isArray(input.GroupIds) ? input.GroupIds[0] : undefined;
  try {
    problems.push(...messageProblems(input.Message, typeof first === 'string' ? first : 'group'));
  } catch (error) {
    if (problems.length === 0) throw error;
  }
  if (problems.length > 0) throw new InvalidRequestError(problems);
  return {
    groupIds: input.GroupIds as string[],
    message: input.Message as FanOutRequest['message'],
  };
};

export type { FanOutRequest };
export { GROUP_ID, MAX_GROUP_IDS, readFanOutRequest };

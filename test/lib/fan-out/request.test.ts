import { describe, expect, it } from 'vitest';
import { InvalidRequestError, PayloadTooLargeError } from '../../../lib/errors.ts';
import { readFanOutRequest } from '../../../lib/fan-out/request.ts';

const Message = { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }] };

const problemsOf = (input: unknown) => {
  try {
    readFanOutRequest(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return (error as InvalidRequestError).details;
  }
  throw new Error('no error');
};

describe('Function: readFanOutRequest', () => {
  it('reads the group IDs and the message', () => {
    expect(readFanOutRequest({ GroupIds: ['a', '@TGS#2C5SZEAEF'], Message })).toStrictEqual({
      groupIds: ['a', '@TGS#2C5SZEAEF'],
      message: Message,
      warnings: [],
    });
  });

  it('refuses an unknown message field, or forwards it with a warning, as send_group_msg would', () => {
    // Prepare
    const input = { GroupIds: ['a'], Message: { ...Message, Extra: 1 } };

    // Act
    const refused = problemsOf(input);
    const forwarded = readFanOutRequest(input, 'forward');

    // Assess
    expect(refused.map(({ path }) => path)).toStrictEqual(['Message.Extra']);
    expect(forwarded.message).toStrictEqual(input.Message);
    expect(forwarded.warnings.map(({ path }) => path)).toStrictEqual(['Message.Extra']);
  });

  it('names each duplicate and each invalid group ID', () => {
    // Act
    const problems = problemsOf({ GroupIds: ['a', 'b', 'a', '', 42, 'x'.repeat(49)], Message });

    // Assess
    expect(problems).toStrictEqual([
      { path: 'GroupIds[2]', message: '"a" is listed twice (first at GroupIds[0])' },
      { path: 'GroupIds[3]', message: '"" is not a group ID (1 to 48 printable ASCII characters)' },
      { path: 'GroupIds[4]', message: '42 is not a group ID (1 to 48 printable ASCII characters)' },
      {
        path: 'GroupIds[5]',
        message: `"${'x'.repeat(49)}" is not a group ID (1 to 48 printable ASCII characters)`,
      },
    ]);
  });

  it('accepts 10,000 groups and refuses 10,001', () => {
    // Prepare
    const ids = (count: number) => Array.from({ length: count }, (_, i) => `group-${i}`);

    // Act & Assess
    expect(readFanOutRequest({ GroupIds: ids(10_000), Message }).groupIds).toHaveLength(10_000);
    expect(problemsOf({ GroupIds: ids(10_001), Message })).toStrictEqual([
      { path: 'GroupIds', message: 'must name at most 10000 groups' },
    ]);
  });

  it('refuses an empty or missing group list', () => {
    expect(problemsOf({ GroupIds: [], Message })).toStrictEqual([
      { path: 'GroupIds', message: 'must name at least one group' },
    ]);
    expect(problemsOf({ Message })).toStrictEqual([
      { path: 'GroupIds', message: 'expected array' },
    ]);
  });

  it('checks the message once, as send_group_msg would, with paths under Message', () => {
    // Act
    const problems = problemsOf({
      GroupIds: ['a'],
      Message: { MsgBody: [], MsgPriority: 'Urgent' },
    });

    // Assess
    expect(problems.map((problem) => problem.path).sort()).toStrictEqual([
      'Message.MsgBody',
      'Message.MsgPriority',
    ]);
  });

  it('refuses a GroupId inside the message and unknown top-level fields', () => {
    expect(problemsOf({ GroupIds: ['a'], Message: { ...Message, GroupId: 'a' } })).toStrictEqual([
      { path: 'Message.GroupId', message: 'does not belong in Message: list groups in GroupIds' },
    ]);
    expect(problemsOf({ GroupIds: ['a'], Message, Groups: [] })).toStrictEqual([
      { path: 'Groups', message: 'is not a fan-out field (GroupIds, Message)' },
    ]);
  });

  it('keeps a message over the size limit as PAYLOAD_TOO_LARGE', () => {
    // Prepare
    const big = { MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'x'.repeat(12_001) } }] };

    // Act & Assess
    expect(() => readFanOutRequest({ GroupIds: ['a'], Message: big })).toThrow(
      PayloadTooLargeError,
    );
  });
});

import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { sendGroupMsg, sendTextMsg } from '../../lib/commands/index.ts';
import { editDistance, suggestField } from '../../lib/schemas/suggestions.ts';

const text = (Text: string) => ({ MsgType: 'TIMTextElem', MsgContent: { Text } });
const group = (extra: Record<string, unknown> = {}) => ({
  GroupId: 'g',
  MsgBody: [text('hi')],
  ...extra,
});

describe('Function: editDistance', () => {
  it.each([
    ['Desc', 'Desc', 0],
    ['Dsc', 'Desc', 1],
    ['SubTilte', 'SubTitle', 1],
    ['BadgeAdNum', 'BadgeAddNum', 1],
    ['ForbidCalbackControll', 'ForbidCallbackControl', 2],
    ['Zebra', 'Desc', 4],
  ])('counts %s to %s as %i edits', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe('Function: suggestField', () => {
  it.each([
    ['another letter case', [], 'msgpriority', 'MsgPriority'],
    ['a missing Msg prefix', [], 'Priority', 'MsgPriority'],
    ['an extra Msg prefix', [], 'MsgCloudCustomData', 'CloudCustomData'],
    [
      'one letter off',
      ['OfflinePushInfo', 'AndroidInfo'],
      'GoogleChanelID',
      'OfflinePushInfo.AndroidInfo.GoogleChannelID',
    ],
    [
      'two letters off',
      ['OfflinePushInfo', 'HarmonyInfo'],
      'SoundDurations',
      'OfflinePushInfo.HarmonyInfo.SoundDuration',
    ],
    ['a push field one level down', [], 'Title', 'OfflinePushInfo.Title'],
    ['an element field at the top', [], 'MsgContent', 'MsgBody[].MsgContent'],
  ])('names the documented field for %s', (_, path, key, meant) => {
    expect(suggestField(sendGroupMsg.schema, group(), path, key)).toBe(meant);
  });

  it('reads an element by its MsgType, so a field of another element type is not suggested', () => {
    // Prepare
    const input = group({ MsgBody: [text('hi')] });

    // Act
    const inText = suggestField(sendGroupMsg.schema, input, ['MsgBody', 0, 'MsgContent'], 'Dat');

    // Assess: Data belongs to TIMCustomElem and TIMFaceElem, not to TIMTextElem.
    expect(inText).toBeUndefined();
  });

  it('finds a request field put inside an element, naming it at the top', () => {
    const input = group({ MsgBody: [{ ...text('hi'), Random: 5 }] });
    expect(suggestField(sendGroupMsg.schema, input, ['MsgBody', 0], 'Random')).toBe('Random');
  });

  it('finds fields inside merged messages', () => {
    // Prepare
    const relay = {
      MsgType: 'TIMRelayElem',
      MsgContent: { MsgList: [{ MsgBody: [text('a')], MsgRandm: 1 }] },
    };

    // Act
    const meant = suggestField(
      sendGroupMsg.schema,
      group({ MsgBody: [relay] }),
      ['MsgBody', 0, 'MsgContent', 'MsgList', 0],
      'MsgRandm',
    );

    // Assess
    expect(meant).toBe('MsgBody[0].MsgContent.MsgList[0].MsgRandom');
  });

  it('suggests nothing for a field that resembles no documented one', () => {
    expect(suggestField(sendGroupMsg.schema, group(), [], 'Zebra')).toBeUndefined();
    expect(suggestField(sendTextMsg.schema, {}, [], 'GroupId')).toBeUndefined();
  });

  it('derives its suggestions from the schema it is given, so a field added later is found', () => {
    // Prepare
    const schema = z.strictObject({
      Outer: z.optional(z.strictObject({ ShinyNewField: z.optional(z.string()) })),
    });

    // Act & Assess
    expect(suggestField(schema, { Outer: {} }, ['Outer'], 'ShinyNewFeld')).toBe(
      'Outer.ShinyNewField',
    );
    expect(suggestField(schema, {}, [], 'shinynewfield')).toBe('Outer.ShinyNewField');
  });
});

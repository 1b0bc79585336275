import { describe, expect, it } from 'vitest';
import { readUnknownFieldsMode } from '../../lib/config.ts';
import { ConfigurationError } from '../../lib/errors.ts';

describe('Function: readUnknownFieldsMode', () => {
  it('rejects unknown fields by default', () => {
    expect(readUnknownFieldsMode({})).toBe('reject');
    expect(readUnknownFieldsMode({ TENCENT_CHAT_UNKNOWN_FIELDS: ' ' })).toBe('reject');
  });

  it.each(['reject', 'forward', ' forward '])('reads %j', (value) => {
    expect(readUnknownFieldsMode({ TENCENT_CHAT_UNKNOWN_FIELDS: value })).toBe(value.trim());
  });

  it.each(['Forward', 'ignore', 'true'])(
    'refuses %j with a configuration error naming the variable',
    (value) => {
      // Act
      const read = () => readUnknownFieldsMode({ TENCENT_CHAT_UNKNOWN_FIELDS: value });

      // Assess
      expect(read).toThrow(ConfigurationError);
      expect(read).toThrow(
        'Environment variable TENCENT_CHAT_UNKNOWN_FIELDS must be one of reject, forward',
      );
    },
  );
});

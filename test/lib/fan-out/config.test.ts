import { describe, expect, it } from 'vitest';
import { readFanOutConfig, requireFanOutTable } from '../../../lib/config.ts';

/** The fan-out reports' settings (docs/fan-out-reports.md, "Configuration"). */

describe('Function: readFanOutConfig', () => {
  it('defaults to no table, the default bus, 7 days and 10 receives', () => {
    expect(readFanOutConfig({})).toStrictEqual({
      table: undefined,
      eventBus: 'default',
      reportLifetimeSeconds: 7 * 86_400,
      maxReceives: 10,
    });
  });

  it('reads each variable', () => {
    expect(
      readFanOutConfig({
        TENCENT_CHAT_FANOUT_TABLE: ' reports ',
        TENCENT_CHAT_EVENT_BUS: 'campaigns',
        TENCENT_CHAT_FANOUT_REPORT_DAYS: '30',
        TENCENT_CHAT_QUEUE_MAX_RECEIVES: '4',
      }),
    ).toStrictEqual({
      table: 'reports',
      eventBus: 'campaigns',
      reportLifetimeSeconds: 30 * 86_400,
      maxReceives: 4,
    });
  });

  it('names the variable at fault', () => {
    expect(() => readFanOutConfig({ TENCENT_CHAT_FANOUT_REPORT_DAYS: '0.5' })).toThrow(
      /TENCENT_CHAT_FANOUT_REPORT_DAYS must be a whole number from 1 to 365/,
    );
    expect(() => readFanOutConfig({ TENCENT_CHAT_QUEUE_MAX_RECEIVES: 'ten' })).toThrow(
      /TENCENT_CHAT_QUEUE_MAX_RECEIVES/,
    );
    expect(() => requireFanOutTable({})).toThrow(
      expect.objectContaining({
        code: 'CONFIGURATION_ERROR',
        message: 'Environment variable TENCENT_CHAT_FANOUT_TABLE is required',
      }),
    );
  });
});

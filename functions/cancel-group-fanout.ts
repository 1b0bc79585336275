import { createCancelFanOutHandler } from '../lib/fan-out/report-handlers.ts';

export const handler = createCancelFanOutHandler();

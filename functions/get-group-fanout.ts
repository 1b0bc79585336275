import { createGetFanOutHandler } from '../lib/fan-out/report-handlers.ts';

export const handler = createGetFanOutHandler();

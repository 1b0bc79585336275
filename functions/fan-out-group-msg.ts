import { createFanOutHandler } from '../lib/fan-out/handler.ts';

export const handler = createFanOutHandler();

import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The copies of built functions the tests load as new containers (emulators/lambda-container.ts). */
const containers = fileURLToPath(new URL('../../.lambda-containers', import.meta.url));

// Test workers are ended without their exit handlers, so the run removes every copy at its end.
const teardown = (): Promise<void> => rm(containers, { recursive: true, force: true });

export { teardown };

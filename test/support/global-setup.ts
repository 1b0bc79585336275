import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The copies of built functions the tests load as new containers (emulators/lambda-container.ts). */
const containers = fileURLToPath(new URL('../../.lambda-containers', import.meta.url));
const run = `run${process.pid}`;

// The workers inherit it and put it first in the names of their copies.
const setup = (): void => {
  process.env.LAMBDA_CONTAINERS_RUN = run;
};

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// Test workers are ended without their exit handlers, so the run removes its copies at its end,
// and those of runs that were killed; not those of another run in the same checkout, which may
// still be loading from them.
const teardown = async (): Promise<void> => {
  const names = await readdir(containers).catch(() => [] as string[]);
  // `run<pid>-…` for a test run's copies, `direct-<pid>-…` for a script's (bench, faults).
  const ownerOf = (name: string) => {
    const [, testRun, script] = /^(?:run(\d+)|direct-(\d+))-/.exec(name) ?? [];
    return Number(testRun ?? script ?? Number.NaN);
  };
  await Promise.all(
    names
      .filter((name) => name.startsWith(`${run}-`) || !isRunning(ownerOf(name)))
      .map((name) => rm(join(containers, name), { recursive: true, force: true })),
  );
};

export { setup, teardown };

import { defineConfig } from 'vitest/config';

// `npm run test:browser`: the console in Debian's Chromium against the local stack. Apart from
// `npm test`, which must pass on a machine without a browser.
export default defineConfig({
  test: {
    include: ['test-browser/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    fileParallelism: false,
  },
});

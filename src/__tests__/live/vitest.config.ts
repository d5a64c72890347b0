// The live tier (`npm run test:live`): papi against a real Snowflake account, opt in by credentials
// (see credentials.ts). Not part of `npm test` (files end in .live.ts). Without credentials it says
// loudly that it did not run and exits 0.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../../..', import.meta.url)),
    include: ['src/__tests__/live/**/*.live.ts'],
    globalSetup: ['src/__tests__/live/banner.ts'],
    // SPCS: a compute pool and the first endpoint take minutes.
    testTimeout: 30 * 60_000,
    hookTimeout: 30 * 60_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
  },
});

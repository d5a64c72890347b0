// The interop tier (`npm run test:interop`): papi against independent tools — CNCF distribution,
// skopeo, a Docker engine the test starts. Not part of `npm test` (files end in .interop.ts); each
// test skips with a printed reason when its tool is missing.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../../..', import.meta.url)),
    include: ['src/__tests__/interop/**/*.interop.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // One file at a time: they start registries, papi local and a Docker engine.
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
  },
});

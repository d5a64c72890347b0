// The fault-injection tier (`npm run test:faults`, run by .ci/run after `npm test`): papi and papi local
// under the faults a user meets — kill -9 of papi local mid-setup, Ctrl-C during deploy (during setup:
// src/__tests__/terminal.test.ts), two setups at once, a crashed container, a full disk, ingress tokens
// expiring mid-bench, the store gone (the outage test of the main suite,
// src/__tests__/service-outage.test.ts, runs here too). Files end in
// .faults.ts, so `npm test` does not run them. Every test is bounded in time; traffic goes to 127.0.0.1 only.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../../..', import.meta.url)),
    include: ['src/__tests__/faults/**/*.faults.ts', 'src/__tests__/service-outage.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two files at a time at most: they start papi local, setups and services.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});

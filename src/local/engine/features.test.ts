// Trial-like accounts: --no-spcs refuses what needs Snowpark Container Services (SHOW included);
// --no-hybrid-tables also refuses SHOW HYBRID TABLES; CURRENT_REGION() says papi local.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, run, type Harness } from './__tests__/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('features an account may lack', () => {
  it('--no-spcs refuses compute pools, image repositories and services, and their SHOW', async () => {
    await h.open({ refuseContainerServices: true });
    for (const sql of ['CREATE COMPUTE POOL P MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS', 'SHOW COMPUTE POOLS', 'SHOW IMAGE REPOSITORIES'])
      await expect(run(h.engine, h.admin, sql), sql).rejects.toThrow(/Snowpark Container Services are not available for this account/);
    // Everything else still works.
    expect(await run(h.engine, h.admin, 'SHOW HYBRID TABLES IN ACCOUNT')).toEqual([]);
  });

  it('--no-hybrid-tables refuses SHOW HYBRID TABLES too, and the region is LOCAL', async () => {
    await h.open({ refuseHybridTables: true });
    await expect(run(h.engine, h.admin, 'SHOW HYBRID TABLES IN ACCOUNT')).rejects.toThrow(/Unsupported feature 'HYBRID TABLE'/);
    expect(await run(h.engine, h.admin, 'SELECT CURRENT_REGION() AS R')).toEqual([{ R: 'LOCAL' }]);
    expect(await run(h.engine, h.admin, 'SHOW COMPUTE POOLS')).toEqual([]);
  });
});

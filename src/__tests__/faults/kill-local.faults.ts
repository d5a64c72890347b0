// kill -9 of papi local in the middle of papi setup (#13.8): during the COPY of the ratings, during
// the recommendation statement and at the publish's SWAP. Each time setup fails at once saying papi
// local stopped (exit 3; not after the driver's minute of retries), the next setup
// starts papi local again and completes, and a second client reading the published table through
// the driver the whole time saw only the whole old table or the whole new one, never half of one, and
// never a statement error while papi local was up.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, readInstance } from '../../local/index.js';
import { tempDir } from '../support/cli.js';
import { papiChild } from './papi-child.js';
import { writeDataSet } from './data-set.js';
import { dataDirOf, startReader } from './published-reader.js';

const project = tempDir('papi-faults-kill-');
const env = { HOME: project, XDG_CACHE_HOME: join(project, 'cache') };
const TABLE = 'API.DATA.HYBRID_MOVIE_RECOMMENDATIONS';
const A = writeDataSet(join(project, 'a'), 300);
const B = writeDataSet(join(project, 'b'), 500);

const setup = (data: string, extra: string[] = []) => papiChild(['setup', '--force', '--data', data, ...extra], { cwd: project, env });

async function mustSetUp(data: string): Promise<void> {
  const run = setup(data);
  const done = await run.exited;
  if (done.code !== 0) throw new Error(`papi setup exited ${done.code}:\n${run.stderr()}`);
}

beforeAll(async () => {
  await mustSetUp(A.dir);
}, 170_000);

afterAll(async () => {
  await papiChild(['local', 'stop'], { cwd: project, env }).exited;
  await rm(project, { recursive: true, force: true });
}, 60_000);

describe('kill -9 of papi local during papi setup', () => {
  // From A to B, back to A, to B again: every publish changes the table, so old and new differ.
  it.each([
    ['the COPY of the ratings', /^COPY INTO .*LOAD/, B, A],
    ['the recommendation statement', /^CREATE OR REPLACE TABLE .*RECOMMENDATIONS/, A, B],
    ["the publish's SWAP", /SWAP WITH/, B, A],
  ])('during %s: setup fails, the next one completes, readers saw the old or the new table only', async (_name, statement, next, old) => {
    const reader = startReader(dataDirOf(project), TABLE);
    const run = setup(next.dir, ['--verbose']);
    await run.waitFor(statement);
    const instance = await readInstance(dataDirOf(project));
    expect(instance && isAlive(instance.pid)).toBe(true);
    process.kill(instance!.pid, 'SIGKILL');
    const failed = await run.exited;
    // It says what happened at once (the driver alone would retry the refused port for a minute).
    expect(failed.code, run.stderr().slice(-3000)).toBe(3);
    expect(run.stderr()).toContain(`papi local (pid ${instance!.pid}) stopped while papi was using it.`);

    await mustSetUp(next.dir);
    // A few reads of the new table after the rerun.
    const after = reader.log.reads.length;
    for (let i = 0; i < 100 && reader.log.reads.length < after + 3; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const log = await reader.stop();

    expect(log.statementErrors).toEqual([]);
    expect(log.reads.length).toBeGreaterThan(3);
    for (const read of log.reads) expect([old.state, next.state]).toContainEqual(read);
    expect(log.reads.at(-1)).toEqual(next.state);
    expect(log.unreachable).toBeGreaterThan(0); // it did see papi local gone
  }, 170_000);
});

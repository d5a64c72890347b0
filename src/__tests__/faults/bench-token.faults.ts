// An ingress token that expires during `papi bench` (#13.8): papi local issues 3-second ingress
// tokens here (`papi local start --oauth-token-lifetime 3`); a 10-second bench renews its token
// before it expires, so no request is refused and none counts as an error.
import { execa } from 'execa';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../../deploy/deployment.js';
import { packagePath } from '../../paths.js';
import { tempDir } from '../support/cli.js';
import { writeDataSet } from './data-set.js';

const LIFETIME_S = 3;
const project = tempDir('papi-faults-bench-');
const env = { HOME: project, XDG_CACHE_HOME: join(project, 'cache'), CI: 'true', NO_COLOR: '1' };
const papi = (...argv: string[]) => execa(process.execPath, [packagePath('bin', 'papi'), ...argv], { cwd: project, env, reject: false, timeout: 150_000 });

async function must(...argv: string[]): Promise<string> {
  const run = await papi(...argv);
  if (run.exitCode !== 0) throw new Error(`papi ${argv.join(' ')} exited ${run.exitCode}:\n${run.stderr}`);
  return run.stdout;
}

beforeAll(async () => {
  await must('local', 'start', '--detach', '--oauth-token-lifetime', String(LIFETIME_S));
  await must('setup', '--data', writeDataSet(join(project, 'data'), 200).dir);
  await must('deploy');
}, 170_000);

afterAll(async () => {
  await papi('local', 'stop');
  await rm(project, { recursive: true, force: true });
}, 60_000);

describe('papi bench with ingress tokens that expire during the run', () => {
  it('the tokens do expire: one from papi token is refused after its lifetime', async () => {
    const token = (await must('token')).trim();
    const { url } = (await readDeployment(join(project, '.papi', 'deployment.json')))!;
    const get = () => fetch(`${url}/customer/22`, { headers: { authorization: `Snowflake Token="${token}"` } });
    expect((await get()).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, (LIFETIME_S + 1.5) * 1000));
    expect((await get()).status).toBe(401);
  }, 60_000);

  it('bench renews its token: no 401, no error over a run several lifetimes long', async () => {
    const report = JSON.parse(await must('bench', '--rate', '40', '--duration', String(LIFETIME_S * 3), '--json')) as {
      completed: number;
      errors: { total: number; byStatus: Record<string, number> };
    };
    expect(report.completed).toBeGreaterThan(LIFETIME_S * 2 * 40);
    expect(report.errors.byStatus).toEqual({});
    expect(report.errors.total).toBe(0);
  }, 90_000);
});

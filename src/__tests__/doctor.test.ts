// papi doctor against real papi local processes reached through connections.toml, through the real
// driver: a ready account, a role lacking a grant, a trial-like account (no hybrid tables, no SPCS),
// a refused login, and papi local not running. Each failing case must name the failing check.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../doctor/index.js';
import { connect, type Connection } from '../snowflake/driver.js';
import { runCli, tempDir, type CliRun } from './support/cli.js';
import { startLocalProcess, writeConnections, type LocalProcess } from './support/local-process.js';

const root = tempDir('papi-doctor-');
const home = join(root, 'home');
const project = join(root, 'project');
let ready: LocalProcess;
let trial: LocalProcess;
let admin: Connection;

const env = () => ({ HOME: home, SNOWFLAKE_HOME: join(home, '.snowflake'), XDG_CACHE_HOME: join(root, 'cache'), NO_COLOR: '1' });
const papi = (...argv: string[]): Promise<CliRun> => runCli(argv, { cwd: project, env: env() });
const report = (run: CliRun) => JSON.parse(run.stdout) as DoctorReport;
const check = (r: DoctorReport, id: string) => r.checks.find((c) => c.id === id);
const byUrl = (local: LocalProcess) => ({ host: '127.0.0.1', port: local.port, protocol: 'http', account: local.account });

beforeAll(async () => {
  await mkdir(project, { recursive: true });
  [ready, trial] = await Promise.all([startLocalProcess(join(root, 'ready')), startLocalProcess(join(root, 'trial'), ['--no-hybrid-tables', '--no-spcs'])]);
  admin = await connect({ account: ready.account, accessUrl: ready.accessUrl, user: ready.user, password: ready.password, role: 'ACCOUNTADMIN' });
  // A role that may create everything but a compute pool.
  for (const sql of [
    'CREATE ROLE LIMITED',
    'GRANT CREATE ROLE, CREATE USER, CREATE WAREHOUSE, CREATE DATABASE ON ACCOUNT TO ROLE LIMITED',
    'GRANT MANAGE GRANTS ON ACCOUNT TO ROLE LIMITED',
    "CREATE USER LIMITED_USER PASSWORD = 'limited-pw-1'",
    'GRANT ROLE LIMITED TO USER LIMITED_USER',
  ])
    await admin.execute(sql);
  await writeConnections(home, {
    ready: { ...byUrl(ready), user: ready.user, password: ready.password, role: 'ACCOUNTADMIN' },
    limited: { ...byUrl(ready), user: 'LIMITED_USER', password: 'limited-pw-1', role: 'LIMITED' },
    trial: { ...byUrl(trial), user: trial.user, password: trial.password, role: 'ACCOUNTADMIN' },
    wrong: { ...byUrl(ready), user: ready.user, password: 'not-the-password', role: 'ACCOUNTADMIN' },
  });
}, 90_000);

afterAll(async () => {
  await admin?.close();
  await Promise.all([ready?.stop(), trial?.stop()]);
  await rm(root, { recursive: true, force: true });
}, 60_000);

describe('papi doctor', () => {
  it('passes on a ready account, checks the registry once setup made the repository, and says so in one line per check', async () => {
    const before = await papi('doctor', '-c', 'ready', '--json');
    expect(before.code, before.stderr).toBe(0);
    const r = report(before);
    expect(r.ok).toBe(true);
    expect(r.target).toBe('snowflake');
    expect(check(r, 'version.node')?.status).toBe('ok');
    expect(check(r, 'version.snowflake-sdk')?.status).toBe('ok');
    expect(check(r, 'connection')?.detail).toContain(`http://127.0.0.1:${ready.port}`);
    expect(check(r, 'region')?.detail).toMatch(/LOCAL \(papi local\)/);
    expect(check(r, 'privilege.create-compute-pool')?.status).toBe('ok');
    expect(check(r, 'hybrid-tables')?.status).toBe('ok');
    expect(check(r, 'spcs')?.status).toBe('ok');
    expect(check(r, 'registry')?.status).toBe('skip');

    expect((await papi('setup', '--skip-data', '-c', 'ready')).code).toBe(0);
    const after = await papi('doctor', '-c', 'ready');
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toMatch(/^ok +Image registry login +127\.0\.0\.1:\d+ accepts this session$/m);
    expect(after.stdout).toMatch(/All checks passed\./);
    // NO_COLOR: no escape sequences.
    expect(after.stdout).not.toMatch(/\x1b\[/);
    expect(after.stdout + after.stderr).not.toContain(ready.password);
    await papi('teardown', '--yes', '-c', 'ready');
  }, 120_000);

  it('names the missing privilege of a role lacking a grant, with the GRANT to run (exit 4)', async () => {
    const run = await papi('doctor', '-c', 'limited', '--json');
    expect(run.code).toBe(4);
    const r = report(run);
    expect(r.ok).toBe(false);
    expect(r.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['privilege.create-compute-pool']);
    expect(check(r, 'privilege.create-compute-pool')?.fix).toMatch(/GRANT CREATE COMPUTE POOL ON ACCOUNT TO ROLE LIMITED/);
    expect(check(r, 'privilege.create-database')?.status).toBe('ok');
    expect(check(r, 'privilege.bind-service-endpoint')?.detail).toMatch(/through MANAGE GRANTS/);

    const human = await papi('doctor', '-c', 'limited');
    expect(human.code).toBe(4);
    expect(human.stdout).toMatch(/^FAIL {2}CREATE COMPUTE POOL on the account +LIMITED lacks it; papi setup needs it for compute pool API$/m);
    expect(human.stderr).toMatch(/1 check failed: privilege\.create-compute-pool/);
  }, 60_000);

  it('with a scheduled refresh configured, checks EXECUTE TASK on the account for the role that will own the task', async () => {
    const scheduled = join(root, 'scheduled');
    await mkdir(scheduled, { recursive: true });
    await writeFile(join(scheduled, 'papi.yaml'), 'version: 1\nrecommender:\n  schedule: 60 minutes\n');
    const limited = report(await runCli(['doctor', '-c', 'limited', '--json'], { cwd: scheduled, env: env() }));
    expect(check(limited, 'privilege.execute-task')).toMatchObject({ status: 'fail', fix: expect.stringContaining('GRANT EXECUTE TASK ON ACCOUNT TO ROLE LIMITED') });
    const admin = report(await runCli(['doctor', '-c', 'ready', '--json'], { cwd: scheduled, env: env() }));
    expect(check(admin, 'privilege.execute-task')?.status).toBe('ok');
    // Without a schedule, no such check.
    expect(check(report(await papi('doctor', '-c', 'limited', '--json')), 'privilege.execute-task')).toBeUndefined();
  }, 60_000);

  it('on a trial-like account (no hybrid tables, no SPCS) fails those checks and says what to do', async () => {
    const run = await papi('doctor', '-c', 'trial', '--json');
    expect(run.code).toBe(4);
    const r = report(run);
    expect(r.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['hybrid-tables', 'spcs']);
    expect(check(r, 'hybrid-tables')?.fix).toMatch(/--table-type standard/);
    expect(check(r, 'spcs')?.detail).toMatch(/Snowpark Container Services are not available/);
    expect(check(r, 'registry')?.status).toBe('skip');
    // With a standard table, only SPCS is missing.
    const standard = report(await runCli(['doctor', '-c', 'trial', '--json'], { cwd: project, env: { ...env(), PAPI_TABLE_TYPE: 'standard' } }));
    expect(standard.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['spcs']);
  }, 60_000);

  it('a refused login is the failing connection check (exit 3)', async () => {
    const run = await papi('doctor', '-c', 'wrong', '--json');
    expect(run.code).toBe(3);
    const failed = report(run).checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.id)).toEqual(['connection']);
    expect(failed[0]!.detail).toMatch(/Login to Snowflake failed/);
  }, 60_000);

  it('does not start papi local: when none runs it says how, and exits 0', async () => {
    const run = await papi('doctor', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(check(report(run), 'connection')).toMatchObject({ status: 'warn', fix: expect.stringMatching(/papi local start --detach/) });
  });
});

// papi's whole job on a real Snowflake account: setup, deploy, token, get 22, suspend and resume, teardown, with every
// object under a unique prefix (PAPI_LIVE_<time>_<random>_…) that is dropped at the end whatever
// happened. Runs only with credentials (credentials.ts); otherwise every test is skipped and the
// global setup prints that nothing ran.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../support/cli.js';
import { liveAccount } from './credentials.js';

const account = liveAccount(process.env);
const prefix = `PAPI_LIVE_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
const project = mkdtempSync(join(tmpdir(), 'papi-live-'));

/** papi.yaml naming every object papi creates with the prefix (schemas and tables live inside its databases). */
function writeProject(): void {
  const n = (suffix: string) => `${prefix}_${suffix}`;
  writeFileSync(
    join(project, 'papi.yaml'),
    [
      'version: 1',
      'target: snowflake',
      'snowflake:',
      `  adminRole: ${n('ML_ROLE')}`,
      `  apiRole: ${n('API_ROLE')}`,
      '  warehouse:',
      `    name: ${n('WH')}`,
      '  recommender:',
      `    database: ${n('RECOMMENDER_DB')}`,
      '  api:',
      `    database: ${n('API_DB')}`,
      `  imageRepository: ${n('REPO')}`,
      '  computePool:',
      `    name: ${n('POOL')}`,
      '  service:',
      `    name: ${n('SERVICE')}`,
      `    user: ${n('SVC_USER')}`,
      '',
    ].join('\n'),
  );
}

/** Only what papi needs from this environment reaches it: the account's variables and HOME. */
function liveEnv(): Record<string, string | undefined> {
  const picked = Object.entries(process.env).filter(([k]) => /^(SNOWFLAKE_|PRIVATE_KEY_|PAPI_TABLE_TYPE$|XDG_CACHE_HOME$|HOME$)/.test(k));
  return { ...Object.fromEntries(picked), NO_COLOR: '1' };
}

if (account) writeProject();

const papi = (...argv: string[]): Promise<CliRun> => runCli([...argv, ...(account?.argv ?? [])], { cwd: project, env: liveEnv() });

function must(run: CliRun): CliRun {
  if (run.code !== 0) throw new Error(`papi exited ${run.code}\n${run.stderr}\n${run.stdout}`);
  return run;
}

afterAll(async () => {
  if (account) {
    // Always: whatever failed above, nothing with the prefix may stay behind (it costs money).
    const down = await papi('teardown', '--yes');
    if (down.code !== 0) process.stderr.write(`[live] TEARDOWN FAILED for prefix ${prefix}: drop its objects by hand\n${down.stderr}\n`);
  }
  rmSync(project, { recursive: true, force: true });
});

describe.skipIf(!account)(`papi on a real Snowflake account (objects prefixed ${prefix})`, () => {
  it('doctor, setup, deploy, token, get 22', async () => {
    const doctor = await papi('doctor');
    process.stderr.write(`[live] papi doctor:\n${doctor.stdout}\n`);
    must(await papi('setup', '--data', 'sample'));
    const deployed = JSON.parse(must(await papi('deploy', '--json')).stdout) as { url: string };
    expect(deployed.url).toMatch(/^https:\/\//);
    expect(must(await papi('token')).stdout.trim().length).toBeGreaterThan(20);
    const got = JSON.parse(must(await papi('get', '22', '--json')).stdout) as Array<{ USER_ID: number; RECOMMENDATIONS: unknown[] }>;
    expect(got[0]?.USER_ID).toBe(22);
    expect(got[0]?.RECOMMENDATIONS.length).toBeGreaterThan(0);
  });

  it("suspend (the tutorial's last step), get refused while suspended, resume, get 22", async () => {
    const suspended = JSON.parse(must(await papi('suspend', '--json')).stdout) as { service: { outcome: string } };
    expect(suspended.service.outcome).toBe('suspended');
    expect((await papi('status')).stdout).toMatch(/SUSPENDED/);
    const refused = await papi('get', '22');
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/papi resume/);
    const resumed = JSON.parse(must(await papi('resume', '--json')).stdout) as { service: { outcome: string }; url: string };
    expect(resumed.service.outcome).toBe('resumed');
    const got = JSON.parse(must(await papi('get', '22', '--json')).stdout) as Array<{ USER_ID: number }>;
    expect(got[0]?.USER_ID).toBe(22);
  });

  it('teardown drops everything with the prefix', async () => {
    must(await papi('teardown', '--yes'));
    const again = JSON.parse(must(await papi('teardown', '--yes', '--json')).stdout) as { steps: Array<{ outcome: string }> };
    expect(again.steps.every((s) => s.outcome === 'absent')).toBe(true);
  });
});

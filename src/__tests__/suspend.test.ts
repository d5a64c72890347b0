// Issue 14.1, suspend and resume, driven as a user does it: the built bin/papi as separate processes
// against the papi local `papi up` starts, in a project folder without papi.yaml. The "Done when"
// walk first (suspend, status, get 22 refused with a hint, resume, get 22), then --json, --pool, a
// papi local restart while suspended, bench, deploy and teardown on a suspended service.
import { execa } from 'execa';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './support/cli.js';

const papi = fileURLToPath(new URL('../../bin/papi', import.meta.url));
let project: string;
let home: string;
let url: string;

function run(args: string[], timeout = 240_000) {
  return execa(process.execPath, [papi, ...args], {
    cwd: project,
    env: { HOME: home, SNOWFLAKE_HOME: join(home, '.snowflake'), NO_COLOR: '1', PAPI_TARGET: undefined, SNOWFLAKE_ACCOUNT: undefined },
    extendEnv: true,
    reject: false,
    timeout,
  });
}

const json = <T>(r: { stdout: string }): T => JSON.parse(r.stdout) as T;
const deployedUrl = () => (JSON.parse(readFileSync(join(project, '.papi', 'deployment.json'), 'utf8')) as { url: string }).url;

beforeAll(async () => {
  project = tempDir('papi-suspend-');
  home = tempDir('papi-suspend-home-');
  const up = await run(['up'], 480_000);
  expect(up.exitCode, up.stderr).toBe(0);
  url = deployedUrl();
}, 540_000);

afterAll(async () => {
  await run(['local', 'stop'], 60_000);
  rmSync(project, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('papi suspend and papi resume on papi local', () => {
  it('the walk: suspend, status says SUSPENDED, get 22 exits 4 naming papi resume, resume, get 22 answers', async () => {
    const suspend = await run(['suspend']);
    expect(suspend.exitCode, suspend.stderr).toBe(0);
    expect(suspend.stdout).toContain('Service API.DATA.API suspended.');
    expect(suspend.stdout).toContain('Resume with: papi resume');

    const status = await run(['status']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^Service API\.DATA\.API: SUSPENDED$/m);
    // No container runs, and the endpoint keeps its URL.
    expect(status.stdout).not.toMatch(/container api/);
    expect(status.stdout).toContain(`endpoint api: ${url}`);

    const get = await run(['get', '22']);
    expect(get.exitCode).toBe(4);
    expect(get.stderr).toMatch(/service API\.DATA\.API is suspended/);
    expect(get.stderr).toMatch(/hint: .*`papi resume`/);
    // papi get asked and did not call: the endpoint would have resumed the service (AUTO_RESUME).
    expect(json<{ status: string }>(await run(['status', '--json'])).status).toBe('SUSPENDED');

    const resume = await run(['resume']);
    expect(resume.exitCode, resume.stderr).toBe(0);
    expect(resume.stdout).toContain(`Service API.DATA.API resumed: ${url}`);
    expect(resume.stderr).toMatch(/Wait for the service to be ready/);

    const again = await run(['get', '22', '--json']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(json<Array<{ USER_ID: number }>>(again)[0]?.USER_ID).toBe(22);
  }, 600_000);

  it('both are idempotent and say so; --json says what each did', async () => {
    const first = await run(['suspend', '--json']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(json(first)).toEqual({ command: 'suspend', target: 'local', service: { name: 'API.DATA.API', outcome: 'suspended' } });
    const second = await run(['suspend']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toContain('Service API.DATA.API was already suspended.');
    expect(json(await run(['suspend', '--json']))).toMatchObject({ service: { outcome: 'already-suspended' } });

    const resumed = await run(['resume', '--json']);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(json(resumed)).toEqual({ command: 'resume', target: 'local', service: { name: 'API.DATA.API', outcome: 'resumed' }, url });
    const running = await run(['resume']);
    expect(running.exitCode, running.stderr).toBe(0);
    expect(running.stdout).toContain(`Service API.DATA.API was already running: ${url}`);
  }, 600_000);

  it('papi bench against a suspended service exits 4 with the hint, also with --url of the deployed endpoint', async () => {
    expect((await run(['suspend'])).exitCode).toBe(0);
    for (const args of [['bench', '--requests', '5'], ['bench', '--url', url, '--requests', '5']]) {
      const r = await run(args);
      expect(r.exitCode, r.stderr).toBe(4);
      expect(r.stderr).toMatch(/is suspended[\s\S]*papi resume/);
    }
    expect((await run(['resume'])).exitCode).toBe(0);
    const bench = await run(['bench', '--requests', '20', '--rate', '20', '--json']);
    expect(bench.exitCode, bench.stderr).toBe(0);
    expect(json<{ completed: number }>(bench).completed).toBe(20);
  }, 600_000);

  it('--pool suspends the compute pool too; data and URL survive a papi local restart; resume --pool brings both back', async () => {
    const suspend = await run(['suspend', '--pool', '--json']);
    expect(suspend.exitCode, suspend.stderr).toBe(0);
    expect(json(suspend)).toMatchObject({ service: { outcome: 'suspended' }, pool: { name: 'API', outcome: 'suspended' } });
    expect(json(await run(['suspend', '--pool', '--json']))).toMatchObject({ service: { outcome: 'already-suspended' }, pool: { outcome: 'already-suspended' } });

    expect((await run(['local', 'stop'], 60_000)).exitCode).toBe(0);
    // The next command starts papi local again on the same data directory.
    const status = await run(['status', '--json']);
    expect(status.exitCode, status.stderr).toBe(0);
    expect(json<{ status: string; endpoints: Array<{ url?: string }> }>(status)).toMatchObject({ status: 'SUSPENDED', endpoints: [{ url }] });

    const resume = await run(['resume', '--pool', '--json']);
    expect(resume.exitCode, resume.stderr).toBe(0);
    expect(json(resume)).toMatchObject({ pool: { name: 'API', outcome: 'resumed' }, service: { outcome: 'resumed' }, url });
    const get = await run(['get', '22,196', '--json']);
    expect(get.exitCode, get.stderr).toBe(0);
    expect(json<Array<{ USER_ID: number }>>(get).map((row) => row.USER_ID).sort((a, b) => a - b)).toEqual([22, 196]);
  }, 600_000);

  it('papi deploy on a suspended service resumes it on the new image', async () => {
    expect((await run(['suspend'])).exitCode).toBe(0);
    const deploy = await run(['deploy'], 480_000);
    expect(deploy.exitCode, deploy.stderr).toBe(0);
    expect(deploy.stderr).toContain('was suspended: resuming it on the new image');
    expect((await run(['get', '22'])).exitCode).toBe(0);
  }, 600_000);

  it('papi teardown drops a suspended service and a suspended pool', async () => {
    expect((await run(['suspend', '--pool'])).exitCode).toBe(0);
    const teardown = await run(['teardown', '--yes']);
    expect(teardown.exitCode, teardown.stderr).toBe(0);
    expect(teardown.stderr).toMatch(/Drop service API\.DATA\.API dropped/);
    expect(teardown.stderr).toMatch(/Drop compute pool API dropped/);
    const suspend = await run(['suspend']);
    expect(suspend.exitCode).toBe(2);
    expect(suspend.stderr).toMatch(/does not exist[\s\S]*papi setup && papi deploy/);
  }, 600_000);
});

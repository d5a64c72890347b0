// Issue 17, "Everyday use", driven as the user did it: the built bin/papi as separate processes, in a
// project folder without papi.yaml, against the papi local papi starts on demand. Two commands at once
// when none runs; a subfolder; `--url` with the URL papi printed; `papi local stop` then `papi get`.
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './support/cli.js';
import { freePort } from './support/local-process.js';

const papi = fileURLToPath(new URL('../../bin/papi', import.meta.url));
let project: string;
let home: string;

function run(args: string[], cwd = project, timeout = 180_000) {
  return execa(process.execPath, [papi, ...args], {
    cwd,
    env: { HOME: home, SNOWFLAKE_HOME: join(home, '.snowflake'), NO_COLOR: '1', PAPI_TARGET: undefined, SNOWFLAKE_ACCOUNT: undefined },
    extendEnv: true,
    reject: false,
    timeout,
  });
}

beforeAll(() => {
  project = tempDir('papi-everyday-');
  home = tempDir('papi-everyday-home-');
});

afterAll(async () => {
  await run(['local', 'stop'], project, 60_000);
  rmSync(project, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('papi local started on demand', () => {
  it('two commands at once when none runs: one starts papi local, the other waits for it and uses it (#17.3)', async () => {
    const [a, b] = await Promise.all([run(['status']), run(['status'])]);
    for (const r of [a, b]) {
      expect(r.stderr).not.toMatch(/did not start|Could not set lock|bug in papi/);
      expect(r.exitCode).not.toBe(3);
      expect(r.exitCode).not.toBe(1);
    }
    expect(a.exitCode).toBe(b.exitCode);
    // One papi local for the project, and its start lock is gone.
    const instance = JSON.parse(readFileSync(join(project, '.papi', 'local', 'local.json'), 'utf8')) as { pid: number };
    expect(instance.pid).toBeGreaterThan(0);
    expect(existsSync(join(project, '.papi', 'local', 'start.lock'))).toBe(false);
  }, 240_000);

  it('in a subfolder, uses the project found upwards (.papi/) instead of starting an empty papi local there (#17.4)', async () => {
    const sub = join(project, 'service');
    mkdirSync(sub, { recursive: true });
    const local = await run(['local', 'status', '--json'], sub);
    expect(local.exitCode).toBe(0);
    expect(JSON.parse(local.stdout).dataDir).toBe(join(project, '.papi', 'local'));
    const status = await run(['status'], sub);
    expect(status.stderr).not.toMatch(/Start papi local/);
    expect(existsSync(join(sub, '.papi'))).toBe(false);
  }, 240_000);

  it('says which project and data directory it starts papi local for', async () => {
    const other = tempDir('papi-everyday-other-');
    try {
      const r = await run(['status'], other);
      expect(r.stderr).toContain(`Start papi local in the background for the project in ${other}`);
      expect(r.stderr).toContain(join(other, '.papi', 'local'));
    } finally {
      await run(['local', 'stop'], other, 60_000);
      rmSync(other, { recursive: true, force: true });
    }
  }, 240_000);
  it('teardown --yes in a project papi local never ran for drops nothing and starts nothing (#17.12)', async () => {
    const fresh = tempDir('papi-everyday-fresh-');
    try {
      const r = await run(['teardown', '--yes', '--json'], fresh);
      expect(r.exitCode, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout) as { steps: Array<{ outcome: string }> };
      expect(result.steps.length).toBeGreaterThan(0);
      expect(result.steps.every((s) => s.outcome === 'absent')).toBe(true);
      expect(r.stderr).not.toMatch(/Start papi local/);
      expect(existsSync(join(fresh, '.papi', 'local'))).toBe(false);
      const human = await run(['teardown', '--yes'], fresh);
      expect(human.stdout).toMatch(/Nothing to drop on papi local \(nothing in .*; not started\)/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }, 240_000);

  it('a --data path that is not there stops setup before anything is created (#17.10)', async () => {
    const r = await run(['setup', '--data', '../no-such-folder']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/no-such-folder/);
    // Nothing was created: the objects phase never started.
    expect(r.stderr).not.toMatch(/Create roles|Create the warehouse/);
  }, 240_000);
});

describe('a deployed service on papi local', () => {
  let url: string;

  beforeAll(async () => {
    const up = await run(['up'], project, 420_000);
    expect(up.exitCode, up.stderr).toBe(0);
    url = (JSON.parse(readFileSync(join(project, '.papi', 'deployment.json'), 'utf8')) as { url: string }).url;
  }, 480_000);

  it('papi get --url <the URL papi printed> sends the token (#17.7)', async () => {
    const r = await run(['get', '22', '--url', url, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toBeInstanceOf(Array);
  }, 120_000);

  it('papi bench --url <the URL papi printed> sends the token: no 401', async () => {
    const r = await run(['bench', '--url', url, '--requests', '40', '--rate', '40', '--json']);
    const report = JSON.parse(r.stdout) as { errors: { byStatus: Record<string, number> }; completed: number };
    expect(report.errors.byStatus['401']).toBeUndefined();
    expect(report.completed).toBe(40);
  }, 120_000);

  it('papi bench where every request failed exits 4', async () => {
    const port = await freePort();
    const r = await run(['bench', '--url', `http://127.0.0.1:${port}`, '--requests', '20', '--rate', '50', '--json']);
    expect(r.exitCode).toBe(4);
    expect(r.stderr).toMatch(/every request failed/);
  }, 120_000);

  it('an invalid bench run says what to do (#17.9)', async () => {
    // One request in flight at most, due every 0.5 ms: sends are dropped, whatever the machine.
    const r = await run(['bench', '--url', url, '--requests', '400', '--rate', '2000', '--max-in-flight', '1']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/INVALID RUN: \d+ sends dropped/);
    expect(r.stdout).toMatch(/what to do: .*lower --rate/);
  }, 120_000);

  it('the first papi get after papi local stop restarts papi local and waits for the service (#17.8)', async () => {
    expect((await run(['local', 'stop'])).exitCode).toBe(0);
    const r = await run(['get', '22', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toBeInstanceOf(Array);
  }, 240_000);
});

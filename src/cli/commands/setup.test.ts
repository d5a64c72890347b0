import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../__tests__/support/cli.js';
import { splitStatements } from '../../snowflake/splitter.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const built = existsSync(`${root}dist/cli/main.js`);

describe('papi setup --dry-run', () => {
  it('prints the whole plan as SQL without credentials or a connection', async () => {
    const run = await runCli(['setup', '--dry-run']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatchSnapshot();
  });

  it('prints statements that split back into exactly the --json plan', async () => {
    const cwd = tempDir();
    const text = await runCli(['setup', '--dry-run'], { cwd });
    const json = await runCli(['--json', 'setup', '--dry-run'], { cwd });
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const plan = JSON.parse(json.stdout) as { command: string; dryRun: boolean; steps: Array<{ id: string; before?: Array<{ sql: string }>; statements: Array<{ sql: string }> }> };
    expect(plan.command).toBe('setup');
    expect(plan.dryRun).toBe(true);
    expect(plan.steps[0]!.id).toBe('roles');
    expect(plan.steps.at(-1)!.id).toBe('schedule-off');
    const fromText = splitStatements(text.stdout).map((s) => s.text);
    expect(fromText).toEqual(plan.steps.flatMap((s) => [...(s.before ?? []), ...s.statements].map((st) => st.sql)));
  });

  it('--skip-data prints only the objects; --only publish --table-type standard only the standard publish', async () => {
    const objects = await runCli(['--json', 'setup', '--dry-run', '--skip-data']);
    const ids = (JSON.parse(objects.stdout) as { steps: Array<{ id: string }> }).steps.map((s) => s.id);
    expect(ids).toContain('service-user');
    expect(ids).not.toContain('recommend');
    const publish = await runCli(['setup', '--dry-run', '--only', 'publish', '--table-type', 'standard']);
    expect(publish.code).toBe(0);
    expect(publish.stdout).toContain('-- 1. Publish the standard table [publish]');
    expect(publish.stdout).not.toMatch(/HYBRID TABLE/);
  });

  it("--schedule plans the refresh task, warns when the service's cache TTL outlives it, and refuses a period that is none", async () => {
    const hourly = await runCli(['setup', '--dry-run', '--schedule', '60 minutes']);
    expect(hourly.code).toBe(0);
    expect(hourly.stdout).toContain("SCHEDULE = '60 MINUTE'");
    expect(hourly.stderr).not.toMatch(/ttlSeconds/);
    const everyMinute = await runCli(['setup', '--dry-run', '--schedule', '1 minute']);
    expect(everyMinute.code).toBe(0);
    expect(everyMinute.stderr).toMatch(/service\.cache\.ttlSeconds \(180 s\) is longer than the refresh period \(60 s\)/);
    const nonsense = await runCli(['setup', '--dry-run', '--schedule', 'hourly']);
    expect(nonsense.code).toBe(2);
    expect(nonsense.stderr).toMatch(/recommender\.schedule: "hourly" is not a refresh period/);
  });

  it('rejects an unknown --only step and --only with --skip-data (exit 2)', async () => {
    const bad = await runCli(['setup', '--dry-run', '--only', 'everything']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('objects, data, recommend, publish');
    expect((await runCli(['setup', '--dry-run', '--only', 'data', '--skip-data'])).code).toBe(2);
  });

  // How fast it answers is measured by `npm run bench` (startup figures), not asserted here.
  it.skipIf(!built)('works from the built binary, from any directory, without loading the driver or DuckDB', async () => {
    const cwd = tempDir();
    const bin = await execa(`${root}bin/papi`, ['setup', '--dry-run'], { cwd, reject: false, env: { CI: 'true' } });
    expect(bin.exitCode).toBe(0);
    expect(bin.stdout).toContain('CREATE ROLE IF NOT EXISTS');
    const probe = `
      import { createRequire } from 'node:module';
      const { main } = await import(${JSON.stringify(`${root}dist/cli/main.js`)});
      const sink = { write() {} };
      await main(['setup', '--dry-run'], { stdout: sink, stderr: sink, env: {}, cwd: process.cwd(), stdinIsTTY: false });
      console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`;
    const loaded = await execa('node', ['--input-type=module', '-e', probe], { cwd });
    const modules = JSON.parse(loaded.stdout) as string[];
    expect(modules.filter((m) => /snowflake-sdk|@duckdb/.test(m))).toEqual([]);
  });
});

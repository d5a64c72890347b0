// npm run bench's runner as a process (the built dist/, so `npm run build` first): a benchmark that
// cannot run gives a row saying why and the run exits 1, never a crash. Here the service benchmark
// finds no wrk (PATH points nowhere), which it checks before measuring anything.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const runner = fileURLToPath(new URL('../../../dist/bench/scripts/all.js', import.meta.url));

describe('npm run bench (dist/bench/scripts/all.js)', () => {
  it('turns a benchmark that cannot run into a row saying why, and exits 1', async () => {
    expect(existsSync(runner), `${runner} is missing: run npm run build first`).toBe(true);
    const run = await promisify(execFile)(process.execPath, [runner, '--only', 'service', '--json'], { env: { ...process.env, PATH: '/nonexistent' } }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect('code' in run ? run.code : 0).toBe(1);
    const table = JSON.parse(run.stdout) as { date: string; machine: { cores: number; node: string }; rows: Array<{ goal: string; notRun?: string }> };
    expect(table.machine).toMatchObject({ node: process.version });
    expect(table.rows).toHaveLength(1);
    expect(table.rows[0]).toMatchObject({ goal: '1', notRun: expect.stringMatching(/^exit 2: wrk is not installed/) });
    expect(run.stderr).toContain('[service] wrk is not installed');
  });

  it('refuses an unknown benchmark with the list of known ones (exit 2)', async () => {
    const run = await promisify(execFile)(process.execPath, [runner, '--only', 'nope']).catch((error: { code: number; stderr: string }) => error);
    expect('code' in run ? run.code : 0).toBe(2);
    expect(run.stderr).toContain('unknown benchmark nope; the benchmarks are service, local, copy, setup, up, logins, cold, generator, guard');
  });
});

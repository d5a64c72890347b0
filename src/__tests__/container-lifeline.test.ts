// A papi local killed with SIGKILL (no handler runs) takes its service containers with it: each
// container runs under a lifeline that notices papi local's end when the pipe between them closes.
// Before, the containers were re-parented and kept answering on their ports with nobody watching.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type CliRun } from './support/cli.js';

const project = tempDir('papi-lifeline-');
const env = { XDG_CACHE_HOME: join(project, 'cache'), NO_COLOR: '1' };
const papi = (...argv: string[]): Promise<CliRun> => runCli(argv, { cwd: project, env });
const dataDir = join(project, '.papi', 'local');

/** Pids of processes whose command line names this project's papi local data directory, but papi local itself. */
function containerPids(localPid: number): number[] {
  let out = '';
  try {
    out = execFileSync('pgrep', ['-f', join(dataDir, 'spcs')], { encoding: 'utf8' });
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
  return out.split('\n').filter(Boolean).map(Number).filter((pid) => pid !== localPid && pid !== process.pid);
}

beforeAll(async () => {
  const up = await papi('up');
  if (up.code !== 0) throw new Error(`papi up exited ${up.code}\n${up.stderr}`);
}, 240_000);

afterAll(async () => {
  await papi('local', 'stop');
  await rm(project, { recursive: true, force: true });
}, 60_000);

describe('containers die with papi local', () => {
  it('a SIGKILL to papi local ends its service containers within seconds', async () => {
    const { pid } = JSON.parse(readFileSync(join(dataDir, 'local.json'), 'utf8')) as { pid: number };
    const before = containerPids(pid);
    expect(before.length).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 30_000;
    let left = before;
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = containerPids(pid);
    }
    expect(left).toEqual([]);
  }, 60_000);
});

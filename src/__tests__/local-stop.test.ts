// `papi local stop` signals only the papi local of its data directory (#13.5): a local.json left by a
// papi local that is gone may name a pid that now belongs to another process (after a reboot), or
// be a copy of another directory's. Real processes: a live stand-in and papi local itself (bin/papi).
import { execa } from 'execa';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../local/index.js';
import { packagePath } from '../paths.js';
import { tempDir } from './support/cli.js';
import { freePort, startLocalProcess, type LocalProcess } from './support/local-process.js';

const root = tempDir('papi-local-stop-');
const papi = (...argv: string[]) => execa(process.execPath, [packagePath('bin', 'papi'), ...argv], { cwd: root, env: { HOME: root, NO_COLOR: '1' }, reject: false, timeout: 60_000 });
const children: ChildProcess[] = [];
let local: LocalProcess | undefined;

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});
afterAll(async () => {
  await local?.stop();
  rmSync(root, { recursive: true, force: true });
}, 60_000);

function instanceFile(dataDir: string, record: Record<string, unknown>): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dataDir, 'local.json'), JSON.stringify(record), { mode: 0o600 });
}

describe('papi local stop checks whom it stops', () => {
  it('refuses a local.json whose pid is another live process, which keeps running', async () => {
    // The stand-in for "some process that got the pid after a reboot".
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(other);
    const dataDir = join(root, 'stale');
    const port = await freePort();
    instanceFile(dataDir, { pid: other.pid, accessUrl: `http://127.0.0.1:${port}`, account: 'PAPI_LOCAL', user: 'PAPI', port, dataDir, instanceId: 'gone', startedAt: '2026-01-01T00:00:00Z' });

    const run = await papi('local', 'stop', '--data-dir', dataDir);
    expect(run.exitCode, run.stderr).toBe(4);
    expect(run.stderr).toContain(`Not stopping pid ${other.pid}: it is not the papi local of ${dataDir}`);
    expect(run.stderr).toMatch(/local\.json is left from a papi local that is gone/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isAlive(other.pid!)).toBe(true);
    expect(other.exitCode).toBeNull();
  });

  it('stops a papi local started by a papi from before instance ids (no instanceId), known by its command line', async () => {
    // The stand-in has the command line every papi gives the papi local it starts in the background.
    const dataDir = join(root, 'older');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const older = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', packagePath('bin', 'papi'), 'local', 'start', '--background', '--data-dir', dataDir], { stdio: 'ignore' });
    children.push(older);
    const port = await freePort();
    instanceFile(dataDir, { pid: older.pid, accessUrl: `http://127.0.0.1:${port}`, account: 'PAPI_LOCAL', user: 'PAPI', port, dataDir, startedAt: '2026-01-01T00:00:00Z' });

    // Another directory's older papi local is still not this one's.
    const elsewhere = join(root, 'elsewhere');
    instanceFile(elsewhere, { pid: older.pid, accessUrl: `http://127.0.0.1:${port}`, account: 'PAPI_LOCAL', user: 'PAPI', port, dataDir: elsewhere, startedAt: '2026-01-01T00:00:00Z' });
    expect((await papi('local', 'stop', '--data-dir', elsewhere)).exitCode).toBe(4);
    expect(isAlive(older.pid!)).toBe(true);

    const run = await papi('local', 'stop', '--data-dir', dataDir, '--json');
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ stopped: true, pid: older.pid });
  });

  it("refuses another directory's papi local (a copied local.json), then stops its own", async () => {
    const own = join(root, 'own');
    local = await startLocalProcess(own);
    const copy = join(root, 'copy');
    mkdirSync(copy, { mode: 0o700 });
    cpSync(join(own, 'local.json'), join(copy, 'local.json'));
    const { pid } = JSON.parse(readFileSync(join(own, 'local.json'), 'utf8')) as { pid: number };

    const refused = await papi('local', 'stop', '--data-dir', copy);
    expect(refused.exitCode, refused.stderr).toBe(4);
    expect(refused.stderr).toContain(`Not stopping pid ${pid}`);
    expect((await fetch(`${local.accessUrl}/papi-local/instance`)).status).toBe(200);

    const stopped = await papi('local', 'stop', '--data-dir', own, '--json');
    expect(stopped.exitCode, stopped.stderr).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ stopped: true, pid });
    local = undefined;
  }, 90_000);
});

describe('a local.json whose pid is another process describes nothing running', () => {
  it('papi local status says none runs, and papi local start starts one instead of trusting the stranger', async () => {
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(other);
    const dataDir = join(root, 'reused');
    const port = await freePort();
    instanceFile(dataDir, { pid: other.pid, accessUrl: `http://127.0.0.1:${port}`, account: 'PAPI_LOCAL', user: 'PAPI', port, dataDir, instanceId: 'gone', startedAt: '2026-01-01T00:00:00Z' });

    const status = await papi('local', 'status', '--data-dir', dataDir);
    expect(status.exitCode, status.stderr).toBe(3);
    expect(status.stderr).toContain(`No papi local is running for ${dataDir}`);

    const started = await papi('local', 'start', '--detach', '--json', '--data-dir', dataDir);
    expect(started.exitCode, started.stderr).toBe(0);
    const running = JSON.parse(started.stdout) as { pid: number; alreadyRunning?: boolean };
    expect(running.pid).not.toBe(other.pid);
    expect(running.alreadyRunning).toBeFalsy();
    try {
      const now = await papi('local', 'status', '--data-dir', dataDir, '--json');
      expect(now.exitCode, now.stderr).toBe(0);
      expect(JSON.parse(now.stdout)).toMatchObject({ pid: running.pid });
    } finally {
      const stopped = await papi('local', 'stop', '--data-dir', dataDir, '--json');
      expect(JSON.parse(stopped.stdout)).toMatchObject({ stopped: true, pid: running.pid });
    }
    expect(isAlive(other.pid!)).toBe(true);
  }, 90_000);
});

// `papi local start --detach` starts papi local as its own process, the bundled dist/papi-local.mjs
// (not a second papi CLI), which says it is ready on a pipe (#16.3). Real processes through the built
// bin/papi: what runs in the background, that it outlives the command, and that a papi local which
// dies before it is ready fails the start at once with its reason, leaving no lock behind.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../local/index.js';
import { packagePath } from '../paths.js';
import { Output } from '../ui/output.js';
import { startInBackground } from './index.js';

const root = mkdtempSync(path.join(tmpdir(), 'papi-detach-'));
const papi = (...argv: string[]) => execa(process.execPath, [packagePath('bin', 'papi'), ...argv], { cwd: root, env: { HOME: root, NO_COLOR: '1' }, reject: false, timeout: 60_000 });

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('papi local start --detach', () => {
  it('runs papi local from dist/papi-local.mjs, outliving the command, until papi local stop', async () => {
    const dataDir = path.join(root, 'bundled');
    // A CA bundle for the CLI's own TLS (here one that does not exist: Node warns and goes on).
    const caBundle = path.join(root, 'extra-ca.pem');
    const started = await execa(process.execPath, [packagePath('bin', 'papi'), 'local', 'start', '--detach', '--json', '--data-dir', dataDir], {
      cwd: root,
      env: { HOME: root, NO_COLOR: '1', NODE_EXTRA_CA_CERTS: caBundle },
      reject: false,
      timeout: 60_000,
    });
    expect(started.exitCode, started.stderr).toBe(0);
    const { pid, accessUrl } = JSON.parse(started.stdout) as { pid: number; accessUrl: string };
    try {
      // The command has exited; what it started still serves, and is papi local's bundle, not the CLI.
      expect(isAlive(pid)).toBe(true);
      if (existsSync(`/proc/${pid}/cmdline`)) {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        expect(argv[1]).toBe(packagePath('dist', 'papi-local.mjs'));
        expect(argv).not.toContain('local');
        // papi local opens no TLS connection: it is spared reading the CLI's CA bundle at start.
        expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).not.toContain(`NODE_EXTRA_CA_CERTS=${caBundle}`);
        expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).toContain('NO_COLOR=1');
      }
      expect((await fetch(`${accessUrl}/papi-local/instance`)).status).toBe(200);
      expect(JSON.parse(readFileSync(path.join(dataDir, 'local.json'), 'utf8'))).toMatchObject({ pid, accessUrl });
      const status = await papi('local', 'status', '--json', '--data-dir', dataDir);
      expect(status.exitCode, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ pid, accessUrl });
    } finally {
      const stopped = await papi('local', 'stop', '--json', '--data-dir', dataDir);
      expect(JSON.parse(stopped.stdout)).toMatchObject({ stopped: true, pid });
    }
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(path.join(dataDir, 'local.json'))).toBe(false);
  }, 90_000);

  it('fails with the reason from its log when papi local exits before it is ready (here: its port is taken), and leaves no lock', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const dataDir = path.join(root, 'port-taken');
    try {
      const run = await papi('local', 'start', '--detach', '--port', String(port), '--data-dir', dataDir);
      expect(run.exitCode, run.stderr).toBe(4);
      expect(run.stderr).toContain('papi local exited before it was ready (exit code 1)');
      expect(run.stderr).toContain('EADDRINUSE');
    } finally {
      taken.close();
    }
    expect(existsSync(path.join(dataDir, 'start.lock'))).toBe(false);
    expect(existsSync(path.join(dataDir, 'local.json'))).toBe(false);
  }, 60_000);

  it('hands the starter the spawned pid while papi local is still starting (#16.3: the CLI loads the driver then, not before the spawn)', async () => {
    const dataDir = path.join(root, 'while-starting');
    const out = new Output({ stdout: process.stdout, stderr: process.stderr, json: true, verbose: false, colorLevel: 0, spinners: false });
    const ctx = { out, env: { HOME: root }, cwd: root, signal: new AbortController().signal };
    const seen: Array<{ pid: number; alive: boolean; ready: boolean }> = [];
    // local.json is papi local's word that it is ready: not there yet when the starter gets the pid.
    const running = await startInBackground(ctx, dataDir, 0, (pid) => seen.push({ pid, alive: isAlive(pid), ready: existsSync(path.join(dataDir, 'local.json')) }));
    try {
      expect(seen).toEqual([{ pid: running.pid, alive: true, ready: false }]);
    } finally {
      await papi('local', 'stop', '--data-dir', dataDir);
    }
  }, 60_000);
});

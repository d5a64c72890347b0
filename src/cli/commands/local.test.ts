// papi local start|stop|status as real child processes of a freshly built papi, talking to the real
// driver; the build goes to a private directory so it never races `npm run build`.
import { execa, type ResultPromise } from 'execa';
import { build } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../__tests__/support/cli.js';
import { connect } from '../../snowflake/driver.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
let buildDir: string;
let papi: string;
const dirs: string[] = [];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__tests__' ? [] : sources(file);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

beforeAll(async () => {
  // Inside the checkout so the build finds node_modules; its own package.json makes it ESM.
  mkdirSync(path.join(root, 'node_modules/.cache'), { recursive: true });
  buildDir = mkdtempSync(path.join(root, 'node_modules/.cache/papi-local-test-'));
  await build({ entryPoints: sources(path.join(root, 'src')), outdir: path.join(buildDir, 'dist'), outbase: path.join(root, 'src'), format: 'esm', platform: 'node', target: 'node20', logLevel: 'warning' });
  writeFileSync(path.join(buildDir, 'package.json'), JSON.stringify({ name: 'papi', version: '0.0.0-test', type: 'module' }));
  mkdirSync(path.join(buildDir, 'bin'));
  papi = path.join(buildDir, 'bin/papi.js');
  writeFileSync(papi, "import { main } from '../dist/cli/main.js';\nprocess.exitCode = await main(process.argv.slice(2));\n");
});

afterAll(() => {
  rmSync(buildDir, { recursive: true, force: true });
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'papi-local-cli-'));
  dirs.push(dir);
  return dir;
}

const env = { NO_COLOR: '1', CI: 'true' };

function run(args: string[], cwd: string): ResultPromise<{ reject: false; env: typeof env; cwd: string }> {
  return execa(process.execPath, [papi, ...args], { reject: false, env, cwd });
}

async function firstLine(child: ResultPromise): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) return line;
  throw new Error(`no output; stderr: ${(await child).stderr}`);
}

describe('papi local start', () => {
  it('refuses a bad --endpoint-delay before starting anything (exit 2)', async () => {
    const run = await runCli(['local', 'start', '--endpoint-delay', 'soon', '--data-dir', path.join(tmpdir(), 'papi-never-created')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--endpoint-delay');
    expect(existsSync(path.join(tmpdir(), 'papi-never-created'))).toBe(false);
  });

  it('prints one JSON line when ready, serves the driver, and stops cleanly on SIGTERM', async () => {
    const cwd = tempDir();
    const dataDir = path.join(cwd, 'data');
    const child = execa(process.execPath, [papi, 'local', 'start', '--json', '--data-dir', dataDir], { reject: false, env, cwd });
    try {
      const info = JSON.parse(await firstLine(child)) as Record<string, unknown>;
      expect(Object.keys(info).sort()).toEqual(['accessUrl', 'account', 'dataDir', 'password', 'pid', 'user']);
      expect(info).toMatchObject({ account: 'PAPI', user: 'PAPI', dataDir, pid: child.pid });
      expect(statSync(path.join(dataDir, 'admin-password')).mode & 0o777).toBe(0o600);

      const connection = await connect({ account: String(info.account), accessUrl: String(info.accessUrl), user: String(info.user), password: String(info.password) });
      expect(await connection.execute('SELECT 1 AS ONE')).toEqual([{ ONE: 1 }]);
      await connection.close();

      const status = await run(['local', 'status', '--json', '--data-dir', dataDir], cwd);
      expect(status.exitCode).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ running: true, pid: child.pid, accessUrl: info.accessUrl });
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    child.kill('SIGTERM');
    const done = await child;
    expect(done.exitCode).toBe(0);
    expect(done.stdout.trim().split('\n')).toHaveLength(1);
    expect(existsSync(path.join(dataDir, 'local.json'))).toBe(false);
  });

  it('exits 130 on Ctrl-C (SIGINT) after shutting down', async () => {
    const cwd = tempDir();
    const dataDir = path.join(cwd, 'data');
    const child = execa(process.execPath, [papi, 'local', 'start', '--json', '--data-dir', dataDir], { reject: false, env, cwd });
    JSON.parse(await firstLine(child));
    child.kill('SIGINT');
    const done = await child;
    expect(done.exitCode).toBe(130);
    expect(existsSync(path.join(dataDir, 'local.json'))).toBe(false);
  });

  it('detaches, reports status, and stops; status then exits 3', async () => {
    const cwd = tempDir();
    const dataDir = path.join(cwd, 'd');
    const started = await run(['local', 'start', '--detach', '--json', '--data-dir', dataDir, '--password', 'pw-detach'], cwd);
    expect(started.exitCode, started.stderr).toBe(0);
    const info = JSON.parse(started.stdout) as { pid: number; accessUrl: string; password: string };
    expect(info.password).toBe('pw-detach');
    try {
      const connection = await connect({ account: 'PAPI', accessUrl: info.accessUrl, user: 'PAPI', password: 'pw-detach' });
      expect(await connection.execute('SELECT 2 AS TWO')).toEqual([{ TWO: 2 }]);
      await connection.close();

      const status = await run(['local', 'status', '--data-dir', dataDir], cwd);
      expect(status.exitCode).toBe(0);
      expect(status.stdout).toContain(`pid ${info.pid}`);
      // Starting again, in the foreground or detached, finds it: the same answer, exit 0, nothing new served.
      for (const again of [['local', 'start', '--json'], ['local', 'start', '--detach', '--json']]) {
        const second = await run([...again, '--data-dir', dataDir], cwd);
        expect(second.exitCode, `${again.join(' ')}: ${second.stderr}`).toBe(0);
        expect(JSON.parse(second.stdout)).toMatchObject({ alreadyRunning: true, pid: info.pid, accessUrl: info.accessUrl });
      }
      const human = await run(['local', 'start', '--data-dir', dataDir], cwd);
      expect(human.exitCode).toBe(0);
      expect(human.stdout).toContain(`papi local is running (pid ${info.pid})`);
      expect(human.stdout).toContain('It was already running');

      // The background process logs to a file: readiness, never the password.
      const log = readFileSync(path.join(dataDir, 'local.log'), 'utf8');
      expect(log).toContain(info.accessUrl);
      expect(log).not.toContain('pw-detach');
    } finally {
      const stopped = await run(['local', 'stop', '--json', '--data-dir', dataDir], cwd);
      expect(stopped.exitCode, stopped.stderr).toBe(0);
      expect(JSON.parse(stopped.stdout)).toMatchObject({ stopped: true, pid: info.pid });
    }
    const after = await run(['local', 'status', '--data-dir', dataDir], cwd);
    expect(after.exitCode).toBe(3);
    expect(after.stderr).toContain('No papi local is running');
  });
});

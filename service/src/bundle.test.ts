// The one-file bundle: built into a temp dir and run there by node alone (no node_modules beside
// it), with Snowflake unreachable — it must still answer GET /, report 503 on /healthz and
// /customer, and stop on SIGTERM.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleService } from '../bundle.mjs';

let dir: string;
let child: ChildProcess | undefined;
let baseUrl: string;
let stdout = '';

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'papi-service-bundle-'));
  await bundleService({ outfile: join(dir, 'server.mjs') });
  writeFileSync(join(dir, 'token'), 'not-a-real-token', { mode: 0o600 });
  child = spawn(process.execPath, ['server.mjs'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      PAPI_HOST: '127.0.0.1',
      PAPI_TOKEN_FILE: join(dir, 'token'),
      SNOWFLAKE_ACCOUNT: 'PAPI',
      SNOWFLAKE_HOST: `http://127.0.0.1:${await closedPort()}`,
      PAPI_STORE_TIMEOUT_MS: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.setEncoding('utf8');
  const port = await new Promise<number>((resolve, reject) => {
    child!.stdout!.on('data', (chunk: string) => {
      stdout += chunk;
      const match = /"event":"listening"[^\n]*"port":(\d+)/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child!.once('exit', (code) => reject(new Error(`the bundle exited with ${code}: ${stdout}`)));
  });
  baseUrl = `http://127.0.0.1:${port}`;
});

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('service bundle', () => {
  it('is one reasonably small file with no node_modules beside it', () => {
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);
    expect(statSync(join(dir, 'server.mjs')).size).toBeLessThan(4 * 1024 * 1024);
  });

  it('answers GET / when run from a temp dir with node alone', async () => {
    const response = await fetch(`${baseUrl}/`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: 'Nothing to see here' });
  });

  it('listens with a deep accept queue (backlog 4096, or the kernel cap): a connection burst is queued, not dropped', () => {
    // For a listening socket, ss shows the backlog as Send-Q.
    const port = new URL(baseUrl).port;
    const listening = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim().split(/\s+/);
    const cap = Number(execFileSync('cat', ['/proc/sys/net/core/somaxconn'], { encoding: 'utf8' }));
    expect(Number(listening[2])).toBe(Math.min(4096, cap));
  });

  it('says 503 when Snowflake is unreachable', async () => {
    const health = await fetch(`${baseUrl}/healthz`);
    expect(health.status).toBe(503);
    const customer = await fetch(`${baseUrl}/customer/22`);
    expect(customer.status).toBe(503);
    expect(customer.headers.get('retry-after')).toBeTruthy();
  });

  it('logs JSON lines only on stdout, without the token', () => {
    const lines = stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    expect(stdout).not.toContain('not-a-real-token');
  });

  it('stops on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('"event":"stopped"');
  });
});

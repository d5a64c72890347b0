// Black-box: `papi dev --json` from the built bin/papi (npm test builds it first), in a temp project
// where `papi setup` has published the hybrid table on papi local (started detached by setup,
// stopped in afterAll). The one JSON line, the row for user 22, the test page, and a stop that
// leaves no service process behind: Ctrl-C exits 130, SIGTERM exits 0. Then the same bundle deployed
// behind papi local's ingress: the test page's relative URLs work there.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, readPassword, runningInstance } from '../local/index.js';
import { connect } from '../snowflake/driver.js';
import { tempDir } from './support/cli.js';

const papiBin = fileURLToPath(new URL('../../bin/papi', import.meta.url));
const project = tempDir('papi-dev-');
const home = join(project, 'home');
// Nothing of the caller's Snowflake or papi settings leaks in.
const env = { PATH: process.env.PATH ?? '', HOME: home, SNOWFLAKE_HOME: join(home, '.snowflake'), XDG_CACHE_HOME: join(project, 'cache'), NO_COLOR: '1', CI: 'true' };
const papi = (...argv: string[]) => execa(process.execPath, [papiBin, ...argv], { cwd: project, env, extendEnv: false, reject: false });
let row22: unknown;

interface DevRun {
  child: ChildProcess;
  url: string;
  /** Everything on stdout so far. */
  stdout: () => string;
  exit: Promise<number | null>;
}

/** Starts `papi dev --json --port 0` (or with other flags) and waits for its first line, the URL. */
async function startDev(flags: string[] = ['--json']): Promise<DevRun> {
  const child = spawn(process.execPath, [papiBin, 'dev', ...flags, '--port', '0'], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const first = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    void exit.then((code) => reject(new Error(`papi dev exited ${code} before printing its URL:\n${stderr}`)));
  });
  first.catch(() => undefined); // a run for people may never print a line to stdout
  lines.on('line', (line) => (stdout += `${line}\n`));
  if (!flags.includes('--json')) {
    // For people the URL goes to stderr ("papi dev: http://…"); stdout carries the request log.
    for (let i = 0; i < 600 && !/papi dev: http/.test(stderr); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    return { child, url: /papi dev: (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)![1]!, stdout: () => stdout, exit };
  }
  const { url } = JSON.parse(await first) as { url: string };
  return { child, url, stdout: () => stdout, exit };
}

/** Processes whose parent is pid (the service papi dev started). */
async function childrenOf(pid: number): Promise<number[]> {
  const { stdout } = await execa('ps', ['-o', 'pid=', '--ppid', String(pid)], { reject: false });
  return stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
}


beforeAll(async () => {
  const setup = await papi('setup', '--json');
  if (setup.exitCode !== 0) throw new Error(`papi setup exited ${setup.exitCode}\n${setup.stderr}`);
  const dataDir = join(project, '.papi', 'local');
  const local = (await runningInstance(dataDir))!;
  const admin = await connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: await readPassword(dataDir), role: 'ACCOUNTADMIN' });
  const [row] = await admin.execute('SELECT USER_ID, RECOMMENDATIONS FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS WHERE USER_ID = ?', [22]);
  row22 = row;
  await admin.close();
}, 120_000);

afterAll(async () => {
  await papi('local', 'stop');
  rmSync(project, { recursive: true, force: true });
}, 60_000);

describe('papi dev --json', () => {
  it("prints one JSON line, serves the hybrid table's row for 22, and Ctrl-C stops it all with exit 130", async () => {
    const dev = await startDev();
    try {
      expect(dev.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${dev.url}/customer/22`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual([row22]);
      expect((row22 as { RECOMMENDATIONS: unknown[] }).RECOMMENDATIONS.length).toBeGreaterThan(0);

      const page = await fetch(`${dev.url}/test`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("'customer/'");
      expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);

      const services = await childrenOf(dev.child.pid!);
      expect(services.length).toBe(1);
      dev.child.kill('SIGINT');
      expect(await dev.exit).toBe(130);
      expect(services.filter(isAlive)).toEqual([]);
      // The URL line comes first on stdout, then the service's request lines as JSON, even after the interruption.
      const [urlLine, ...rest] = dev.stdout().trimEnd().split('\n');
      expect(urlLine).toBe(JSON.stringify({ url: dev.url }));
      expect(rest.map((l) => (JSON.parse(l) as { event: string }).event)).toContain('request');
    } finally {
      if (dev.child.exitCode === null) dev.child.kill('SIGKILL');
    }
  });

  it('SIGTERM is a normal stop: exit 0, and the service goes with it', async () => {
    const dev = await startDev();
    try {
      const services = await childrenOf(dev.child.pid!);
      expect(services.length).toBe(1);
      dev.child.kill('SIGTERM');
      expect(await dev.exit).toBe(0);
      expect(services.filter(isAlive)).toEqual([]);
      expect(dev.stdout().split('\n')[0]).toBe(JSON.stringify({ url: dev.url }));
    } finally {
      if (dev.child.exitCode === null) dev.child.kill('SIGKILL');
    }
  });

  it("the service writes its request log into .papi/dev-service.log itself: papi dev relays no line (#16.1)", async () => {
    const dev = await startDev();
    try {
      const [service] = await childrenOf(dev.child.pid!);
      const logFile = join(project, '.papi', 'dev-service.log');
      // The service's stdout is the file, not a pipe to papi dev.
      expect(readlinkSync(`/proc/${service}/fd/1`)).toBe(logFile);
      const id = `dev-log-${Date.now()}`;
      expect((await fetch(`${dev.url}/customer/22`, { headers: { 'x-request-id': id } })).status).toBe(200);
      let line: Record<string, unknown> | undefined;
      for (let i = 0; i < 100 && !line; i++) {
        const found = readFileSync(logFile, 'utf8').split('\n').find((l) => l.includes(id));
        if (found) line = JSON.parse(found) as Record<string, unknown>;
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(line).toMatchObject({ level: 'info', event: 'request', requestId: id, method: 'GET', path: '/customer/:ids', status: 200, ids: 1 });
    } finally {
      dev.child.kill('SIGTERM');
      await dev.exit;
    }
  });

  it('prints each request for people as the service answers it, and --no-request-log prints none (#17.12)', async () => {
    for (const quiet of [false, true]) {
      const dev = await startDev(quiet ? ['--no-request-log'] : []);
      try {
        expect((await fetch(`${dev.url}/customer/22`)).status).toBe(200);
        expect((await fetch(`${dev.url}/customer/22,196`)).status).toBe(200);
        // The log file is read every quarter second: give it a few.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const printed = dev.stdout();
        if (quiet) expect(printed).not.toMatch(/GET \/customer/);
        else {
          expect(printed).toMatch(/^\d\d:\d\d:\d\d\.\d{3} GET \/customer\/:ids 200 · 1 id · (HIT|MISS) · [\d.]+ ms$/m);
          expect(printed).toMatch(/GET \/customer\/:ids 200 · 2 ids/);
          expect(printed).not.toMatch(/"event"/);
        }
      } finally {
        dev.child.kill('SIGTERM');
        await dev.exit;
      }
    }
  });

  it('a second papi dev on a port in use says so plainly (exit 2), not a raw EADDRINUSE', async () => {
    const dev = await startDev();
    try {
      const port = new URL(dev.url).port;
      const second = await papi('dev', '--port', port);
      expect(second.exitCode).toBe(2);
      expect(second.stderr).toContain(`port ${port} is already in use`);
      expect(second.stderr).toMatch(/papi dev --port/);
      expect(second.stderr).not.toMatch(/EADDRINUSE/);
    } finally {
      dev.child.kill('SIGTERM');
      await dev.exit;
    }
  });
});

describe('the test page behind the ingress', () => {
  it('is served with no external resources, and its relative customer/ URL reaches the API', async () => {
    const deploy = await papi('deploy', '--json');
    if (deploy.exitCode !== 0) throw new Error(`papi deploy exited ${deploy.exitCode}\n${deploy.stderr}`);
    const { url } = JSON.parse(deploy.stdout) as { url: string };
    const token = (await papi('token')).stdout.trim();
    const headers = { authorization: `Snowflake Token="${token}"` };

    const pageUrl = `${url}/test`;
    const page = await fetch(pageUrl, { headers });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|https?:\/\//);
    // The page's script fetches 'customer/' + ids relative to itself, as a browser resolves it.
    const relative = /const url = '([^']+)' \+/.exec(html)?.[1];
    expect(relative).toBe('customer/');
    const api = await fetch(new URL(`${relative}22`, pageUrl), { headers });
    expect(api.status).toBe(200);
    expect(await api.json()).toEqual([row22]);
  });
});

// `papi -c NAME` against a papi local started on its own (`papi local start --port P`), reached only
// through a connections.toml entry with host, port and protocol, as any Snowflake account is: setup,
// deploy, token, get 22 and teardown through the real driver, real HTTP and real processes. Nothing
// here tells papi that the account is papi local; papi local says so itself (CURRENT_REGION()).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDeployment } from '../deploy/deployment.js';
import { connect, type Connection } from '../snowflake/driver.js';
import { runCli, tempDir, type CliRun } from './support/cli.js';
import { startLocalProcess, writeConnections, type LocalProcess } from './support/local-process.js';

const root = tempDir('papi-conn-url-');
const home = join(root, 'home');
const project = join(root, 'project');
let local: LocalProcess;
let admin: Connection;

const env = () => ({ HOME: home, SNOWFLAKE_HOME: join(home, '.snowflake'), XDG_CACHE_HOME: join(root, 'cache'), NO_COLOR: '1' });
const papi = (...argv: string[]): Promise<CliRun> => runCli([...argv, '-c', 'loc'], { cwd: project, env: env() });

function must(run: CliRun): CliRun {
  if (run.code !== 0) throw new Error(`papi exited ${run.code}\n${run.stderr}\n${run.stdout}`);
  return run;
}

beforeAll(async () => {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(project, { recursive: true });
  local = await startLocalProcess(join(root, 'local'));
  await writeConnections(home, {
    loc: {
      account: local.account,
      user: local.user,
      password: local.password,
      host: '127.0.0.1',
      port: local.port,
      protocol: 'http',
      role: 'ACCOUNTADMIN',
      client_session_keep_alive: true,
    },
  });
  admin = await connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: local.password, role: 'ACCOUNTADMIN' });
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await local?.stop();
  await rm(root, { recursive: true, force: true });
}, 60_000);

describe('papi -c NAME with host, port and protocol, against a papi local started on its own', () => {
  it('--verbose shows the account URL built from host, port and protocol', async () => {
    const run = await runCli(['setup', '--dry-run', '--verbose', '-c', 'loc'], { cwd: project, env: env() });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/connection\.port.*connections\.toml \[loc\]/);
    expect(run.stderr).not.toContain(local.password);
  });

  it('runs setup, deploy, token, get 22 and teardown', async () => {
    const setup = JSON.parse(must(await papi('setup', '--json')).stdout) as { target: string; steps: unknown[] };
    expect(setup.target).toBe('snowflake');

    const deployed = JSON.parse(must(await papi('deploy', '--json')).stdout) as { target: string; url: string };
    expect(deployed.target).toBe('snowflake');
    expect(deployed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const deployment = (await readDeployment(join(project, '.papi', 'deployment.json')))!;
    // /oauth/token and the SQL API live at the URL the connection describes.
    expect(deployment.accountUrl).toBe(`http://127.0.0.1:${local.port}`);

    const token = must(await papi('token')).stdout.trim();
    expect(token.length).toBeGreaterThan(20);

    const got = JSON.parse(must(await papi('get', '22', '--json')).stdout) as Array<{ USER_ID: number; RECOMMENDATIONS: unknown[] }>;
    const [row] = await admin.execute('SELECT USER_ID, RECOMMENDATIONS FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS WHERE USER_ID = ?', [22]);
    expect(got).toEqual([{ USER_ID: 22, RECOMMENDATIONS: row!.RECOMMENDATIONS }]);

    must(await papi('teardown', '--yes'));
    expect(await admin.execute("SHOW DATABASES LIKE 'API'")).toEqual([]);
    expect(await admin.execute("SHOW COMPUTE POOLS LIKE 'API'")).toEqual([]);
  }, 240_000);

  it('a bad key says what is wrong and what to do (exit 2)', async () => {
    const bad = async (entry: Record<string, string | number | boolean>) => {
      await writeConnections(home, { loc: { account: local.account, user: local.user, password: local.password, ...entry } });
      return papi('setup');
    };
    try {
      const protocol = await bad({ host: '127.0.0.1', port: local.port, protocol: 'ftp' });
      expect(protocol.code).toBe(2);
      expect(protocol.stderr).toMatch(/connections\.toml \[loc\] › connection\.protocol: expected one of https, http, got "ftp"/);
      expect(protocol.stderr).toMatch(/Fix the key in the connection/);

      const port = await bad({ host: '127.0.0.1', port: 'eighty', protocol: 'http' });
      expect(port.code).toBe(2);
      expect(port.stderr).toMatch(/connection\.port: expected an integer 1–65535/);

      const hostWithPort = await bad({ host: `127.0.0.1:${local.port}`, protocol: 'http' });
      expect(hostWithPort.code).toBe(2);
      expect(hostWithPort.stderr).toMatch(new RegExp(`has a port in it; put the port in its own key \\(port = ${local.port}\\)`));

      const key = await bad({ host: '127.0.0.1', port: local.port, protocol: 'http', authenticator: 'SNOWFLAKE_JWT', private_key_file: join(root, 'nope.p8') });
      expect(key.code).toBe(2);
      expect(key.stderr).toMatch(/private_key_file .*nope\.p8 does not exist \(from .*connections\.toml \[loc\]\)/);

      const typo = await bad({ host: '127.0.0.1', prot: 'http', port: local.port });
      expect(typo.stderr).toMatch(/\[loc\] › prot: papi does not read this key \(did you mean port\?\)/);
    } finally {
      await writeConnections(home, {
        loc: { account: local.account, user: local.user, password: local.password, host: '127.0.0.1', port: local.port, protocol: 'http', role: 'ACCOUNTADMIN' },
      });
    }
  }, 120_000);
});

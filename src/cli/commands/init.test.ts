import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../__tests__/support/cli.js';
import { loadConfig } from '../../config/load.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dirs() {
  const cwd = tempDir('papi-init-');
  const home = tempDir('papi-home-');
  temps.push(cwd, home);
  return { cwd, home, env: { HOME: home, SNOWFLAKE_HOME: join(home, '.snowflake') } };
}

async function configIn(cwd: string, home: string) {
  return loadConfig({ cwd, env: { HOME: home }, warn: () => {}, debug: () => {} });
}

describe('papi init', () => {
  it('writes ./papi.yaml (0644) for papi local and says what to run next', async () => {
    const { cwd, home, env } = dirs();
    const run = await runCli(['init'], { cwd, env });
    expect(run.code).toBe(0);
    const path = join(cwd, 'papi.yaml');
    expect(run.stdout).toBe(`Wrote ${path} (target: local).\nNext: papi up\n`);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    const config = await configIn(cwd, home);
    expect(config.target).toBe('local');
    expect(config.configPath).toBe(path);
  });

  it('refuses to overwrite without --force (exit 2, with a hint), overwrites with it', async () => {
    const { cwd, env } = dirs();
    const path = join(cwd, 'papi.yaml');
    writeFileSync(path, 'version: 1\n# mine\n');
    const refused = await runCli(['init'], { cwd, env });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('already exists');
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(path, 'utf8')).toBe('version: 1\n# mine\n');

    const forced = await runCli(['init', '--force'], { cwd, env });
    expect(forced.code).toBe(0);
    expect(readFileSync(path, 'utf8')).toContain('target: local');
  });

  it('--json returns {path, target}', async () => {
    const { cwd, env } = dirs();
    const run = await runCli(['init', '--json', '--target', 'snowflake'], { cwd, env });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ path: join(cwd, 'papi.yaml'), target: 'snowflake' });
  });

  it('-c NAME targets Snowflake through that connection, and the file loads with it', async () => {
    const { cwd, home, env } = dirs();
    const run = await runCli(['init', '-c', 'my dev'], { cwd, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Next: papi setup');
    mkdirSync(join(home, '.snowflake'));
    const toml = join(home, '.snowflake', 'connections.toml');
    writeFileSync(toml, '["my dev"]\naccount = "acct"\nuser = "me"\n');
    chmodSync(toml, 0o600);
    const config = await configIn(cwd, home);
    expect(config.target).toBe('snowflake');
    expect(config.connectionName).toBe('my dev');
    expect(config.connection.account).toBe('acct');
  });

  it('rejects --target local with a connection, and an unknown target', async () => {
    const { cwd, env } = dirs();
    expect((await runCli(['init', '--target', 'local', '-c', 'dev'], { cwd, env })).code).toBe(2);
    expect((await runCli(['init', '--target', 'cloud'], { cwd, env })).code).toBe(2);
  });
});

/** git in `cwd`, blind to the machine's and the user's git configuration. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
}

describe('.papi/ stays out of git', () => {
  it('papi init adds .papi/ to an existing .gitignore once and says so; it creates no .gitignore', async () => {
    const { cwd, env } = dirs();
    const gitignore = join(cwd, '.gitignore');
    writeFileSync(gitignore, 'node_modules/');
    const run = await runCli(['init'], { cwd, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Added .papi/ to ${gitignore}`);
    expect(readFileSync(gitignore, 'utf8')).toBe('node_modules/\n.papi/\n');
    const again = await runCli(['init', '--force', '--json'], { cwd, env });
    expect(JSON.parse(again.stdout)).toEqual({ path: join(cwd, 'papi.yaml'), target: 'local' });
    expect(readFileSync(gitignore, 'utf8')).toBe('node_modules/\n.papi/\n');

    const bare = dirs();
    expect((await runCli(['init'], { cwd: bare.cwd, env: bare.env })).code).toBe(0);
    expect(existsSync(join(bare.cwd, '.gitignore'))).toBe(false);
  });

  it("in a git repository without a .gitignore, papi local's admin password and secret key are never added (.papi/.gitignore)", async () => {
    const { cwd, env } = dirs();
    git(cwd, 'init', '-q');
    expect((await runCli(['init'], { cwd, env })).code).toBe(0);
    const started = await runCli(['local', 'start', '--detach', '--json'], { cwd, env });
    try {
      expect(started.code, started.stderr).toBe(0);
    } finally {
      await runCli(['local', 'stop'], { cwd, env });
    }
    expect(existsSync(join(cwd, '.papi', 'local', 'admin-password'))).toBe(true);
    expect(readFileSync(join(cwd, '.papi', '.gitignore'), 'utf8')).toMatch(/^\*$/m);
    git(cwd, 'add', '-A');
    expect(git(cwd, 'status', '--porcelain', '--untracked-files=all')).toBe('A  papi.yaml\n');
  });
});

describe('papi --verbose: where each setting came from', () => {
  it('prints one line per non-default value on stderr, secrets as ***', async () => {
    const { cwd, env } = dirs();
    writeFileSync(join(cwd, 'papi.yaml'), 'version: 1\nrecommender:\n  topN: 5\n');
    const run = await runCli(['--verbose', 'setup', '--dry-run'], {
      cwd,
      env: { ...env, PAPI_LOCAL_PORT: '9999', SNOWFLAKE_ACCOUNT: 'acct', SNOWFLAKE_PASSWORD: 'sekrit' },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('recommender.topN = 5 (papi.yaml:3)');
    expect(run.stderr).toContain('local.port = 9999 (env PAPI_LOCAL_PORT)');
    expect(run.stderr).toContain('target = snowflake (env SNOWFLAKE_ACCOUNT)');
    expect(run.stderr).toContain('connection.password = *** (env SNOWFLAKE_PASSWORD)');
    expect(run.stderr + run.stdout).not.toContain('sekrit');
  });

  it('a malformed papi.yaml exits 2 with every problem', async () => {
    const { cwd, env } = dirs();
    writeFileSync(join(cwd, 'papi.yaml'), 'version: 1\nservice:\n  port: "80a"\nlocal:\n  port: -1\n');
    const run = await runCli(['setup', '--dry-run'], { cwd, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('papi.yaml:3 › service.port: expected an integer 1–65535, got "80a"');
    expect(run.stderr).toContain('papi.yaml:5 › local.port: expected an integer 0–65535, got -1');
  });
});

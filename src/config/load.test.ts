import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../ui/errors.js';
import { DEFAULT_OBJECTS } from './defaults.js';
import { loadConfig, provenanceOf, type LoadOptions } from './load.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A project dir and a temp HOME; files are written relative to them. */
function sandbox() {
  const project = temp('papi-config-');
  const home = temp('papi-home-');
  return {
    project,
    home,
    yaml(text: string, name = 'papi.yaml') {
      writeFileSync(join(project, name), text);
    },
    snowflake(file: 'connections.toml' | 'config.toml', text: string, mode = 0o600) {
      mkdirSync(join(home, '.snowflake'), { recursive: true });
      const path = join(home, '.snowflake', file);
      writeFileSync(path, text);
      chmodSync(path, mode);
      return path;
    },
  };
}

interface Run {
  warnings: string[];
  debug: string[];
}

async function load(box: ReturnType<typeof sandbox>, options: Partial<LoadOptions> = {}, run: Run = { warnings: [], debug: [] }) {
  return loadConfig({
    cwd: box.project,
    warn: (m) => run.warnings.push(m),
    debug: (m) => run.debug.push(m),
    ...options,
    env: { HOME: box.home, ...options.env },
  });
}

async function loadError(box: ReturnType<typeof sandbox>, options: Partial<LoadOptions> = {}): Promise<ConfigError> {
  const error = await load(box, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

const DEV = `[dev]
account = "toml-account"
user = "toml_user"
role = "TOML_ROLE"
warehouse = "TOML_WH"
password = "toml-secret"
`;

describe('loadConfig: defaults and target', () => {
  it('with nothing configured: papi local, tutorial names, no connection, frozen', async () => {
    const box = sandbox();
    const config = await load(box);
    expect(config.target).toBe('local');
    expect(config.connection).toEqual({});
    expect(config.connectionName).toBeUndefined();
    expect(config.snowflake).toEqual(DEFAULT_OBJECTS);
    expect(config.projectDir).toBe(box.project);
    expect(config.local.dataDir).toBe(join(box.project, '.papi/local'));
    expect(Object.isFrozen(config.service.cache)).toBe(true);
    expect(() => {
      (config.service as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('a connections.toml alone does not switch the target (and is not even read)', async () => {
    const box = sandbox();
    box.snowflake('connections.toml', `[default]\naccount = "acct"\nuser = "u"\n`, 0o644); // too open, yet ignored
    const config = await load(box);
    expect(config.target).toBe('local');
    expect(config.connection).toEqual({});
  });

  it.each([
    ['-c NAME', { connectionName: 'dev' }, 'flag --connection'],
    ['PAPI_TARGET=snowflake', { env: { PAPI_TARGET: 'snowflake' } }, 'env PAPI_TARGET'],
    ['SNOWFLAKE_ACCOUNT', { env: { SNOWFLAKE_ACCOUNT: 'env-acct' } }, 'env SNOWFLAKE_ACCOUNT'],
  ] as const)('%s selects Snowflake', async (_label, options, where) => {
    const box = sandbox();
    box.snowflake('connections.toml', DEV);
    const run = { warnings: [], debug: [] };
    const config = await load(box, options, run);
    expect(config.target).toBe('snowflake');
    expect(run.debug).toContain(`target = snowflake (${where})`);
  });

  it('target: snowflake in papi.yaml selects Snowflake; PAPI_TARGET=local forces local over it and over -c', async () => {
    const box = sandbox();
    box.yaml('version: 1\ntarget: snowflake\n');
    box.snowflake('connections.toml', '[default]\naccount = "a"\n');
    expect((await load(box)).target).toBe('snowflake');
    const run = { warnings: [] as string[], debug: [] as string[] };
    const forced = await load(box, { connectionName: 'dev', env: { PAPI_TARGET: 'local', SNOWFLAKE_ACCOUNT: 'x' } }, run);
    expect(forced.target).toBe('local');
    expect(forced.connection).toEqual({});
    expect(run.warnings.join('\n')).toContain('--connection dev ignored');
  });

  it('PAPI_TARGET must be local or snowflake', async () => {
    const error = await loadError(sandbox(), { env: { PAPI_TARGET: 'cloud' } });
    expect(error.message).toContain('PAPI_TARGET › target: expected local or snowflake, got "cloud"');
  });
});

describe('loadConfig: precedence, each source beats the next', () => {
  const yamlRole = 'version: 1\nconnection:\n  role: YAML_ROLE\n';

  it('connection.role: flag > SNOWFLAKE_CONNECTIONS_<NAME>_ROLE > papi.yaml > connections.toml > SNOWFLAKE_ROLE', async () => {
    const box = sandbox();
    box.snowflake('connections.toml', DEV);
    const env = { SNOWFLAKE_CONNECTIONS_DEV_ROLE: 'CONN_ENV_ROLE', SNOWFLAKE_ROLE: 'GENERIC_ROLE' };
    const flags = [{ path: 'connection.role', value: 'FLAG_ROLE', flag: '--role' }];
    box.yaml(yamlRole);
    const role = async (o: Partial<LoadOptions>) => (await load(box, { connectionName: 'dev', ...o })).connection.role;

    expect(await role({ env, flags })).toBe('FLAG_ROLE');
    expect(await role({ env })).toBe('CONN_ENV_ROLE');
    expect(await role({ env: { SNOWFLAKE_ROLE: 'GENERIC_ROLE' } })).toBe('YAML_ROLE');
    box.yaml('version: 1\n');
    expect(await role({ env: { SNOWFLAKE_ROLE: 'GENERIC_ROLE' } })).toBe('TOML_ROLE');
    box.snowflake('connections.toml', '[dev]\naccount = "a"\n');
    expect(await role({ env: { SNOWFLAKE_ROLE: 'GENERIC_ROLE' } })).toBe('GENERIC_ROLE');
    expect(await role({})).toBeUndefined();
  });

  it('connectionName: -c > SNOWFLAKE_DEFAULT_CONNECTION_NAME > papi.yaml > default_connection_name > "default"', async () => {
    const box = sandbox();
    box.snowflake('config.toml', 'default_connection_name = "fromconfig"\n');
    box.snowflake(
      'connections.toml',
      ['flag', 'envname', 'yamlname', 'fromconfig', 'default'].map((n) => `[${n}]\naccount = "acct_${n}"\n`).join('\n'),
    );
    const env = { PAPI_TARGET: 'snowflake', SNOWFLAKE_DEFAULT_CONNECTION_NAME: 'envname' };
    box.yaml('version: 1\nconnection:\n  name: yamlname\n');
    const account = async (o: Partial<LoadOptions>) => (await load(box, o)).connection.account;
    expect(await account({ connectionName: 'flag', env })).toBe('acct_flag');
    expect(await account({ env })).toBe('acct_envname');
    expect(await account({ env: { PAPI_TARGET: 'snowflake' } })).toBe('acct_yamlname');
    box.yaml('version: 1\n');
    expect(await account({ env: { PAPI_TARGET: 'snowflake' } })).toBe('acct_fromconfig');
    box.snowflake('config.toml', '');
    expect(await account({ env: { PAPI_TARGET: 'snowflake' } })).toBe('acct_default');
  });

  it('local.port: flag > PAPI_LOCAL_PORT > papi.yaml > default', async () => {
    const box = sandbox();
    box.yaml('version: 1\nlocal:\n  port: 7000\n');
    const port = async (o: Partial<LoadOptions>) => (await load(box, o)).local.port;
    expect(await port({ env: { PAPI_LOCAL_PORT: '7100' }, flags: [{ path: 'local.port', value: 7200, flag: '--port' }] })).toBe(7200);
    expect(await port({ env: { PAPI_LOCAL_PORT: '7100' } })).toBe(7100);
    expect(await port({})).toBe(7000);
    box.yaml('version: 1\n');
    expect(await port({})).toBe(0);
  });

  it('snowflake.api.tableType: PAPI_TABLE_TYPE beats papi.yaml', async () => {
    const box = sandbox();
    box.yaml('version: 1\nsnowflake:\n  api:\n    tableType: standard\n');
    expect((await load(box)).snowflake.api.tableType).toBe('standard');
    expect((await load(box, { env: { PAPI_TABLE_TYPE: 'hybrid' } })).snowflake.api.tableType).toBe('hybrid');
  });
});

describe('loadConfig: provenance', () => {
  it('--verbose lines: one per non-default value, with file:line, env name, flag; secrets as ***', async () => {
    const box = sandbox();
    box.yaml('version: 1\n\nservice:\n  port: 8080\n  cache:\n    ttlSeconds: 60\n');
    const tomlPath = box.snowflake('connections.toml', DEV);
    expect(tomlPath.startsWith(box.home)).toBe(true);
    const run = { warnings: [] as string[], debug: [] as string[] };
    const config = await load(box, { connectionName: 'dev', env: { PAPI_LOCAL_PORT: '9000' } }, run);
    expect(run.debug).toEqual(
      expect.arrayContaining([
        'service.port = 8080 (papi.yaml:4)',
        'service.cache.ttlSeconds = 60 (papi.yaml:6)',
        'local.port = 9000 (env PAPI_LOCAL_PORT)',
        'target = snowflake (flag --connection)',
        'connectionName = dev (flag --connection)',
        'connection.user = toml_user (~/.snowflake/connections.toml [dev])',
        'connection.password = *** (~/.snowflake/connections.toml [dev])',
      ]),
    );
    expect(run.debug.join('\n')).not.toContain('toml-secret');
    expect(run.debug.some((line) => line.startsWith('snowflake.adminRole'))).toBe(false);
    expect(config.connection.password).toBe('toml-secret');
    const provenance = provenanceOf(config)!;
    expect(provenance.get('snowflake.adminRole')).toEqual({ kind: 'default', where: 'default' });
    expect(provenance.get('service.port')).toEqual({ kind: 'papi.yaml', where: 'papi.yaml:4' });
  });
});

describe('loadConfig: papi.yaml validation', () => {
  it('reports every problem at once, with line and path', async () => {
    const box = sandbox();
    box.yaml(
      [
        'version: 1',
        'target: cloud',
        'snowflake:',
        '  adminRole: ml-model-role',
        '  warehouse:',
        '    size: HUGE',
        '  computePool:',
        '    minNodes: 3',
        '    maxNodes: 2',
        'service:',
        '  port: "80a"',
        '  cache: 5',
        'local:',
        '  port: 70000',
      ].join('\n'),
    );
    const error = await loadError(box, { env: { PAPI_LOCAL_DIR: '' } });
    const lines = error.message.split('\n').slice(1).map((l) => l.trim());
    expect(error.message).toMatch(/^6 problems in the configuration:/);
    expect(lines).toEqual(
      expect.arrayContaining([
        'papi.yaml:2 › target: expected one of local, snowflake, got "cloud"',
        expect.stringMatching(/^papi\.yaml:4 › snowflake\.adminRole: not a plain Snowflake name.*"ml-model-role"/),
        expect.stringMatching(/^papi\.yaml:6 › snowflake\.warehouse\.size: expected one of XSMALL, .*got "HUGE"$/),
        'papi.yaml:11 › service.port: expected an integer 1–65535, got "80a"',
        'papi.yaml:12 › service.cache: expected a mapping, got 5',
        'papi.yaml:14 › local.port: expected an integer 0–65535, got 70000',
      ]),
    );
    expect(error.exitCode).toBe(2);
  });

  it('lists problems in line order, and still warns about unknown keys when the file is invalid', async () => {
    const box = sandbox();
    box.yaml('version: 1\ntarget: cloud\nservice:\n  prot: 1\n  port: "80a"\nconnection:\n  password: x\n');
    const warnings: string[] = [];
    const error = await load(box, {}, { warnings, debug: [] }).catch((e: unknown) => e as ConfigError);
    expect((error as ConfigError).message.split('\n').slice(1).map((l) => l.trim().split(' ')[0])).toEqual(['papi.yaml:2', 'papi.yaml:5', 'papi.yaml:7']);
    expect(warnings).toEqual(['papi.yaml:4 › service.prot: unknown key, ignored (did you mean service.port?)']);
  });

  it('checks across settings after the merge, blaming the right source', async () => {
    const box = sandbox();
    box.yaml('version: 1\nsnowflake:\n  computePool:\n    minNodes: 3\n    maxNodes: 2\n');
    const error = await loadError(box);
    expect(error.message).toContain('papi.yaml:5 › snowflake.computePool.maxNodes: 2 is less than snowflake.computePool.minNodes (3, from papi.yaml:4)');
  });

  it('reports bad env values together with file problems', async () => {
    const box = sandbox();
    box.yaml('version: 1\nrecommender:\n  topN: 0\n');
    const error = await loadError(box, { env: { PAPI_LOCAL_PORT: 'abc', PAPI_TABLE_TYPE: 'columnar' } });
    expect(error.message).toContain('papi.yaml:3 › recommender.topN: expected an integer 1–1000, got 0');
    expect(error.message).toContain('PAPI_LOCAL_PORT › local.port: expected an integer 0–65535, got "abc"');
    expect(error.message).toContain('PAPI_TABLE_TYPE › snowflake.api.tableType: expected one of hybrid, standard, got "columnar"');
  });

  it('reads recommender.algorithm and halfLife, and names the algorithms on a wrong one', async () => {
    const box = sandbox();
    box.yaml('version: 1\nrecommender:\n  algorithm: user-knn\n  neighbors: 9\n  halfLife: 5\n');
    expect((await load(box)).recommender).toEqual({ algorithm: 'user-knn', neighbors: 9, halfLife: 5, factors: 20, iterations: 10, topN: 10 });
    const defaults = sandbox();
    defaults.yaml('version: 1\n');
    expect((await load(defaults)).recommender).toEqual({ algorithm: 'item-knn', neighbors: 10, halfLife: 3, factors: 20, iterations: 10, topN: 10 });
    const wrong = sandbox();
    wrong.yaml('version: 1\nrecommender:\n  algorithm: ease\n');
    expect((await loadError(wrong)).message).toContain('papi.yaml:3 › recommender.algorithm: expected one of item-knn, user-knn, popularity, puresvd, got "ease"');
  });

  it('requires version: 1', async () => {
    const box = sandbox();
    box.yaml('target: local\n');
    expect((await loadError(box)).message).toContain('papi.yaml:1 › version: missing');
    box.yaml('version: 2\n');
    const error = await loadError(box);
    expect(error.message).toContain('papi.yaml:1 › version: this papi reads papi.yaml version 1, the file says 2');
    expect(error.hint).toContain('version: 1');
  });

  it('reports YAML syntax errors with their line', async () => {
    const box = sandbox();
    box.yaml('version: 1\nservice:\n  port: [8001\nlocal: {\n');
    const error = await loadError(box);
    expect(error.message).toMatch(/papi\.yaml:\d+: YAML syntax: /);
  });

  it('warns about unknown keys with a suggestion, and still loads', async () => {
    const box = sandbox();
    box.yaml('version: 1\nservice:\n  prot: 8080\n  cache:\n    ttl_seconds: 5\nsnowflake:\n  computePool:\n    max_nodes: 3\nextra: 1\n');
    const run = { warnings: [] as string[], debug: [] as string[] };
    const config = await load(box, {}, run);
    expect(config.service.port).toBe(8001);
    expect(run.warnings).toEqual([
      'papi.yaml:3 › service.prot: unknown key, ignored (did you mean service.port?)',
      'papi.yaml:5 › service.cache.ttl_seconds: unknown key, ignored (did you mean service.cache.ttlSeconds?)',
      'papi.yaml:8 › snowflake.computePool.max_nodes: unknown key, ignored (did you mean snowflake.computePool.maxNodes?)',
      'papi.yaml:9 › extra: unknown key, ignored',
    ]);
  });

  it('refuses secrets in papi.yaml, saying where they go', async () => {
    const box = sandbox();
    box.yaml(
      'version: 1\nconnection:\n  password: hunter2\n  private_key_file_pwd: x\n  token: abc\nsnowflake:\n  notes: "-----BEGIN PRIVATE KEY-----\\nMIIE"\n',
    );
    const error = await loadError(box);
    expect(error.message).toContain('papi.yaml:3 › connection.password: secrets do not belong in papi.yaml');
    expect(error.message).toContain('papi.yaml:4 › connection.private_key_file_pwd: secrets do not belong');
    expect(error.message).toContain('papi.yaml:5 › connection.token: secrets do not belong');
    expect(error.message).toContain('papi.yaml:7 › snowflake.notes: a private key does not belong in papi.yaml');
    expect(error.message).not.toContain('hunter2');
    expect(error.hint).toContain('SNOWFLAKE_PASSWORD');
    expect(error.hint).toContain('connections.toml');
  });

  it('finds papi.yaml in the nearest ancestor; --config and PAPI_CONFIG pick another; a missing one is an error', async () => {
    const box = sandbox();
    box.yaml('version: 1\nservice:\n  port: 8100\n');
    box.yaml('version: 1\nservice:\n  port: 8200\n', 'other.yaml');
    const sub = join(box.project, 'a', 'b');
    mkdirSync(sub, { recursive: true });
    const fromSub = await load(box, { cwd: sub });
    expect(fromSub.service.port).toBe(8100);
    expect(fromSub.projectDir).toBe(box.project);
    expect(fromSub.local.dataDir).toBe(join(box.project, '.papi/local'));
    expect((await load(box, { env: { PAPI_CONFIG: 'other.yaml' } })).service.port).toBe(8200);
    expect((await load(box, { configPath: 'papi.yaml', env: { PAPI_CONFIG: 'other.yaml' } })).service.port).toBe(8100);
    const missing = await loadError(box, { configPath: 'nope.yaml' });
    expect(missing.message).toContain('--config nope.yaml: no such file');
  });
});

describe('loadConfig: Snowflake connections', () => {
  it('reads [connections.NAME] from config.toml when there is no connections.toml', async () => {
    const box = sandbox();
    box.snowflake('config.toml', 'default_connection_name = "main"\n[connections.main]\naccount = "cfg-acct"\nuser = "cfg_user"\n');
    const config = await load(box, { env: { PAPI_TARGET: 'snowflake' } });
    expect(config.connectionName).toBe('main');
    expect(config.connection).toMatchObject({ account: 'cfg-acct', user: 'cfg_user' });
  });

  it("connections.toml's connections replace config.toml's", async () => {
    const box = sandbox();
    box.snowflake('config.toml', '[connections.dev]\naccount = "cfg-acct"\n');
    box.snowflake('connections.toml', DEV);
    expect((await load(box, { connectionName: 'dev' })).connection.account).toBe('toml-account');
  });

  it('honours SNOWFLAKE_HOME', async () => {
    const box = sandbox();
    const other = temp('papi-sfhome-');
    writeFileSync(join(other, 'connections.toml'), '[default]\naccount = "elsewhere"\n', { mode: 0o600 });
    const config = await load(box, { env: { SNOWFLAKE_HOME: other, PAPI_TARGET: 'snowflake' } });
    expect(config.connection.account).toBe('elsewhere');
  });

  it('maps key names: private_key_path, passphrase from PRIVATE_KEY_PASSPHRASE, ~ expanded, authenticator upper-cased, host → accessUrl', async () => {
    const box = sandbox();
    box.snowflake(
      'connections.toml',
      '[kp]\naccount = "a"\nuser = "u"\nauthenticator = "snowflake_jwt"\nprivate_key_path = "~/keys/rsa.p8"\nhost = "a.example.com"\ntoken_file_path = "/tmp/tok"\n',
    );
    const config = await load(box, { connectionName: 'kp', env: { PRIVATE_KEY_PASSPHRASE: 'pp' } });
    expect(config.connection).toEqual({
      account: 'a',
      user: 'u',
      authenticator: 'SNOWFLAKE_JWT',
      privateKeyPath: join(box.home, 'keys/rsa.p8'),
      privateKeyPassphrase: 'pp',
      host: 'a.example.com',
      accessUrl: 'https://a.example.com',
      tokenFilePath: '/tmp/tok',
    });
  });

  it('host, port, protocol, region and client_session_keep_alive reach the connection; generic SNOWFLAKE_* sit below the file', async () => {
    const box = sandbox();
    box.snowflake('connections.toml', '[loc]\naccount = "PAPI"\nhost = "127.0.0.1"\nport = 8123\nprotocol = "HTTP"\nclient_session_keep_alive = true\n');
    const config = await load(box, { connectionName: 'loc', env: { SNOWFLAKE_PORT: '9999', SNOWFLAKE_REGION: 'us-east-2' } });
    expect(config.connection).toMatchObject({ host: '127.0.0.1', port: 8123, protocol: 'http', region: 'us-east-2', clientSessionKeepAlive: true, accessUrl: 'http://127.0.0.1:8123' });
    const byEnv = await load(box, { connectionName: 'loc', env: { SNOWFLAKE_CONNECTIONS_LOC_CLIENT_SESSION_KEEP_ALIVE: 'no', SNOWFLAKE_CONNECTIONS_LOC_PORT: '8200' } });
    expect(byEnv.connection).toMatchObject({ clientSessionKeepAlive: false, accessUrl: 'http://127.0.0.1:8200' });
  });

  it('a locator and a region without a host make <account>.<region>.snowflakecomputing.com', async () => {
    const box = sandbox();
    const config = await load(box, { env: { SNOWFLAKE_ACCOUNT: 'xy12345', SNOWFLAKE_REGION: 'eu-west-1' } });
    expect(config.connection.accessUrl).toBe('https://xy12345.eu-west-1.snowflakecomputing.com');
  });

  it('bad host, port and protocol keys are problems naming the connection and what to do', async () => {
    const box = sandbox();
    box.snowflake('connections.toml', '[x]\naccount = "a"\nport = 0\nprotocol = "ftp"\nclient_session_keep_alive = "maybe"\n');
    const error = await loadError(box, { connectionName: 'x' });
    expect(error.message).toMatch(/\[x\] › connection\.port: expected an integer 1–65535/);
    expect(error.message).toMatch(/\[x\] › connection\.protocol: expected one of https, http, got "ftp"/);
    expect(error.message).toMatch(/\[x\] › connection\.clientSessionKeepAlive/);
    expect(error.hint).toMatch(/client_session_keep_alive/);
    box.snowflake('connections.toml', '[x]\naccount = "a"\nhost = "https://a.example.com/x"\n');
    expect((await loadError(box, { connectionName: 'x' })).message).toMatch(/connection\.host: .* has a path/);
  });

  it('http to a host other than this machine is warned about', async () => {
    const box = sandbox();
    box.snowflake('connections.toml', '[x]\naccount = "a"\nhost = "a.example.com"\nprotocol = "http"\n');
    const run: Run = { warnings: [], debug: [] };
    await load(box, { connectionName: 'x' }, run);
    expect(run.warnings.join('\n')).toMatch(/protocol http to a\.example\.com: passwords and tokens travel unencrypted/);
  });

  it('env alone (no files) is a complete connection', async () => {
    const box = sandbox();
    const config = await load(box, { env: { SNOWFLAKE_ACCOUNT: 'acct', SNOWFLAKE_USER: 'me', SNOWFLAKE_PASSWORD: 'pw' } });
    expect(config.connectionName).toBe('default');
    expect(config.connection).toEqual({ account: 'acct', user: 'me', password: 'pw', accessUrl: 'https://acct.snowflakecomputing.com' });
  });

  it('an unknown authenticator is a problem', async () => {
    const box = sandbox();
    box.snowflake('connections.toml', '[default]\naccount = "a"\nauthenticator = "magic"\n');
    const error = await loadError(box, { env: { PAPI_TARGET: 'snowflake' } });
    expect(error.message).toContain('~/.snowflake/connections.toml [default] › connection.authenticator: expected one of SNOWFLAKE, SNOWFLAKE_JWT');
  });

  it('a named connection that does not exist is an error listing the known ones', async () => {
    const box = sandbox();
    box.snowflake('connections.toml', DEV);
    const error = await loadError(box, { connectionName: 'prod' });
    expect(error.message).toContain('--connection › connectionName: no connection named "prod" in ~/.snowflake/connections.toml; known: dev');
  });

  it.each([0o644, 0o640, 0o604, 0o620])('refuses a connections.toml with mode %s, saying how to fix it', async (mode) => {
    const box = sandbox();
    const path = box.snowflake('connections.toml', DEV, mode);
    const error = await loadError(box, { connectionName: 'dev' });
    expect(error.message).toContain('~/.snowflake/connections.toml: readable or writable by group or others');
    expect(error.hint).toContain(`chmod 0600 "${path}"`);
  });

  it('refuses a config.toml that is too open, too', async () => {
    const box = sandbox();
    box.snowflake('config.toml', '[connections.dev]\naccount = "a"\n', 0o644);
    const error = await loadError(box, { connectionName: 'dev' });
    expect(error.message).toContain('~/.snowflake/config.toml: readable or writable by group or others (mode 0644)');
  });

  it('reports TOML syntax errors with file and line', async () => {
    const box = sandbox();
    box.snowflake('connections.toml', '[dev]\naccount = "a"\nuser = \n');
    const error = await loadError(box, { connectionName: 'dev' });
    expect(error.message).toMatch(/^~\/\.snowflake\/connections\.toml:3: TOML syntax: /);
  });
});

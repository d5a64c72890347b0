import { describe, expect, it } from 'vitest';
import { accessUrlFromHost, readSettings, SettingsError } from './settings.js';

const noFile = () => false;
const passwordEnv = { SNOWFLAKE_ACCOUNT: 'ACME', SNOWFLAKE_USER: 'svc', SNOWFLAKE_PASSWORD: 'pw' };

function problems(env: Record<string, string>, fileExists = noFile): string[] {
  try {
    readSettings(env, fileExists);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  return [];
}

describe('readSettings', () => {
  it('has the documented defaults', () => {
    const settings = readSettings(passwordEnv, noFile);
    expect(settings).toMatchObject({
      host: '0.0.0.0',
      port: 8001,
      tableSql: '"API"."DATA"."HYBRID_MOVIE_RECOMMENDATIONS"',
      idFormat: 'numeric',
      maxIds: 100,
      cache: { ttlSeconds: 180, honorNoCache: false },
      // Two connections, both opened at start (bench:cold measured 2 against 4).
      pool: { min: 2, max: 2 },
      connection: { kind: 'password', account: 'ACME', username: 'svc', password: 'pw' },
    });
  });

  it('uses OAuth with the token file inside SPCS, SNOWFLAKE_HOST as https URL', () => {
    const env = { SNOWFLAKE_ACCOUNT: 'ACME', SNOWFLAKE_HOST: 'acme.snowflakecomputing.com', SNOWFLAKE_DATABASE: 'API', SNOWFLAKE_SCHEMA: 'PUBLIC' };
    const settings = readSettings(env, (path) => path === '/snowflake/session/token');
    expect(settings.connection).toEqual({
      kind: 'token-file',
      tokenFile: '/snowflake/session/token',
      account: 'ACME',
      accessUrl: 'https://acme.snowflakecomputing.com',
      database: 'API',
      schema: 'PUBLIC',
      warehouse: undefined,
      role: undefined,
    });
  });

  it('takes PAPI_TOKEN_FILE and a SNOWFLAKE_HOST with scheme and port (papi local)', () => {
    const settings = readSettings(
      { SNOWFLAKE_ACCOUNT: 'PAPI', SNOWFLAKE_HOST: 'http://127.0.0.1:4545/', PAPI_TOKEN_FILE: '/tmp/x/token' },
      noFile,
    );
    expect(settings.connection).toMatchObject({ kind: 'token-file', tokenFile: '/tmp/x/token', accessUrl: 'http://127.0.0.1:4545' });
  });

  it('uses a key pair when SNOWFLAKE_PRIVATE_KEY_PATH is set', () => {
    const settings = readSettings(
      { SNOWFLAKE_ACCOUNT: 'ACME', SNOWFLAKE_USER: 'svc', SNOWFLAKE_PRIVATE_KEY_PATH: '/k.p8', PRIVATE_KEY_PASSPHRASE: 'pp', SNOWFLAKE_ACCESS_URL: 'http://localhost:1' },
      noFile,
    );
    expect(settings.connection).toMatchObject({ kind: 'key-pair', privateKeyPath: '/k.p8', privateKeyPass: 'pp', accessUrl: 'http://localhost:1' });
  });

  it('reads the service settings', () => {
    const settings = readSettings(
      { ...passwordEnv, PORT: '9000', PAPI_SERVICE_PORT: '1', PAPI_HOST: '127.0.0.1', PAPI_TABLE: 'recs', PAPI_ID_FORMAT: 'alphanumeric', PAPI_MAX_IDS: '5', PAPI_CACHE_TTL_SECONDS: '0', PAPI_CACHE_MAX_ENTRIES: '10' },
      noFile,
    );
    expect(settings).toMatchObject({ port: 9000, host: '127.0.0.1', tableSql: '"RECS"', idFormat: 'alphanumeric', maxIds: 5, cache: { ttlSeconds: 0, maxEntries: 10 } });
    expect(readSettings({ ...passwordEnv, PAPI_SERVICE_PORT: '8123' }, noFile).port).toBe(8123);
    expect(readSettings({ ...passwordEnv, PAPI_CACHE_HONOR_NO_CACHE: 'true' }, noFile).cache.honorNoCache).toBe(true);
    expect(() => readSettings({ ...passwordEnv, PAPI_CACHE_HONOR_NO_CACHE: 'yes' }, noFile)).toThrow(/PAPI_CACHE_HONOR_NO_CACHE must be "true" or "false"/);
  });

  it('validates the table name and quotes reserved words', () => {
    expect(readSettings({ ...passwordEnv, PAPI_TABLE: 'db.data.user' }, noFile).tableSql).toBe('"DB"."DATA"."USER"');
    expect(problems({ ...passwordEnv, PAPI_TABLE: 'recs; DROP TABLE x' })).toEqual([expect.stringMatching(/not a plain Snowflake identifier/)]);
    expect(problems({ ...passwordEnv, PAPI_TABLE: 'a.b.c.d' })).toEqual([expect.stringMatching(/DATABASE.SCHEMA.TABLE/)]);
    expect(problems({ ...passwordEnv, PAPI_TABLE: 'a..c' })).toEqual([expect.stringMatching(/empty/)]);
  });

  it('reports every problem at once', () => {
    const found = problems({ PORT: 'x', PAPI_ID_FORMAT: 'uuid', PAPI_MAX_IDS: '0' });
    expect(found).toEqual([
      expect.stringMatching(/^PORT must be an integer/),
      expect.stringMatching(/^PAPI_ID_FORMAT/),
      expect.stringMatching(/^PAPI_MAX_IDS/),
      'SNOWFLAKE_ACCOUNT is not set',
      expect.stringMatching(/^SNOWFLAKE_USER is not set/),
      'set SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY_PATH',
    ]);
    expect(problems({ SNOWFLAKE_ACCOUNT: 'A' }, () => true)).toEqual([expect.stringMatching(/^SNOWFLAKE_HOST is not set/)]);
  });

  it('never puts a secret into a problem message', () => {
    const found = problems({ SNOWFLAKE_PASSWORD: 'hunter2-secret', PORT: 'nope' });
    expect(found.join(' ')).not.toContain('hunter2');
  });
});

describe('accessUrlFromHost', () => {
  it('adds https to a bare host and keeps an explicit scheme', () => {
    expect(accessUrlFromHost('a.b.com')).toBe('https://a.b.com');
    expect(accessUrlFromHost('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(accessUrlFromHost('127.0.0.1:8080', 'http')).toBe('http://127.0.0.1:8080');
    expect(accessUrlFromHost('127.0.0.1', 'http', '8080')).toBe('http://127.0.0.1:8080');
    expect(accessUrlFromHost('a.b.com', undefined, '443')).toBe('https://a.b.com:443');
  });
});

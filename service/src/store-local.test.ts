// The service's own composition (settings → Snowflake store → cache → app) against papi local through
// the real snowflake-sdk: a hybrid table set up by the admin, read by a least-privilege role that
// holds nothing but USAGE and SELECT. Checks rows, order, one statement per request, coalescing,
// X-Cache, strict mode, the cache switched off, hostile ids and what the logs leave out; and, on a
// papi local with short-lived sessions, the SPCS token file read afresh when a session expires.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocal, type LocalSnowflake } from '../../src/local/index.js';
import { connect, type Connection } from '../../src/snowflake/driver.js';
import { ADMIN_ONLY_TABLE, adminRows, BIG_ID, createRecommendationsTable, READER_ROLE, READER_USER, READER_WAREHOUSE, SEED, SERVICE_USER, TABLE } from './__tests__/local-table.js';
import { createLogger } from './log.js';
import { createServiceServer } from './http-server.js';
import { createService, type Service } from './service.js';
import { readSettings } from './settings.js';
import { warmUpId } from './warm-up.js';

const READER_PASSWORD = 'reader-Secret-4f9a1c';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let dir: string;
let local: LocalSnowflake;
let admin: Connection;
const logLines: string[] = [];
const services: Service[] = [];

/** The service as the reader role sees it, with settings read the way server.ts reads them. */
function startService(extraEnv: Record<string, string> = {}): Service {
  const settings = readSettings(
    {
      SNOWFLAKE_ACCOUNT: local.account,
      SNOWFLAKE_ACCESS_URL: local.accessUrl,
      SNOWFLAKE_USER: READER_USER,
      SNOWFLAKE_PASSWORD: READER_PASSWORD,
      SNOWFLAKE_ROLE: READER_ROLE,
      SNOWFLAKE_WAREHOUSE: READER_WAREHOUSE,
      PAPI_TABLE: TABLE,
      PAPI_POOL_MAX: '2',
      PAPI_STORE_TIMEOUT_MS: '10000',
      ...extraEnv,
    },
    () => false,
  );
  const service = createService(settings, createLogger((line) => logLines.push(line)));
  services.push(service);
  return service;
}

async function get(service: Service, path: string): Promise<{ status: number; body: unknown; cache: string | null; retryAfter: string | null }> {
  const response = await service.app.request(path);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text, and the test that reads it will say so
  }
  return { status: response.status, body, cache: response.headers.get('x-cache'), retryAfter: response.headers.get('retry-after') };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'papi-service-store-'));
  local = await startLocal({ dataDir: dir });
  admin = await connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: local.password, role: 'ACCOUNTADMIN' });
  await createRecommendationsTable(admin, READER_PASSWORD);
});

afterAll(async () => {
  await Promise.all(services.map((service) => service.close()));
  await admin?.close();
  await local?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Snowflake store against papi local, as a least-privilege role', () => {
  it("answers one id with the hybrid table's row, as the tutorial did", async () => {
    const service = startService();
    const expected = await adminRows(admin);
    const got = await get(service, '/customer/22');
    expect(got.status).toBe(200);
    expect(got.cache).toBe('MISS');
    expect(got.body).toEqual([{ USER_ID: 22, RECOMMENDATIONS: expected.get('22') }]);
    // The admin's view and the seed agree: the store neither drops nor rewrites fields.
    expect(expected.get('22')).toEqual(SEED.find(([id]) => id === '22')![1]);
  });

  it('answers many ids in the order asked, unknown ones absent, in ONE statement', async () => {
    const service = startService();
    const expected = await adminRows(admin);
    const before = service.statementCount();
    const got = await get(service, '/customer/196,999,2,1,404,3,4,0022');
    expect(got.status).toBe(200);
    expect(got.body).toEqual(['196', '2', '1', '3', '4', '22'].map((id) => ({ USER_ID: Number(id), RECOMMENDATIONS: expected.get(id) })));
    expect(service.statementCount() - before).toBe(1);
    // The same ids again, from the cache: no statement; a list mixing cached and new ids: one.
    expect((await get(service, '/customer/22,1')).cache).toBe('HIT');
    const partial = await get(service, '/customer/1,5,777');
    expect(partial.cache).toBe('PARTIAL');
    expect(partial.body).toEqual([
      { USER_ID: 1, RECOMMENDATIONS: expected.get('1') },
      { USER_ID: 5, RECOMMENDATIONS: expected.get('5') },
    ]);
    expect(service.statementCount() - before).toBe(2);
    // Unknown ids were cached as absent too.
    expect((await get(service, '/customer/999,404,777')).cache).toBe('HIT');
    expect(service.statementCount() - before).toBe(2);
  });

  it('keeps every digit of a 38-digit id, and binds ids beyond 2^53 exactly', async () => {
    const service = startService();
    const got = await get(service, `/customer/${BIG_ID},9007199254740993,${'9'.repeat(38)}`);
    expect(got.status).toBe(200);
    const text = JSON.stringify(got.body);
    expect(await (await service.app.request(`/customer/${BIG_ID}`)).text()).toContain(`"USER_ID":${BIG_ID}`);
    expect(text).not.toContain('9007199254740993');
    expect((got.body as unknown[]).length).toBe(1);
  });

  it('?strict=1 makes a missing id a 404 naming it, with a request id', async () => {
    const service = startService();
    const got = await get(service, '/customer/22,31337?strict=1');
    expect(got.status).toBe(404);
    expect(got.body).toMatchObject({ error: expect.stringContaining('31337'), requestId: expect.any(String) });
    expect((await get(service, '/customer/22,196?strict=1')).status).toBe(200);
  });

  it('coalesces concurrent misses, for the same ids and for different ones, into one statement', async () => {
    const service = startService();
    const before = service.statementCount();
    const answers = await Promise.all([
      ...Array.from({ length: 8 }, () => get(service, '/customer/5')),
      get(service, '/customer/5,3'),
      get(service, '/customer/3,5'),
    ]);
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.slice(0, 8).map((a) => JSON.stringify(a.body))).size).toBe(1);
    // The misses of requests arriving together are one batch: one bound IN (?, ?) for 5 and 3 (#16.5).
    expect(service.statementCount() - before).toBe(1);
  });

  it('with cache.ttlSeconds 0 every request asks the store', async () => {
    const service = startService({ PAPI_CACHE_TTL_SECONDS: '0' });
    const before = service.statementCount();
    const first = await get(service, '/customer/22');
    const second = await get(service, '/customer/22');
    expect([first.cache, second.cache]).toEqual(['MISS', 'MISS']);
    expect(second.body).toEqual(first.body);
    expect(service.statementCount() - before).toBe(2);
  });

  it('answers hostile ids with a 400 naming the problem, before any statement, never a 5xx', async () => {
    const service = startService();
    const hostile = [
      encodeURIComponent("22' OR '1'='1"),
      encodeURIComponent('22) OR (1=1'),
      encodeURIComponent(`22; DROP TABLE ${TABLE}; --`),
      encodeURIComponent(`22 UNION SELECT USER_ID, RECOMMENDATIONS FROM ${ADMIN_ONLY_TABLE}`),
      '22--',
      '%3F',
      Array.from({ length: 10_000 }, (_, i) => i + 1).join(','),
      encodeURIComponent('٢٢'),
      encodeURIComponent('２２'),
      encodeURIComponent('22\u200b'),
      encodeURIComponent('😀'),
      '%00',
      '22%0A196',
      ',',
      '22,',
      ',22',
      '22,,196',
      '1'.repeat(39),
      '9'.repeat(10_000),
      '1e309',
      '-1',
      '0',
      '000',
      '1.5',
      '0x16',
      'Infinity',
      'NaN',
      '%ZZ',
      '%E0%A4%A',
    ];
    const before = service.statementCount();
    for (const ids of hostile) {
      const got = await get(service, `/customer/${ids}`);
      expect(got.status, `/customer/${ids.slice(0, 60)}`).toBe(400);
      expect(got.body).toMatchObject({ error: expect.any(String), requestId: expect.any(String) });
    }
    expect(service.statementCount()).toBe(before);
    // The table is still there and whole.
    expect((await adminRows(admin)).size).toBe(SEED.length);
  });

  it('reads nothing the role was not granted: a table without SELECT is a 503, not data', async () => {
    const service = startService({ PAPI_TABLE: ADMIN_ONLY_TABLE });
    const got = await get(service, '/customer/22');
    expect(got.status).toBe(503);
    expect(got.retryAfter).toMatch(/^\d+$/);
    expect(JSON.stringify(got.body)).not.toContain('Poet');
    // Readiness asks the table too: a service that cannot read it is not ready.
    expect((await get(service, '/healthz')).status).toBe(503);
    expect((await get(startService(), '/healthz')).status).toBe(200);
  });

  it('runs every lookup text once before it reports ready, without counting or caching anything (#16.5)', async () => {
    const service = startService({ PAPI_MAX_IDS: '20' });
    const prepared = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.event === 'lookups_prepared');
    const seen = prepared().length;
    expect((await get(service, '/healthz')).status).toBe(200);
    // Ready means prepared: 1, 2, 4, 8, 16 and 32 binds (ids per lookup up to 20, padded), none failed.
    // (Other services of this file prepare up to 128 binds: 8 statements.)
    expect(prepared().slice(seen)).toContainEqual(expect.objectContaining({ statements: 6, failed: 0 }));
    // Not lookups: only the readiness query counted, and the first request for an id is still a miss.
    expect(service.statementCount()).toBe(1);
    expect((await get(service, '/customer/22')).cache).toBe('MISS');
  });

  it('warms up through its own handler before it reports ready, leaving the cache as cold and the request log without those requests (#16.5)', async () => {
    const service = startService();
    const before = logLines.length;
    const order: string[] = [];
    const warming = service.warmUp(createServiceServer(service, '127.0.0.1'), { requests: 200, concurrency: 8, idFormat: 'numeric' }).then(() => order.push('warmed up'));
    const health = get(service, '/healthz').then((answer) => (order.push('ready'), answer));
    // A request of someone else's meanwhile is answered and logged as always.
    expect((await service.app.request('/customer/22', { headers: { 'x-request-id': 'during-warm-up' } })).status).toBe(200);
    await warming;
    expect((await health).status).toBe(200);
    expect(order).toEqual(['warmed up', 'ready']);
    const entries = logLines.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toContainEqual(expect.objectContaining({ event: 'warmed_up', requests: 200, failed: 0 }));
    expect(entries.filter((entry) => entry.path === '/customer/:ids').map((entry) => entry.requestId)).toEqual(['during-warm-up']);
    // Its misses went to the store in batches (25 rounds of 8 new ids), beside the readiness queries.
    expect(service.statementCount()).toBeGreaterThan(2);
    expect(service.statementCount()).toBeLessThan(60);
    // The cache is as cold as before: a warm-up id is asked for again, and so is a real user.
    expect((await get(service, `/customer/${warmUpId(0, 'numeric')}`)).cache).toBe('MISS');
    expect((await get(service, '/customer/196')).cache).toBe('MISS');
  });

  it('prepares nothing when no connection could be opened: readiness says so without more failed logins (#16.5)', async () => {
    const own: string[] = [];
    const unreachable = createService(
      readSettings(
        { SNOWFLAKE_ACCOUNT: local.account, SNOWFLAKE_ACCESS_URL: `http://127.0.0.1:${await closedPort()}`, SNOWFLAKE_USER: READER_USER, SNOWFLAKE_PASSWORD: READER_PASSWORD, PAPI_TABLE: TABLE, PAPI_POOL_MAX: '2', PAPI_STORE_TIMEOUT_MS: '10000' },
        () => false,
      ),
      createLogger((line) => own.push(line)),
    );
    services.push(unreachable);
    expect((await unreachable.app.request('/healthz')).status).toBe(503);
    const during = own.map((line) => (JSON.parse(line) as { during?: string }).during);
    expect(during).toContain('warm-up');
    expect(during).not.toContain('preparing lookups');
  });

  it('logged JSON lines only, without passwords, ids or SQL', () => {
    expect(logLines.length).toBeGreaterThan(10);
    for (const line of logLines) expect(() => JSON.parse(line) as unknown).not.toThrow();
    const all = logLines.join('');
    expect(all).toContain('"event":"request"');
    expect(all).toContain('"code":"002003"');
    // Object names may appear in Snowflake's error messages; values and statements may not.
    for (const secret of [READER_PASSWORD, local.password, BIG_ID, '31337', '9007199254740993', 'SELECT', 'DROP TABLE']) expect(all).not.toContain(secret);
  });
});

describe('sessions that expire, with a token file that rotates (as in SPCS)', () => {
  let shortDir: string;
  let short: LocalSnowflake;
  const lines: string[] = [];

  beforeAll(async () => {
    shortDir = mkdtempSync(join(tmpdir(), 'papi-service-expiry-'));
    // Sessions last a second and master tokens two: the driver's renewal fails with 390114 soon.
    short = await startLocal({ dataDir: shortDir, tokenLifetimes: { sessionSeconds: 1, masterSeconds: 2 } });
    const shortAdmin = await connect({ account: short.account, accessUrl: short.accessUrl, user: short.user, password: short.password, role: 'ACCOUNTADMIN' });
    await createRecommendationsTable(shortAdmin, READER_PASSWORD);
    await shortAdmin.close();
  });

  afterAll(async () => {
    await short?.close();
    rmSync(shortDir, { recursive: true, force: true });
  });

  it('replaces a connection whose session expired, logging in with the token the file holds now', async () => {
    const tokenFile = join(shortDir, 'token');
    const oauth = (): string => short.tokens.issueOAuthToken({ user: SERVICE_USER, role: READER_ROLE }, 2);
    writeFileSync(tokenFile, oauth(), { mode: 0o600 });
    const settings = readSettings(
      {
        PAPI_TOKEN_FILE: tokenFile,
        SNOWFLAKE_ACCOUNT: short.account,
        SNOWFLAKE_HOST: '127.0.0.1',
        SNOWFLAKE_PORT: String(short.port),
        SNOWFLAKE_PROTOCOL: 'http',
        SNOWFLAKE_DATABASE: 'PAPI_IT',
        SNOWFLAKE_SCHEMA: 'DATA',
        PAPI_TABLE: TABLE,
        PAPI_POOL_MIN: '0',
        PAPI_POOL_MAX: '1',
        PAPI_CACHE_TTL_SECONDS: '0',
      },
      () => false,
    );
    expect(settings.connection.kind).toBe('token-file');
    const service = createService(settings, createLogger((line) => lines.push(line)));
    services.push(service);
    expect((await get(service, '/customer/22')).status).toBe(200);

    // Past the session's and the master token's lifetime, and past the first OAuth token's: only a
    // login with the rotated token can answer now.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const rotated = oauth();
    writeFileSync(tokenFile, rotated);
    const again = await get(service, '/customer/22');
    expect(again.status).toBe(200);
    expect(again.body).toEqual([{ USER_ID: 22, RECOMMENDATIONS: SEED.find(([id]) => id === '22')![1] }]);
    const retried = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.event === 'store_error');
    expect(retried).toEqual([expect.objectContaining({ during: 'query (retrying on a new connection)' })]);
    expect(lines.join('')).not.toContain(rotated);
  });
});

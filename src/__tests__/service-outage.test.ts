// The outage path, with the real pieces: the service bundle (built fresh into a temp dir) runs as a
// child process the way SPCS runs it — an OAuth token file, SNOWFLAKE_HOST/PORT/PROTOCOL — against
// papi local, which is stopped mid-test: cached ids are served STALE, the others get 503 with
// Retry-After; papi local restarted on the same data dir and port brings the service back.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleService } from '../../service/bundle.mjs';
import { adminRows, createRecommendationsTable, READER_ROLE, SERVICE_USER, TABLE } from '../../service/src/__tests__/local-table.js';
import { startServiceProcess, type ServiceProcess } from '../dev/service-process.js';
import { startLocal, type LocalSnowflake } from '../local/index.js';
import { connect } from '../snowflake/driver.js';

let dir: string;
let local: LocalSnowflake | undefined;
let service: ServiceProcess | undefined;
let token: string;
/** An id asked for during the outage: it must not show up in any log line. */
const UNLOGGED_ID = '8675309';
const logs: string[] = [];
const expected = new Map<string, unknown>();

interface Answer {
  status: number;
  body: unknown;
  cache: string | null;
  retryAfter: string | null;
}

async function get(path: string): Promise<Answer> {
  const response = await fetch(`${service!.url}${path}`);
  return {
    status: response.status,
    body: (await response.json()) as unknown,
    cache: response.headers.get('x-cache'),
    retryAfter: response.headers.get('retry-after'),
  };
}

const rowsFor = (...ids: string[]) => ids.map((id) => ({ USER_ID: Number(id), RECOMMENDATIONS: expected.get(id) }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` holds (the service reconnects in its own time); fails with the last answer. */
async function eventually(path: string, check: (answer: Answer) => boolean, attempts = 60): Promise<Answer> {
  let last: Answer | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await get(path);
    if (check(last)) return last;
    await sleep(250);
  }
  throw new Error(`${path} never answered as expected; last: ${JSON.stringify(last)}`);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'papi-service-outage-'));
  const bundle = join(dir, 'server.mjs');
  const [started] = await Promise.all([startLocal({ dataDir: join(dir, 'local') }), bundleService({ outfile: bundle })]);
  local = started;
  const admin = await connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: local.password, role: 'ACCOUNTADMIN' });
  await createRecommendationsTable(admin, 'unused-Password-1');
  for (const [id, recommendations] of await adminRows(admin)) expected.set(id, recommendations);
  await admin.close();

  // As in SPCS: the service user's OAuth token in a file, read for each new connection.
  token = local.tokens.issueOAuthToken({ user: SERVICE_USER, role: READER_ROLE }, 3600);
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, token, { mode: 0o600 });
  service = await startServiceProcess({
    bundle,
    env: {
      PORT: '0',
      PAPI_HOST: '127.0.0.1',
      PAPI_TOKEN_FILE: tokenFile,
      SNOWFLAKE_ACCOUNT: local.account,
      SNOWFLAKE_HOST: '127.0.0.1',
      SNOWFLAKE_PORT: String(local.port),
      SNOWFLAKE_PROTOCOL: 'http',
      SNOWFLAKE_DATABASE: 'PAPI_IT',
      SNOWFLAKE_SCHEMA: 'DATA',
      PAPI_TABLE: TABLE,
      // Entries turn stale after a second; a dead store is given up on after two.
      PAPI_CACHE_TTL_SECONDS: '1',
      PAPI_STORE_TIMEOUT_MS: '2000',
      PAPI_POOL_ACQUIRE_TIMEOUT_MS: '2000',
    },
    onLog: (line) => logs.push(line),
  });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await local?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the service bundle against papi local, through an outage', () => {
  it('serves from papi local through an OAuth token file, as in SPCS', async () => {
    const first = await get('/customer/22,1');
    expect(first).toMatchObject({ status: 200, cache: 'MISS', body: rowsFor('22', '1') });
    expect((await get('/healthz')).status).toBe(200);
  });

  it('answers hostile ids over real HTTP with a 4xx, never a 5xx', async () => {
    const tenThousand = Array.from({ length: 10_000 }, (_, i) => i + 1).join(',');
    // 10,000 ids make a ~49 KB request line: Node's HTTP parser refuses it (431) before the app sees it.
    const huge = await fetch(`${service!.url}/customer/${tenThousand}`);
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    for (const ids of [tenThousand.slice(0, 8000), "22'%20OR%201=1", '%ZZ', '22,,196', '1'.repeat(39), '%D9%A2%D9%A2']) {
      const response = await fetch(`${service!.url}/customer/${ids}`);
      expect(response.status, ids.slice(0, 40)).toBe(400);
      expect(await response.json()).toMatchObject({ error: expect.any(String), requestId: expect.any(String) });
    }
  });

  it('while papi local is stopped: cached ids STALE, others 503 with Retry-After, readiness 503', async () => {
    const { port } = local!;
    await local!.close();
    local = undefined;
    await sleep(1100); // past the 1 s TTL: what the cache holds is stale now

    const stale = await get('/customer/22,1');
    expect(stale).toMatchObject({ status: 200, cache: 'STALE', body: rowsFor('22', '1') });

    const unavailable = await get('/customer/196');
    expect(unavailable.status).toBe(503);
    expect(unavailable.retryAfter).toMatch(/^[1-9]\d*$/);
    expect(unavailable.body).toMatchObject({ error: expect.any(String), requestId: expect.any(String) });
    // One id without any entry makes the whole list unavailable, stale or not.
    expect((await get('/customer/22,196')).status).toBe(503);
    expect((await get(`/customer/${UNLOGGED_ID}`)).status).toBe(503);
    expect((await eventually('/healthz', (a) => a.status !== 200)).status).toBe(503);

    // Back on the same data directory and port: same account, same token key, same table.
    local = await startLocal({ dataDir: join(dir, 'local'), port });
  });

  it('after papi local restarts on the same data dir and port: back to normal', async () => {
    const back = await eventually('/customer/196', (a) => a.status === 200);
    expect(back.body).toEqual(rowsFor('196'));
    const fresh = await get('/customer/22,1,196');
    expect(fresh.status).toBe(200);
    expect(fresh.cache === 'MISS' || fresh.cache === 'PARTIAL' || fresh.cache === 'HIT').toBe(true);
    expect(fresh.body).toEqual(rowsFor('22', '1', '196'));
    expect((await eventually('/healthz', (a) => a.status === 200)).status).toBe(200);
  });

  it("logged JSON lines (its own and the driver's) without the token, SQL or ids", () => {
    expect(logs.some((line) => line.includes('"cache":"STALE"'))).toBe(true);
    expect(logs.some((line) => line.includes('"event":"store_error"'))).toBe(true);
    for (const line of logs) {
      expect(() => JSON.parse(line) as unknown).not.toThrow();
      for (const secret of [token, 'SELECT', UNLOGGED_ID]) expect(line).not.toContain(secret);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { createApp, newRequestId } from './app.js';
import { TtlCache } from './cache.js';
import { createHealthCheck } from './health.js';
import type { IdFormat } from './ids.js';
import { createLogger } from './log.js';
import { createLookup, type CachedRow } from './lookup.js';
import { MemoryStore, sampleRows } from './__tests__/memory-store.js';

function setup(options: { idFormat?: IdFormat; maxIds?: number; ttlSeconds?: number; honorNoCache?: boolean } = {}) {
  let time = 0;
  const lines: string[] = [];
  const log = createLogger((line) => lines.push(line));
  const store = new MemoryStore(sampleRows());
  store.rows.set('user_a', [{ title: 'Key' }]);
  const cache = new TtlCache<CachedRow>(
    { ttlSeconds: options.ttlSeconds ?? 180, maxEntries: 1000, maxStaleSeconds: 3600 },
    () => time,
  );
  const app = createApp({
    lookup: createLookup({ store, cache, log }),
    health: createHealthCheck(() => store.ping(), { cacheMs: 1000, now: () => time }),
    ids: { format: options.idFormat ?? 'numeric', maxIds: options.maxIds ?? 100 },
    log,
    retryAfterSeconds: 7,
    honorNoCache: options.honorNoCache,
  });
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { app, store, logged, lines, advance: (ms: number) => (time += ms) };
}

async function json(response: Response): Promise<unknown> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return response.json();
}

describe('GET /', () => {
  it('answers as the tutorial did', async () => {
    const { app } = setup();
    const response = await app.request('/');
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ result: 'Nothing to see here' });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('GET /customer/:ids', () => {
  it('answers one row', async () => {
    const { app } = setup();
    const response = await app.request('/customer/22');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-cache')).toBe('MISS');
    expect(await json(response)).toEqual([{ USER_ID: 22, RECOMMENDATIONS: [{ title: 'Heat' }, { title: 'Ronin' }] }]);
  });

  it('answers found ids in the order asked, duplicates once, unknown ids absent, in one query', async () => {
    const { app, store } = setup();
    const response = await app.request('/customer/5000,404,22,5000,196');
    expect(((await json(response)) as { USER_ID: number }[]).map((row) => row.USER_ID)).toEqual([5000, 22, 196]);
    expect(store.queries).toEqual([['5000', '404', '22', '196']]);
  });

  it('answers an empty array when nothing is found', async () => {
    const { app } = setup();
    expect(await json(await app.request('/customer/404'))).toEqual([]);
  });

  it('reports HIT, PARTIAL and shares entries between lists', async () => {
    const { app, store } = setup();
    await app.request('/customer/22,196');
    expect((await app.request('/customer/196')).headers.get('x-cache')).toBe('HIT');
    expect((await app.request('/customer/22,5000')).headers.get('x-cache')).toBe('PARTIAL');
    expect(store.queries).toEqual([['22', '196'], ['5000']]);
  });

  it('accepts percent-encoded commas', async () => {
    const { app } = setup();
    const rows = (await json(await app.request('/customer/22%2C196'))) as unknown[];
    expect(rows).toHaveLength(2);
  });

  it.each([
    ['/customer/abc', 'invalid id at position 1: "abc"'],
    ['/customer/22,,196', 'empty id at position 2'],
    ["/customer/22%20OR%201=1", 'invalid id at position 1: "22 OR 1=1"'],
    ['/customer/22;DROP%20TABLE%20x', 'invalid id at position 1: "22;DROP TABLE x"'],
    ['/customer/%3Cscript%3E', 'invalid id at position 1: "\\u003cscript\\u003e"'],
    ['/customer/%E2%82%82%F0%9F%98%80', 'invalid id at position 1: "\\u2082\\ud83d\\ude00"'],
    ['/customer/-1', 'invalid id at position 1: "-1"'],
    ['/customer/22%', 'invalid id at position 1'],
    ['/customer/%E0%A4%A', 'invalid id at position 1'],
    ['/customer/0', 'invalid id (zero) at position 1'],
    [`/customer/${'9'.repeat(39)}`, 'invalid id at position 1'],
    [`/customer/${'9'.repeat(5000)}`, '(5000 characters)'],
  ])('%s → 400 naming the bad part', async (path, message) => {
    const { app, store } = setup();
    const response = await app.request(path);
    expect(response.status).toBe(400);
    const body = (await json(response)) as { error: string; requestId: string };
    expect(body.error).toContain(message);
    expect(body.requestId).toBe(response.headers.get('x-request-id'));
    expect(store.queries).toEqual([]);
  });

  it('rejects 10,000 ids with a 400, not a 5xx', async () => {
    const { app, store } = setup();
    const ids = Array.from({ length: 10_000 }, (_, i) => i + 1).join(',');
    const response = await app.request(`/customer/${ids}`);
    expect(response.status).toBe(400);
    expect(((await json(response)) as { error: string }).error).toBe('too many ids: 10000 (at most 100 per request)');
    expect(store.queries).toEqual([]);
  });

  it('honours maxIds', async () => {
    const { app } = setup({ maxIds: 2 });
    expect((await app.request('/customer/1,2')).status).toBe(200);
    expect((await app.request('/customer/1,2,3')).status).toBe(400);
  });

  it('takes alphanumeric keys when configured', async () => {
    const { app } = setup({ idFormat: 'alphanumeric' });
    const response = await app.request('/customer/user_a,22');
    expect(response.status).toBe(200);
    expect(((await json(response)) as unknown[]).length).toBe(2);
    expect((await app.request('/customer/user.a')).status).toBe(400);
  });

  it('?strict=1 turns missing ids into a 404 naming them', async () => {
    const { app } = setup();
    const response = await app.request('/customer/22,404,405?strict=1');
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: 'Not found: 404, 405', requestId: expect.any(String) });
    expect((await app.request('/customer/22,196?strict=1')).status).toBe(200);
    expect((await app.request('/customer/404?strict=0')).status).toBe(200);
  });

  it('serves stale entries while the store is down, 503 with Retry-After for the rest', async () => {
    const { app, store, advance } = setup();
    await app.request('/customer/22');
    advance(181_000);
    store.down = true;
    const stale = await app.request('/customer/22');
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-cache')).toBe('STALE');
    expect(((await json(stale)) as unknown[]).length).toBe(1);

    const unavailable = await app.request('/customer/22,196');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('7');
    expect(await json(unavailable)).toEqual({ error: expect.stringMatching(/unavailable/), requestId: expect.any(String) });
  });
});

describe('GET /test', () => {
  it('is a self-contained page using relative URLs', async () => {
    const { app } = setup();
    const response = await app.request('/test');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('<form');
    expect(html).toContain("'customer/'");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|https?:\/\//);
    expect(html).not.toMatch(/['"(]\/customer/);
  });
});

describe('GET /healthz', () => {
  it('is 200 when the store answers, 503 when not, and caches the answer briefly', async () => {
    const { app, store, advance } = setup();
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/healthz')).status).toBe(200);
    expect(store.pings).toBe(1);
    store.down = true;
    expect((await app.request('/healthz')).status).toBe(200); // still the cached answer
    advance(1000);
    const down = await app.request('/healthz');
    expect(down.status).toBe(503);
    expect(store.pings).toBe(2);
  });
});

describe('errors and logs', () => {
  it('answers unknown paths with the tutorial 404 plus a request id', async () => {
    const { app } = setup();
    for (const path of ['/nope', '/customer', '/customer/', '/customer/22/x']) {
      const response = await app.request(path);
      expect(response.status).toBe(404);
      const body = (await json(response)) as { error: string; requestId: string };
      expect(body.error).toBe('Not found!');
      expect(body.requestId).toBe(response.headers.get('x-request-id'));
    }
  });

  it('turns an unexpected failure into a 500 with a request id and no stack', async () => {
    const lines: string[] = [];
    const app = createApp({
      lookup: { find: () => Promise.reject(new Error('boom at /secret/path')) },
      health: async () => true,
      ids: { format: 'numeric', maxIds: 10 },
      log: createLogger((line) => lines.push(line)),
    });
    const response = await app.request('/customer/22');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'Internal server error', requestId: expect.any(String) });
    expect(text).not.toContain('boom');
    expect(lines.map((l) => JSON.parse(l) as { event: string }).map((l) => l.event)).toEqual(['unhandled_error', 'request']);
  });

  it('keeps a harmless incoming X-Request-Id and replaces others', async () => {
    const { app } = setup();
    const kept = await app.request('/', { headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await app.request('/', { headers: { 'x-request-id': 'a b\u0001' } });
    expect(replaced.headers.get('x-request-id')).not.toBe('a b\u0001');
  });

  it('logs one JSON line per request with the route template, never the ids', async () => {
    const { app, logged, lines } = setup();
    await app.request('/customer/196,5000', { headers: { 'x-request-id': 'req-1' } });
    await app.request('/customer/bad');
    await app.request('/nope/5000');
    expect(logged()).toEqual([
      expect.objectContaining({ event: 'request', requestId: 'req-1', method: 'GET', path: '/customer/:ids', status: 200, ids: 2, cache: 'MISS', ms: expect.any(Number) }),
      expect.objectContaining({ path: '/customer/:ids', status: 400 }),
      expect.objectContaining({ path: '(unmatched)', status: 404 }),
    ]);
    // Request ids, times and durations are random or clock digits: the rest must not carry the ids.
    const fields = logged().map(({ time: _t, ms: _m, requestId: _r, ...rest }) => rest);
    expect(JSON.stringify(fields)).not.toMatch(/196|5000|bad/);
    expect(lines).toHaveLength(3);
    expect(typeof logged()[0]!.time).toBe('string');
  });
});

describe('Cache-Control: no-cache on GET /customer/:ids (RFC 9111 §5.2.1.4)', () => {
  const noCache = (value: string) => ({ headers: { 'cache-control': value } });

  it('is ignored unless the service honours it, and the answer says so (X-Cache-Refresh: off)', async () => {
    const { app, store } = setup();
    await app.request('/customer/22');
    const response = await app.request('/customer/22', noCache('no-cache'));
    expect(response.headers.get('x-cache')).toBe('HIT');
    expect(response.headers.get('x-cache-refresh')).toBe('off');
    expect(store.queries).toHaveLength(1);
    // A request without the directive gets no X-Cache-Refresh at all.
    expect((await app.request('/customer/22')).headers.get('x-cache-refresh')).toBeNull();
  });

  it('when honoured, looks the ids up in the table and refreshes the cache (X-Cache: MISS, X-Cache-Refresh: yes)', async () => {
    const { app, store } = setup({ honorNoCache: true });
    await app.request('/customer/22,196');
    store.rows.set('22', [{ title: 'Changed' }]);
    const response = await app.request('/customer/22,196', noCache('max-age=0, No-Cache'));
    expect(response.headers.get('x-cache')).toBe('MISS');
    expect(response.headers.get('x-cache-refresh')).toBe('yes');
    expect(await json(response)).toEqual([
      { USER_ID: 22, RECOMMENDATIONS: [{ title: 'Changed' }] },
      { USER_ID: 196, RECOMMENDATIONS: [{ title: 'Alien' }] },
    ]);
    expect(store.queries).toEqual([['22', '196'], ['22', '196']]);
    // The refreshed row is what the cache answers next.
    const next = await app.request('/customer/22');
    expect(next.headers.get('x-cache')).toBe('HIT');
    expect(await json(next)).toEqual([{ USER_ID: 22, RECOMMENDATIONS: [{ title: 'Changed' }] }]);
  });

  it('other directives, and no-cache inside another token, do not bypass the cache', async () => {
    const { app, store } = setup({ honorNoCache: true });
    await app.request('/customer/22');
    for (const value of ['max-age=0', 'no-store', 'x-no-cache', 'no-cache-please'])
      expect((await app.request('/customer/22', noCache(value))).headers.get('x-cache'), value).toBe('HIT');
    expect(store.queries).toHaveLength(1);
  });

  it('when honoured and the store is down, answers 503 rather than a stale row', async () => {
    const { app, store, advance } = setup({ honorNoCache: true, ttlSeconds: 10 });
    await app.request('/customer/22');
    advance(11_000);
    store.down = true;
    expect((await app.request('/customer/22', noCache('no-cache'))).status).toBe(503);
    expect((await app.request('/customer/22')).headers.get('x-cache')).toBe('STALE');
  });
});


describe('newRequestId', () => {
  it('gives UUID-shaped (v4) ids that count up from one random draw, all distinct', () => {
    const ids = Array.from({ length: 10_000 }, () => newRequestId()); // several blocks of 1,024
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{9}[0-3][0-9a-f]{2}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id.slice(0, 24))).size).toBe(1);
    // Up by one within a block (its last 3 hex digits, 000–3ff), to the next block's first after 3ff.
    const counts = ids.map((id) => Number.parseInt(id.slice(24), 16));
    expect(counts.every((count, i) => i === 0 || count === counts[i - 1]! + ((count & 0xfff) === 0 ? 0xc01 : 1))).toBe(true);
  });
});

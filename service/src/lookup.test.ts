import { describe, expect, it } from 'vitest';
import { RowCache, TtlCache } from './cache.js';
import { createLogger } from './log.js';
import { createLookup, OUTAGE_BACKOFF_MS, StoreUnavailableError, type CachedRow } from './lookup.js';
import { MemoryStore, sampleRows } from './__tests__/memory-store.js';

function setup(options: { ttlSeconds?: number; maxStaleSeconds?: number; maxBatchIds?: number; maxConcurrentQueries?: number } = {}) {
  let time = 0;
  const lines: string[] = [];
  const store = new MemoryStore(sampleRows());
  const cache = new TtlCache<CachedRow>(
    { ttlSeconds: options.ttlSeconds ?? 180, maxEntries: 100, maxStaleSeconds: options.maxStaleSeconds ?? 3600 },
    () => time,
  );
  const lookup = createLookup({ store, cache, log: createLogger((line) => lines.push(line)), now: () => time, maxBatchIds: options.maxBatchIds, maxConcurrentQueries: options.maxConcurrentQueries });
  return { store, cache, lookup, lines, advance: (ms: number) => (time += ms) };
}

const userIds = (rows: string[]): number[] => rows.map((row) => (JSON.parse(row) as { USER_ID: number }).USER_ID);

describe('lookup', () => {
  it('asks the store once for all missing ids, then answers from the cache', async () => {
    const { store, lookup } = setup();
    const first = await lookup.find(['196', '22', '7']);
    expect(userIds(first.rows)).toEqual([196, 22]);
    expect(first.missing).toEqual(['7']);
    expect(first.outcome).toBe('MISS');
    expect(store.queries).toEqual([['196', '22', '7']]);

    const second = await lookup.find(['22', '7', '196']);
    expect(userIds(second.rows)).toEqual([22, 196]);
    expect(second.missing).toEqual(['7']);
    expect(second.outcome).toBe('HIT');
    expect(store.queries).toHaveLength(1); // the unknown id 7 was cached as absent too
  });

  it('cached() answers all-fresh hits at once (negative entries included), and nothing else', async () => {
    const { lookup, advance } = setup({ ttlSeconds: 10 });
    expect(lookup.cached!(['22'])).toBeUndefined();
    await lookup.find(['22', '7']);
    const hit = lookup.cached!(['7', '22']);
    expect(hit).toMatchObject({ missing: ['7'], outcome: 'HIT' });
    expect(userIds(hit!.rows)).toEqual([22]);
    expect(lookup.cached!(['22', '196'])).toBeUndefined();
    advance(10_000);
    expect(lookup.cached!(['22'])).toBeUndefined(); // stale is find()'s to judge
  });

  it('shares entries between requests for different id lists (PARTIAL)', async () => {
    const { store, lookup } = setup();
    await lookup.find(['22']);
    const result = await lookup.find(['22', '196']);
    expect(result.outcome).toBe('PARTIAL');
    expect(store.queries).toEqual([['22'], ['196']]);
  });

  it('coalesces concurrent misses into one query, each id asked once', async () => {
    const { store, lookup } = setup();
    store.hold();
    const first = lookup.find(['22', '196']);
    const second = lookup.find(['196', '22']);
    const third = lookup.find(['22', '5000']);
    store.release();
    const results = await Promise.all([first, second, third]);
    expect(store.queries).toEqual([['22', '196', '5000']]);
    expect(results.map((r) => userIds(r.rows))).toEqual([[22, 196], [196, 22], [22, 5000]]);
    expect(results.map((r) => r.outcome)).toEqual(['MISS', 'MISS', 'MISS']);
  });

  it('asks again after the TTL', async () => {
    const { store, lookup, advance } = setup({ ttlSeconds: 180 });
    await lookup.find(['22']);
    advance(179_000);
    await lookup.find(['22']);
    expect(store.queries).toHaveLength(1);
    advance(1_000);
    expect((await lookup.find(['22'])).outcome).toBe('MISS');
    expect(store.queries).toHaveLength(2);
  });

  it('serves stale entries when the store fails, and logs the failure once', async () => {
    const { store, lookup, advance, lines } = setup();
    await lookup.find(['22', '7']);
    advance(200_000);
    store.down = true;
    const result = await lookup.find(['22', '7']);
    expect(result.outcome).toBe('STALE');
    expect(userIds(result.rows)).toEqual([22]);
    expect(result.missing).toEqual(['7']);
    const errors = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.level === 'error');
    expect(errors).toEqual([expect.objectContaining({ event: 'store_error', code: 'ECONNREFUSED' })]);
  });

  it('fails with the uncached ids when the store fails and no entry exists', async () => {
    const { store, lookup } = setup();
    await lookup.find(['22']);
    store.down = true;
    const error = await lookup.find(['196', '22', '5000']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).ids).toEqual(['196', '5000']);
  });

  it('answers fresh hits without the store even while it is down', async () => {
    const { store, lookup } = setup();
    await lookup.find(['22']);
    store.down = true;
    expect((await lookup.find(['22'])).outcome).toBe('HIT');
  });

  it('with the cache off, asks the store every time (still coalescing) and cannot serve stale', async () => {
    const { store, lookup } = setup({ ttlSeconds: 0 });
    await lookup.find(['22']);
    await lookup.find(['22']);
    expect(store.queries).toEqual([['22'], ['22']]);
    store.hold();
    const both = Promise.all([lookup.find(['22']), lookup.find(['22'])]);
    store.release();
    await both;
    expect(store.queries).toHaveLength(3);
    store.down = true;
    await expect(lookup.find(['22'])).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('leaves a failing store alone for a moment: stale or 503 at once, then tries again', async () => {
    const { store, lookup, advance } = setup({ ttlSeconds: 10 });
    await lookup.find(['22']);
    advance(11_000);
    store.down = true;
    expect((await lookup.find(['22'])).outcome).toBe('STALE');
    expect(store.queries).toHaveLength(2);
    // Within the back-off: answered without asking the store, stale entries and refusals alike.
    expect((await lookup.find(['22'])).outcome).toBe('STALE');
    await expect(lookup.find(['196'])).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(store.queries).toHaveLength(2);
    // After it, the next request asks again; once the store answers, everything is normal.
    advance(OUTAGE_BACKOFF_MS);
    store.down = false;
    expect((await lookup.find(['196', '22'])).outcome).toBe('MISS');
    expect(store.queries).toHaveLength(3);
    expect((await lookup.find(['5'])).outcome).toBe('MISS');
  });

  it('a refresh asks the store for every id, cached or not, and stores its answers (Cache-Control: no-cache)', async () => {
    const { store, lookup } = setup();
    await lookup.find(['22', '7']);
    store.rows.set('7', [{ title: 'Now here' }]);
    store.rows.delete('22');
    const refreshed = await lookup.find(['22', '7', '196'], { refresh: true });
    expect(refreshed.outcome).toBe('MISS');
    expect(store.queries).toEqual([['22', '7'], ['22', '7', '196']]);
    expect(userIds(refreshed.rows)).toEqual([7, 196]);
    expect(refreshed.missing).toEqual(['22']);
    // The table's answers replaced the cached ones, the negative entry included.
    const after = await lookup.find(['22', '7', '196']);
    expect(after.outcome).toBe('HIT');
    expect(userIds(after.rows)).toEqual([7, 196]);
    expect(after.missing).toEqual(['22']);
  });

  it('a refresh is never answered stale: the store down means 503, even with a stale entry', async () => {
    const { store, lookup, advance } = setup({ ttlSeconds: 10 });
    await lookup.find(['22']);
    advance(11_000);
    store.down = true;
    await expect(lookup.find(['22'], { refresh: true })).rejects.toBeInstanceOf(StoreUnavailableError);
    // Within the back-off too, and a fresh entry does not answer it either.
    await expect(lookup.find(['22'], { refresh: true })).rejects.toBeInstanceOf(StoreUnavailableError);
    expect((await lookup.find(['22'])).outcome).toBe('STALE');
  });
});

/** Lets the event loop turn once: what was asked before it is one batch. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('lookup batching (the misses of concurrent requests in one query)', () => {
  it('sends the distinct ids missing in one turn as one query; each request gets exactly its own ids', async () => {
    const { store, lookup } = setup();
    for (let id = 1; id <= 40; id++) store.rows.set(String(id), [{ title: `T${id}` }]);
    // 40 concurrent requests of 1–3 ids each, with unknown ids (900+) among them.
    const asked = Array.from({ length: 40 }, (_, i) => [String(i + 1), ...(i % 3 === 0 ? [String(900 + i)] : []), ...(i % 5 === 0 ? [String(40 - i)] : [])].filter((id) => id !== '0'));
    const results = await Promise.all(asked.map((ids) => lookup.find(ids)));
    expect(store.queries).toHaveLength(1);
    expect(new Set(store.queries[0])).toEqual(new Set(asked.flat()));
    expect(store.queries[0]).toHaveLength(new Set(asked.flat()).size);
    results.forEach((result, i) => {
      const known = asked[i]!.filter((id) => Number(id) <= 40);
      expect(userIds(result.rows), `request ${i}`).toEqual(known.map(Number));
      expect(result.missing, `request ${i}`).toEqual(asked[i]!.filter((id) => Number(id) > 40));
      expect(result.outcome).toBe('MISS');
    });
  });

  it('never puts more than maxBatchIds ids in one query', async () => {
    const { store, lookup } = setup({ maxBatchIds: 4 });
    const results = await Promise.all([lookup.find(['1', '2', '3']), lookup.find(['4', '5', '6']), lookup.find(['22', '196', '5000'])]);
    expect(store.queries.map((q) => q.length)).toEqual([4, 4, 1]);
    expect(store.queries.flat()).toEqual(['1', '2', '3', '4', '5', '6', '22', '196', '5000']);
    expect(userIds(results[2]!.rows)).toEqual([22, 196, 5000]);
  });

  it('while maxConcurrentQueries queries run, the misses of later turns gather into one next batch', async () => {
    const { store, lookup } = setup({ maxConcurrentQueries: 1 });
    store.hold();
    const first = lookup.find(['1']);
    await nextTurn();
    const later: Array<Promise<unknown>> = [];
    for (const ids of [['2'], ['3', '22'], ['196'], ['5000', '2']]) {
      later.push(lookup.find(ids));
      await nextTurn();
    }
    expect(store.queries).toEqual([['1']]);
    store.release();
    await first;
    await Promise.all(later);
    expect(store.queries).toEqual([['1'], ['2', '3', '22', '196', '5000']]);
  });

  it('a failed query fails only the requests of its batch; a request spanning two batches waits for both', async () => {
    const { store, lookup } = setup();
    store.failingIds.add('7');
    store.hold();
    const failing = lookup.find(['7', '22']); // batch 1: fails
    await nextTurn();
    const fine = lookup.find(['196']); // batch 2: answers
    const spanning = lookup.find(['22', '5000']); // joins 22 (batch 1, failing), 5000 in batch 2
    await nextTurn();
    store.release();
    const [a, b, c] = await Promise.allSettled([failing, fine, spanning]);
    expect(store.queries).toEqual([['7', '22'], ['196', '5000']]);
    expect(a.status === 'rejected' && a.reason).toBeInstanceOf(StoreUnavailableError);
    expect((a as PromiseRejectedResult).reason.ids).toEqual(['7', '22']);
    expect(b.status === 'fulfilled' && userIds(b.value.rows)).toEqual([196]);
    expect(c.status === 'rejected' && (c.reason as StoreUnavailableError).ids).toEqual(['22']);
  });

  it('keeps the negative cache apart and the byte bound: a batch of unknown ids does not evict rows', async () => {
    const store = new MemoryStore(sampleRows());
    const cache = new RowCache({ ttlSeconds: 180, maxEntries: 100, maxStaleSeconds: 0, maxBytes: 300, maxNegativeEntries: 5 });
    const lookup = createLookup({ store, cache, log: createLogger(() => undefined) });
    await Promise.all([lookup.find(['22']), lookup.find(['196'])]);
    const unknown = Array.from({ length: 30 }, (_, i) => String(10_000 + i));
    const results = await Promise.all([lookup.find(unknown.slice(0, 15)), lookup.find(unknown.slice(15)), lookup.find(['5000'])]);
    expect(results[0]!.missing).toEqual(unknown.slice(0, 15));
    expect(userIds(results[2]!.rows)).toEqual([5000]);
    const stats = cache.stats();
    expect(stats.absent).toBe(5);
    // 30 unknown ids evicted no row; the byte bound (not the ids) pushed 22's row out for 5000's.
    expect(stats.bytes).toBeLessThanOrEqual(300);
    expect(stats.rows).toBe(2);
    const again = await lookup.find(['196', '5000']);
    expect(again.outcome).toBe('HIT');
  });

  it('a refresh joins a query already in flight for its id instead of asking twice', async () => {
    const { store, lookup } = setup();
    store.hold();
    const first = lookup.find(['22']);
    const refresh = lookup.find(['22', '196'], { refresh: true });
    store.release();
    await Promise.all([first, refresh]);
    expect(store.queries).toEqual([['22', '196']]);
  });
});


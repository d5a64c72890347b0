import { describe, expect, it } from 'vitest';
import { TtlCache } from './cache.js';
import { createLogger } from './log.js';
import { createLookup, OUTAGE_BACKOFF_MS, StoreUnavailableError, type CachedRow } from './lookup.js';
import { MemoryStore, sampleRows } from './__tests__/memory-store.js';

function setup(options: { ttlSeconds?: number; maxStaleSeconds?: number } = {}) {
  let time = 0;
  const lines: string[] = [];
  const store = new MemoryStore(sampleRows());
  const cache = new TtlCache<CachedRow>(
    { ttlSeconds: options.ttlSeconds ?? 180, maxEntries: 100, maxStaleSeconds: options.maxStaleSeconds ?? 3600 },
    () => time,
  );
  const lookup = createLookup({ store, cache, log: createLogger((line) => lines.push(line)), now: () => time });
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

  it('shares entries between requests for different id lists (PARTIAL)', async () => {
    const { store, lookup } = setup();
    await lookup.find(['22']);
    const result = await lookup.find(['22', '196']);
    expect(result.outcome).toBe('PARTIAL');
    expect(store.queries).toEqual([['22'], ['196']]);
  });

  it('coalesces concurrent misses for the same id into one query', async () => {
    const { store, lookup } = setup();
    store.hold();
    const first = lookup.find(['22', '196']);
    const second = lookup.find(['196', '22']);
    const third = lookup.find(['22', '5000']);
    store.release();
    const results = await Promise.all([first, second, third]);
    expect(store.queries).toEqual([['22', '196'], ['5000']]);
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

import { describe, expect, it } from 'vitest';
import { RowCache, TtlCache } from './cache.js';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('TtlCache', () => {
  it('answers fresh within the TTL, stale after it, nothing past the stale limit', () => {
    const time = clock();
    const cache = new TtlCache<string>({ ttlSeconds: 180, maxEntries: 10, maxStaleSeconds: 60 }, time.now);
    cache.set('22', 'row');
    expect(cache.get('22')).toEqual({ fresh: true, value: 'row' });
    time.advance(179_999);
    expect(cache.get('22')).toEqual({ fresh: true, value: 'row' });
    time.advance(1);
    expect(cache.get('22')).toEqual({ fresh: false, value: 'row' });
    time.advance(59_999);
    expect(cache.get('22')).toEqual({ fresh: false, value: 'row' });
    time.advance(1);
    expect(cache.get('22')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps negative entries (null) like any other', () => {
    const cache = new TtlCache<string | null>({ ttlSeconds: 10, maxEntries: 10, maxStaleSeconds: 0 });
    cache.set('404', null);
    expect(cache.get('404')).toEqual({ fresh: true, value: null });
  });

  it('evicts the least recently used entry beyond maxEntries', () => {
    const cache = new TtlCache<string>({ ttlSeconds: 60, maxEntries: 3, maxStaleSeconds: 0 }, clock().now);
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('c', 'C');
    cache.get('a'); // a is now the most recently used
    cache.set('d', 'D');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.value).toBe('A');
    expect(cache.get('c')?.value).toBe('C');
    expect(cache.get('d')?.value).toBe('D');
    expect(cache.size).toBe(3);
  });

  it('leaves a hit among the most recently used quarter where it is; any other hit moves to the end', () => {
    const cache = new TtlCache<string>({ ttlSeconds: 60, maxEntries: 8, maxStaleSeconds: 0 }, clock().now);
    for (let i = 1; i <= 8; i++) cache.set(`h${i}`, 'v');
    cache.get('h7'); // the second newest of 8: stays before h8 (strict LRU would move it after h8)
    cache.get('h1'); // the oldest: moves to the end
    for (let i = 1; i <= 6; i++) cache.set(`x${i}`, 'v'); // evicts the 6 oldest: h2 … h7
    expect(['h1', 'h2', 'h6', 'h7', 'h8'].map((key) => cache.get(key) !== undefined)).toEqual([true, false, false, false, true]);
  });

  it('getFresh gives a fresh entry (marking it used, as get does) and nothing for a stale or missing one', () => {
    const time = clock();
    const cache = new TtlCache<string>({ ttlSeconds: 1, maxEntries: 2, maxStaleSeconds: 10 }, time.now);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.getFresh('a')?.value).toBe('A');
    cache.set('c', 'C'); // a was used after b: b goes
    expect([cache.get('a')?.value, cache.get('b'), cache.get('c')?.value]).toEqual(['A', undefined, 'C']);
    time.advance(1500);
    expect([cache.getFresh('a'), cache.getFresh('zz')]).toEqual([undefined, undefined]);
    expect(cache.get('a')).toEqual({ fresh: false, value: 'A' });
  });

  it('refreshes an entry that is set again', () => {
    const time = clock();
    const cache = new TtlCache<string>({ ttlSeconds: 1, maxEntries: 3, maxStaleSeconds: 10 }, time.now);
    cache.set('a', 'old');
    time.advance(1500);
    expect(cache.get('a')).toEqual({ fresh: false, value: 'old' });
    cache.set('a', 'new');
    expect(cache.get('a')).toEqual({ fresh: true, value: 'new' });
  });

  it('stores nothing when the TTL is 0', () => {
    const cache = new TtlCache<string>({ ttlSeconds: 0, maxEntries: 10, maxStaleSeconds: 3600 });
    cache.set('a', 'A');
    expect(cache.enabled).toBe(false);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

describe('TtlCache bounded by bytes', () => {
  it('evicts the least recently used values past maxBytes, and keeps none larger than the budget', () => {
    const cache = new TtlCache<string>({ ttlSeconds: 60, maxEntries: 100, maxStaleSeconds: 0, maxBytes: 10 }, clock().now, (v) => v.length);
    cache.set('a', 'aaaa');
    cache.set('b', 'bbbb');
    expect(cache.bytes).toBe(8);
    cache.set('c', 'cccc'); // 12 bytes: a goes
    expect([cache.get('a'), cache.get('b')?.value, cache.get('c')?.value]).toEqual([undefined, 'bbbb', 'cccc']);
    expect(cache.bytes).toBe(8);
    cache.set('huge', 'x'.repeat(11));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.bytes).toBe(8);
  });
});

describe('RowCache', () => {
  const options = { ttlSeconds: 60, maxEntries: 100, maxStaleSeconds: 0, maxBytes: 1_000_000, maxNegativeEntries: 10 };

  it('a flood of unknown ids never evicts the rows of known ones', () => {
    const cache = new RowCache(options, clock().now);
    cache.set('22', '{"ID":22}');
    for (let i = 0; i < 10_000; i++) cache.set(`unknown-${i}`, null);
    expect(cache.get('22')).toEqual({ fresh: true, value: '{"ID":22}' });
    expect(cache.stats()).toEqual({ rows: 1, bytes: 18, absent: 10 });
    expect(cache.get('unknown-9999')).toEqual({ fresh: true, value: null });
  });

  it('keeps a ready answer per row, counts its bytes, and gives it only while the row is fresh', () => {
    const time = clock();
    const ready = (row: string) => ({ body: `[${row}]`, contentLength: String(row.length + 2) });
    const cache = new RowCache({ ...options, ttlSeconds: 1, maxStaleSeconds: 10 }, time.now, ready);
    cache.set('22', '{"ID":22}');
    cache.set('404', null);
    expect(cache.readyAnswer('22')).toEqual({ body: '[{"ID":22}]', contentLength: '11' });
    expect(cache.readyAnswer('404')).toBeNull();
    expect(cache.readyAnswer('7')).toBeUndefined();
    // The row's 9 and its answer's 11 UTF-16 units, two bytes each.
    expect(cache.stats()).toEqual({ rows: 1, bytes: (9 + 11) * 2, absent: 1 });
    // A reading of the clock the caller already made stands in for the cache's own.
    expect(cache.readyAnswer('22', time.now() + 1500)).toBeUndefined();
    expect(cache.readyAnswer('404', time.now() + 999)).toBeNull();
    time.advance(1500);
    expect([cache.readyAnswer('22'), cache.readyAnswer('404')]).toEqual([undefined, undefined]);
    expect(cache.get('22')).toEqual({ fresh: false, value: '{"ID":22}' });
    // Without a maker of ready answers, rows have none: the hit path asks the lookup.
    const plain = new RowCache(options, time.now);
    plain.set('22', '{"ID":22}');
    expect(plain.readyAnswer('22')).toBeUndefined();
  });

  it('an id moves between the two when its answer changes', () => {
    const cache = new RowCache(options, clock().now);
    cache.set('7', null);
    cache.set('7', '{"ID":7}');
    expect(cache.get('7')?.value).toBe('{"ID":7}');
    cache.set('7', null);
    expect(cache.get('7')?.value).toBeNull();
    expect(cache.stats()).toEqual({ rows: 0, bytes: 0, absent: 1 });
  });
});

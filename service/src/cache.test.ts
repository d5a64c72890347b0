import { describe, expect, it } from 'vitest';
import { TtlCache } from './cache.js';

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

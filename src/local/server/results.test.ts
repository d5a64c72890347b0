import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ResultStore } from './results.js';

describe('ResultStore chunks', () => {
  const finished = async (store: ResultStore) => {
    const entry = store.start('s1', 'U', 'SELECT 1', null, async () => undefined);
    await entry.done;
    return entry;
  };

  it('keeps small results in memory', async () => {
    const store = new ResultStore();
    const entry = await finished(store);
    store.keepChunks(entry, ['["1"]', '["2"]']);
    expect(entry.chunkFiles).toBeUndefined();
    expect(store.chunk(entry.queryId, 1, entry.chunkKey)).toBe('["2"]');
    expect(store.chunk(entry.queryId, 1, 'wrong key')).toBeUndefined();
  });

  it('gives a result without chunks no key, and serves nothing for it whatever the key', async () => {
    const store = new ResultStore();
    const entry = await finished(store);
    store.keepChunks(entry, []);
    expect(entry.chunkKey).toBeUndefined();
    for (const key of [undefined, null, '', 'undefined']) expect(store.chunk(entry.queryId, 0, key)).toBeUndefined();
  });

  it('keeps large results on disk, serves them the same, and removes the files on close', async () => {
    const store = new ResultStore();
    const entry = await finished(store);
    const big = Array.from({ length: 3 }, (_, i) => `["${String(i).repeat(600_000)}"]`);
    store.keepChunks(entry, big);
    expect(entry.chunks).toEqual([]);
    expect(entry.chunkFiles).toHaveLength(3);
    expect(store.chunk(entry.queryId, 2, entry.chunkKey)).toBe(big[2]);
    expect(store.chunk(entry.queryId, 3, entry.chunkKey)).toBeUndefined();
    store.close();
    expect(entry.chunkFiles!.some((file) => existsSync(file))).toBe(false);
  });
});

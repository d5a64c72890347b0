import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../ui/errors.js';
import { IdPicker, parseIdList, readIdsFile } from './ids.js';

describe('parseIdList', () => {
  it("reads the tutorial's cust_ids.csv shape with or without a header", () => {
    expect(parseIdList('CUST_ID\n22\n196\n5000\n')).toEqual(['22', '196', '5000']);
    expect(parseIdList('22\r\n196\r\n\r\n5000')).toEqual(['22', '196', '5000']);
  });

  it('keeps the first column, unquotes, drops duplicates in order', () => {
    expect(parseIdList('"user_id",name\n"7",x\n3,y\n7,z\n')).toEqual(['7', '3']);
  });

  it('keeps alphanumeric ids and rejects what the service would refuse', () => {
    expect(parseIdList('user_a\nuser-b\n')).toEqual(['user_a', 'user-b']);
    expect(() => parseIdList('22\n1 OR 1=1\n')).toThrow(UsageError);
    expect(() => parseIdList('\n\n')).toThrow(/no ids/);
  });

  it('reads a file and says which file it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'papi-ids-'));
    try {
      writeFileSync(join(dir, 'ids.csv'), 'id\n1\n2\n');
      expect(await readIdsFile(join(dir, 'ids.csv'))).toEqual(['1', '2']);
      await expect(readIdsFile(join(dir, 'absent.csv'))).rejects.toThrow(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const ids = Array.from({ length: 100 }, (_, i) => String(i + 1));

function take(picker: IdPicker, n: number): string[][] {
  return Array.from({ length: n }, () => picker.take()!);
}

describe('IdPicker', () => {
  it('miss never repeats an id and stops when the ids run out', () => {
    const picker = new IdPicker(ids, { mode: 'miss', idsPerRequest: 3 });
    expect(picker.capacity).toBe(33);
    const asked = take(picker, 33).flat();
    expect(new Set(asked).size).toBe(99);
    expect(picker.take()).toBeUndefined();
  });

  it('miss says when there are too few ids for the run', () => {
    const picker = new IdPicker(ids, { mode: 'miss', idsPerRequest: 2 });
    expect(() => picker.ensureCapacity(50)).not.toThrow();
    expect(() => picker.ensureCapacity(51)).toThrow(/needs 102 distinct ids for 51 requests × 2 id\(s\), but only 100/);
  });

  it('hit cycles a small hot set, distinct ids within a request', () => {
    const picker = new IdPicker(ids, { mode: 'hit', idsPerRequest: 2, hotSetSize: 4 });
    expect(picker.hotSet).toEqual(['1', '2', '3', '4']);
    expect(take(picker, 4)).toEqual([
      ['1', '2'],
      ['3', '4'],
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(picker.capacity).toBe(Infinity);
  });

  it('mixed draws from the whole list, reproducibly for a seed, with distinct ids per request', () => {
    const a = take(new IdPicker(ids, { mode: 'mixed', idsPerRequest: 5, seed: 42 }), 200);
    const b = take(new IdPicker(ids, { mode: 'mixed', idsPerRequest: 5, seed: 42 }), 200);
    const c = take(new IdPicker(ids, { mode: 'mixed', idsPerRequest: 5, seed: 43 }), 200);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const request of a) expect(new Set(request).size).toBe(5);
    const seen = new Set(a.flat());
    expect(seen.size).toBeGreaterThan(90); // 1000 draws over 100 ids reach nearly all of them
    expect(seen.size).toBeLessThanOrEqual(100);
  });

  it('rejects more ids per request than there are ids', () => {
    expect(() => new IdPicker(['1', '2'], { mode: 'mixed', idsPerRequest: 3 })).toThrow(UsageError);
  });
});

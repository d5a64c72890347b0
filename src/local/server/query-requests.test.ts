import { describe, expect, it } from 'vitest';
import { bindsOf, splitRows } from './query-requests.js';

describe('splitRows', () => {
  const rows = Array.from({ length: 25 }, (_, i) => [String(i), `r${i}`]);

  it('keeps small results inline', () => {
    expect(splitRows(rows, { firstRows: 100, firstBytes: 1e6, chunkRows: 10, chunkBytes: 1e6 })).toEqual({ inline: rows, chunks: [] });
  });

  it('puts the rest in chunks of rows joined by commas without the outer brackets', () => {
    const { inline, chunks } = splitRows(rows, { firstRows: 5, firstBytes: 1e6, chunkRows: 8, chunkBytes: 1e6 });
    expect(inline).toEqual(rows.slice(0, 5));
    expect(chunks.map((c) => c.rowCount)).toEqual([8, 8, 4]);
    expect(JSON.parse(`[${chunks.map((c) => c.body).join(',')}]`)).toEqual(rows.slice(5));
    expect(chunks[0]!.body.startsWith('["5","r5"],')).toBe(true);
  });

  it('measures rows by their encoded size: characters JSON escapes count six times', () => {
    // 100 control characters are 100 characters of text and 600 of JSON: past a 500-byte first answer.
    const escaped = [['\u0001'.repeat(100)], ['x']];
    const { inline, chunks } = splitRows(escaped, { firstRows: 100, firstBytes: 500, chunkRows: 10, chunkBytes: 1e6 });
    expect(inline).toEqual([]);
    expect(JSON.parse(`[${chunks.map((c) => c.body).join(',')}]`)).toEqual(escaped);
    expect(splitRows(escaped, { firstRows: 100, firstBytes: 700, chunkRows: 10, chunkBytes: 1e6 })).toEqual({ inline: escaped, chunks: [] });
  });

  it('limits chunks by size too, but never leaves a chunk empty', () => {
    const { chunks } = splitRows(rows, { firstRows: 0, firstBytes: 0, chunkRows: 100, chunkBytes: 1 });
    expect(chunks).toHaveLength(25);
  });
});

describe('bindsOf', () => {
  it('orders positional binds numerically and keeps nulls and arrays', () => {
    expect(
      bindsOf({ 10: { type: 'TEXT', value: 'ten' }, 2: { type: 'FIXED', value: '2' }, 1: { type: 'TEXT', value: null }, 3: { type: 'FIXED', value: ['1', null] } }),
    ).toEqual([
      { type: 'TEXT', value: null },
      { type: 'FIXED', value: '2' },
      { type: 'FIXED', value: ['1', null] },
      { type: 'TEXT', value: 'ten' },
    ]);
  });
});

// CsvWriter encodes lines straight into a buffer it writes out when full (#16.3): the file must hold
// exactly the header and the lines, whatever their size or characters, across any number of flushes.
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutputDir, CsvWriter, gzipForUpload, removeOutputDir } from './output.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await removeOutputDir(dir);
});

async function written(lines: string[]): Promise<{ text: string; rows: number }> {
  const { dir, files } = await createOutputDir();
  dirs.push(dir);
  const writer = await CsvWriter.create(files.titles, 'ITEM_ID,TITLE');
  for (const line of lines) {
    const pending = writer.row(line);
    if (pending) await pending;
  }
  const rows = await writer.close();
  return { text: readFileSync(files.titles, 'utf8'), rows };
}

describe('CsvWriter', () => {
  it('writes the header and every line in order across many flushes, multi-byte characters included', async () => {
    // About 3.5 MB: several buffers' worth, with 2-, 3- and 4-byte UTF-8 characters near every boundary.
    const lines = Array.from({ length: 60_000 }, (_, i) => `${i + 1},"Amélie ${'日本'.repeat(i % 7)} 🎬 ${'x'.repeat(i % 31)}"`);
    const { text, rows } = await written(lines);
    expect(rows).toBe(lines.length);
    expect(text).toBe(`ITEM_ID,TITLE\n${lines.join('\n')}\n`);
  });

  it('takes a line longer than its buffer', async () => {
    const long = `1,"${'é'.repeat(1_500_000)}"`;
    const { text, rows } = await written(['0,"before"', long, '2,"after"']);
    expect(rows).toBe(3);
    expect(text).toBe(`ITEM_ID,TITLE\n0,"before"\n${long}\n2,"after"\n`);
  });
});

describe('gzipForUpload', () => {
  it('writes <file>.gz beside the file, compressed at the fastest level, owner-only, holding the same bytes', async () => {
    const { dir, files } = await createOutputDir();
    dirs.push(dir);
    const writer = await CsvWriter.create(files.ratings, 'USER_ID,ITEM_ID,RATING,TIMESTAMP');
    for (let i = 0; i < 50_000; i++) {
      const pending = writer.row(`${i % 943},${i % 1682},${(i % 5) + 1},1997-09-20 00:00:00`);
      if (pending) await pending;
    }
    await writer.close();
    const gz = await gzipForUpload(files.ratings);
    expect(gz).toBe(`${files.ratings}.gz`);
    const bytes = readFileSync(gz);
    // RFC 1952: magic 1f 8b; XFL (byte 8) 4 = "compressor used fastest algorithm" (zlib's level 1).
    expect([bytes[0], bytes[1], bytes[8]]).toEqual([0x1f, 0x8b, 4]);
    expect(gunzipSync(bytes).equals(readFileSync(files.ratings))).toBe(true);
    expect(statSync(gz).mode & 0o777).toBe(0o600);
  });
});

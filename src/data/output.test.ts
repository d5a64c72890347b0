// CsvWriter encodes lines straight into a buffer it writes out when full (#16.3): the file must hold
// exactly the header and the lines, whatever their size or characters, across any number of flushes.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutputDir, CsvWriter, removeOutputDir } from './output.js';

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

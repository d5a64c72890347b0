import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvWithDuckDB, tempDir } from './__tests__/support.js';
import { quoteCsv, splitCsvLine } from './csv.js';

describe('splitCsvLine', () => {
  it.each([
    ['1,Toy Story (1995)', ['1', 'Toy Story (1995)']],
    ['12,"Usual Suspects, The (1995)"', ['12', 'Usual Suspects, The (1995)']],
    ['5,"Say ""Hi"" (1990)"', ['5', 'Say "Hi" (1990)']],
    ["15,Mr. Holland's Opus (1995)", ['15', "Mr. Holland's Opus (1995)"]],
    ['1,,3', ['1', '', '3']],
    ['"",x', ['', 'x']],
    ['a,', ['a', '']],
  ])('%s', (line, fields) => {
    expect(splitCsvLine(line, ',')).toEqual({ fields });
  });

  it('reports an unterminated quote and a stray character after a closing quote', () => {
    expect(splitCsvLine('1,"Toy Story (1995)', ',')).toEqual({ error: expect.stringMatching(/^unterminated quote/) });
    expect(splitCsvLine('1,"Toy" Story', ',')).toEqual({ error: expect.stringMatching(/after a closing quote/) });
  });
});

describe('quoteCsv', () => {
  it('round-trips awkward titles through a real CSV reader (DuckDB, as COPY INTO reads them)', async () => {
    const titles = [
      'Usual Suspects, The (1995)',
      'Say "Hi" (1990)',
      '"Quoted" at both ends""',
      'Comma, and "quote", together (1997)',
      "Mr. Holland's Opus (1995)",
      'Café, Le (1996)',
      ' leading and trailing spaces ',
      '',
    ];
    const tmp = await tempDir();
    try {
      const path = join(tmp.path, 'titles.csv');
      await writeFile(path, `ITEM_ID,TITLE\n${titles.map((t, i) => `${i + 1},${quoteCsv(t)}`).join('\n')}\n`);
      const rows = await readCsvWithDuckDB(path, { ITEM_ID: 'BIGINT', TITLE: 'VARCHAR' });
      expect(rows.map((r) => r.TITLE ?? '')).toEqual(titles);
      // And papi's own splitter reads them back the same way.
      const lines = titles.map((t, i) => splitCsvLine(`${i + 1},${quoteCsv(t)}`, ','));
      expect(lines.map((l) => ('fields' in l ? l.fields[1] : l.error))).toEqual(titles);
    } finally {
      await tmp.remove();
    }
  });
});

// The CSV reader of COPY INTO: Snowflake's reading of enclosed fields, line ends and empty fields
// (https://docs.snowflake.com/en/sql-reference/sql/create-file-format, FIELD_OPTIONALLY_ENCLOSED_BY,
// RECORD_DELIMITER, EMPTY_FIELD_AS_NULL, NULL_IF), and the same records as the reader it replaced.
import { describe, expect, it } from 'vitest';
import type { Properties } from '../sql/ast.js';
import { csvFormat, CsvStream, readCsv, timestampText, type CsvFormat } from './csv-reader.js';

interface Read {
  line: number;
  fields: Array<string | null>;
  positions: number[];
}

function read(text: string, format: CsvFormat): Read[] {
  const records: Read[] = [];
  readCsv(text, format, (r) => records.push({ line: r.line, fields: [...r.fields], positions: [...r.positions] }));
  return records;
}

const str = (value: string) => ({ kind: 'string' as const, value });
const QUOTED = csvFormat({ FIELD_OPTIONALLY_ENCLOSED_BY: str('"') } as Properties);
const PLAIN = csvFormat({});

describe('readCsv', () => {
  it('reads quoted fields: doubled quotes, line breaks inside (counted as lines), text after the closing quote', () => {
    expect(read('a,"b ""x"", y",c\n"multi\nline",2,"z"tail\n3,4,5', QUOTED)).toEqual([
      { line: 1, fields: ['a', 'b "x", y', 'c'], positions: [1, 3, 16] },
      { line: 2, fields: ['multi\nline', '2', 'ztail'], positions: [1, 7, 9] },
      { line: 4, fields: ['3', '4', '5'], positions: [1, 3, 5] },
    ]);
  });

  it('ends records at LF and CRLF; a lone CR stays in an unquoted value but ends a quoted one', () => {
    expect(read('a,b\r\nc,d\re\n"q"\rr', QUOTED).map((r) => r.fields)).toEqual([['a', 'b'], ['c', 'd\re'], ['q'], ['r']]);
  });

  it('gives NULL for an empty unquoted field and NULL_IF matches, an empty string for ""', () => {
    expect(read('1,,"",\\N,x,\n', QUOTED)[0]!.fields).toEqual(['1', null, '', null, 'x', null]);
    const keepEmpty = csvFormat({ FIELD_OPTIONALLY_ENCLOSED_BY: str('"'), EMPTY_FIELD_AS_NULL: { kind: 'boolean', value: false }, NULL_IF: { kind: 'list', items: [str('NA')] } } as Properties);
    expect(read('1,,NA,\\N\n', keepEmpty)[0]!.fields).toEqual(['1', '', null, '\\N']);
  });

  it('keeps quotes as text without an enclosing character, reads an unclosed quote to the end, takes multi-character delimiters', () => {
    expect(read('"a",b"c\n', PLAIN)[0]!.fields).toEqual(['"a"', 'b"c']);
    expect(read('x,"open\nrest,of\nfile', QUOTED)).toEqual([{ line: 1, fields: ['x', 'open\nrest,of\nfile'], positions: [1, 3] }]);
    const pipes = csvFormat({ FIELD_DELIMITER: str('||') } as Properties);
    expect(read('a||b|c||\n', pipes)[0]!.fields).toEqual(['a', 'b|c', null]);
  });

  it('reads every record as the reader it replaced did (random files)', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = ['a', 'bc', '1', ' ', '"', '""', ',', ';;', '\n', '\r\n', '\r', '\\N', ''];
    const formats = [QUOTED, PLAIN, csvFormat({ FIELD_DELIMITER: str(';;'), FIELD_OPTIONALLY_ENCLOSED_BY: str('"'), TRIM_SPACE: { kind: 'boolean', value: true } } as Properties)];
    for (let file = 0; file < 2000; file++) {
      const text = Array.from({ length: random(30) }, () => pieces[random(pieces.length)]).join('');
      for (const format of formats) expect(read(text, format), JSON.stringify(text)).toEqual(characterByCharacter(text, format));
    }
  });
});

describe('CsvStream', () => {
  it('reads a text pushed in pieces of any size as readCsv reads it whole (random files, random cuts)', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pieces = ['a', 'bc', '1', ' ', '"', '""', ',', ';;', '\n', '\r\n', '\r', '\\N', ''];
    const formats = [QUOTED, PLAIN, csvFormat({ FIELD_DELIMITER: str(';;'), FIELD_OPTIONALLY_ENCLOSED_BY: str('"'), TRIM_SPACE: { kind: 'boolean', value: true } } as Properties)];
    for (let file = 0; file < 2000; file++) {
      const text = Array.from({ length: random(30) }, () => pieces[random(pieces.length)]).join('');
      for (const format of formats) {
        const records: Read[] = [];
        const stream = new CsvStream(format, (r) => records.push({ line: r.line, fields: [...r.fields], positions: [...r.positions] }));
        for (let at = 0; at < text.length; ) {
          const size = 1 + random(5);
          stream.push(text.slice(at, at + size));
          at += size;
        }
        stream.end();
        expect(records, JSON.stringify(text)).toEqual(read(text, format));
      }
    }
  });
});

describe('timestampText', () => {
  it('takes the usual forms and refuses months and days out of range', () => {
    expect(timestampText('1997-10-02 01:27:25')).toBe('1997-10-02 01:27:25');
    expect(timestampText('1997-10-02T01:27')).toBe('1997-10-02 01:27:00');
    expect(timestampText('1997-10-02 01:27:25.1234567')).toBe('1997-10-02 01:27:25.123456');
    expect(timestampText('881250949')).toBe('1997-12-04 15:55:49.000000');
    expect(timestampText('1997-13-02 01:27:25')).toBeUndefined();
    expect(timestampText('1997-10-00 01:27:25')).toBeUndefined();
    expect(timestampText('1997-10-32')).toBeUndefined();
  });
});

/** The reader before it scanned with indexOf (one character at a time), kept as the reference. */
function characterByCharacter(text: string, format: CsvFormat): Read[] {
  const records: Read[] = [];
  const quote = format.enclosedBy;
  const delimiter = format.delimiter;
  const fieldValue = (raw: string, quoted: boolean) => {
    const value = format.trimSpace ? raw.trim() : raw;
    if (!quoted && value === '' && format.emptyFieldAsNull) return null;
    return format.nullIf.includes(value) ? null : value;
  };
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const record: Read = { line, fields: [], positions: [] };
    for (;;) {
      record.positions.push(i - lineStart + 1);
      let value = '';
      let quoted = false;
      if (quote !== undefined && text[i] === quote) {
        quoted = true;
        i++;
        while (i < n) {
          if (text[i] === quote) {
            if (text[i + 1] === quote) {
              value += quote;
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (text[i] === '\n') {
            line++;
            lineStart = i + 1;
          }
          value += text[i++];
        }
        while (i < n && !text.startsWith(delimiter, i) && text[i] !== '\n' && text[i] !== '\r') value += text[i++];
      } else {
        while (i < n && !text.startsWith(delimiter, i) && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) value += text[i++];
      }
      record.fields.push(fieldValue(value, quoted));
      if (i < n && text.startsWith(delimiter, i)) {
        i += delimiter.length;
        continue;
      }
      if (text[i] === '\r') i++;
      if (text[i] === '\n') i++;
      line++;
      lineStart = i;
      break;
    }
    records.push(record);
  }
  return records;
}

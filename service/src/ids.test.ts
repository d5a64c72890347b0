import { describe, expect, it } from 'vitest';
import { parseIds, quotePart } from './ids.js';

const numeric = { format: 'numeric' as const, maxIds: 100 };
const alphanumeric = { format: 'alphanumeric' as const, maxIds: 100 };

describe('parseIds (numeric)', () => {
  it('accepts one id and comma-separated ids, in order', () => {
    expect(parseIds('22', numeric)).toEqual({ ok: true, ids: ['22'] });
    expect(parseIds('196,22,5000', numeric)).toEqual({ ok: true, ids: ['196', '22', '5000'] });
  });

  it('answers a duplicate once, at its first position', () => {
    expect(parseIds('22,196,22,196,7', numeric)).toEqual({ ok: true, ids: ['22', '196', '7'] });
  });

  it('drops leading zeros, so 022 and 22 are the same id', () => {
    expect(parseIds('022,22,0007', numeric)).toEqual({ ok: true, ids: ['22', '7'] });
  });

  it('accepts 38 digits and rejects 39', () => {
    const max = '9'.repeat(38);
    expect(parseIds(max, numeric)).toEqual({ ok: true, ids: [max] });
    const result = parseIds(`1,${'9'.repeat(39)}`, numeric);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^invalid id at position 2: "9{39}"/);
  });

  it.each([
    ['0', /invalid id \(zero\) at position 1/],
    ['000', /invalid id \(zero\)/],
    ['-22', /invalid id at position 1: "-22"/],
    ['+22', /invalid id at position 1: "\+22"/],
    ['22.5', /"22\.5"/],
    ['1e3', /"1e3"/],
    [' 22', /" 22"/],
    ['22 ', /"22 "/],
    ['0x16', /"0x16"/],
    ['abc', /"abc"/],
  ])('rejects %j', (raw, message) => {
    const result = parseIds(raw, numeric);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('rejects empty parts and names their position', () => {
    for (const [raw, position] of [['', 1], [',22', 1], ['22,,196', 2], ['22,', 2]] as const) {
      const result = parseIds(raw, numeric);
      expect(result).toEqual({ ok: false, error: expect.stringContaining(`empty id at position ${position}`) });
    }
  });

  it('rejects SQL fragments, naming the first bad part', () => {
    const result = parseIds("22,1) OR 1=1 --,196'; DROP TABLE X", numeric);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^invalid id at position 2: "1\) OR 1=1 --"/);
  });

  it('rejects non-ASCII digits and other unicode', () => {
    for (const raw of ['٢٢', '２２', '22\u200b', '𝟐𝟐', 'é']) {
      expect(parseIds(raw, numeric).ok).toBe(false);
    }
  });

  it('rejects more than maxIds, and counts before removing duplicates', () => {
    const tenThousand = Array.from({ length: 10_000 }, (_, i) => String(i + 1)).join(',');
    expect(parseIds(tenThousand, numeric)).toEqual({ ok: false, error: 'too many ids: 10000 (at most 100 per request)' });
    expect(parseIds(Array(101).fill('22').join(','), numeric).ok).toBe(false);
    expect(parseIds(Array(100).fill('22').join(','), numeric)).toEqual({ ok: true, ids: ['22'] });
  });
});

describe('parseIds (alphanumeric)', () => {
  it('accepts keys of letters, digits, _ and -, case-sensitive', () => {
    expect(parseIds('abc,ABC,a_b-9', alphanumeric)).toEqual({ ok: true, ids: ['abc', 'ABC', 'a_b-9'] });
    expect(parseIds('x'.repeat(64), alphanumeric).ok).toBe(true);
  });

  it('keeps leading zeros (keys are text)', () => {
    expect(parseIds('007,7', alphanumeric)).toEqual({ ok: true, ids: ['007', '7'] });
  });

  it.each(['x'.repeat(65), 'a b', "a'b", 'a.b', 'ü', ''])('rejects %j', (raw) => {
    expect(parseIds(raw, alphanumeric).ok).toBe(false);
  });
});

describe('quotePart', () => {
  it('escapes quotes, HTML characters, controls and non-ASCII', () => {
    expect(quotePart(`<script>"x"&'\n`)).toBe('"\\u003cscript\\u003e\\u0022x\\u0022\\u0026\\u0027\\u000a"');
    expect(quotePart('é😀')).toBe('"\\u00e9\\ud83d\\ude00"');
  });

  it('truncates long parts and says how long they were', () => {
    const quoted = quotePart('a'.repeat(500));
    expect(quoted).toBe(`"${'a'.repeat(40)}"… (500 characters)`);
  });
});

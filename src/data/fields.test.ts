import { describe, expect, it } from 'vitest';
import { FieldProblem, formatTimestamp, parseId, parseRating, parseTimestamp, parseUserId } from './fields.js';

describe('parseTimestamp', () => {
  it.each([
    ['2024-12-04T15:55:49.000', '2024-12-04 15:55:49'], // the tutorial's
    ['2024-12-04 15:55:49', '2024-12-04 15:55:49'],
    ['2024-12-04T15:55:49Z', '2024-12-04 15:55:49'],
    ['2024-12-04T15:55', '2024-12-04 15:55:00'],
    ['2024-02-29', '2024-02-29 00:00:00'],
    ['881250949', '1997-12-04 15:55:49'], // GroupLens's unix seconds
    ['0', '1970-01-01 00:00:00'],
    ['  ', ''],
  ])('%s → %s', (raw, expected) => {
    expect(parseTimestamp(raw)).toBe(expected);
  });

  it.each(['2023-02-29', '2024-13-01', '2024-04-31', '2024-12-04T24:00:00', '2024-12-04T15:60:00', '04/12/2024', 'yesterday', '2024-12-04T15:55:49+02:00'])(
    'refuses %s',
    (raw) => {
      expect(() => parseTimestamp(raw)).toThrow(FieldProblem);
    },
  );
});

describe('parseId and parseRating', () => {
  it('normalizes and refuses', () => {
    expect(parseId('ID', ' 007 ')).toBe('7');
    expect(parseId('ID', '0')).toBe('0');
    expect(() => parseId('ID', '1.5')).toThrow(/ID "1.5" is not a whole number/);
    expect(() => parseId('ID', '9'.repeat(39))).toThrow(/more than 38 digits/);
    expect(['1', '5', '3.5', '4.0', '0.5'].map(parseRating)).toEqual(['1', '5', '3.5', '4', '0.5']);
    for (const bad of ['0', '5.5', '-1', 'NaN', 'Infinity', '1e1', '', 'four']) expect(() => parseRating(bad), bad).toThrow(FieldProblem);
  });
});

describe('formatTimestamp', () => {
  it("writes what Date's ISO string says, to the second, for any instant of years 0 to 9999", () => {
    const reference = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
    const edges = [0, -1, -1000, -1001, 951_782_400_000 /* 2000-02-29 */, 4_107_542_400_000 /* 2100-03-01 */, -62_167_219_200_000 /* 0000-01-01 */, 253_402_300_799_000 /* 9999-12-31 23:59:59 */];
    let seed = 7;
    const random = () => ((seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647);
    const drawn = Array.from({ length: 20_000 }, () => Math.floor((random() * 2 - 1) * 62_167_219_200_000) + 1000 * Math.floor(random() * 1000));
    for (const ms of [...edges, ...drawn]) expect(formatTimestamp(ms), String(ms)).toBe(reference(ms));
  });
});

describe('parseUserId', () => {
  it('integer: whole numbers as parseId reads them; an alphanumeric id names the setting to change', () => {
    expect(parseUserId('USER_ID', ' 022 ', 'integer')).toBe('22');
    expect(() => parseUserId('USER_ID', 'abc-17', 'integer')).toThrow(/USER_ID "abc-17" is not a whole number \(service.idFormat is integer; set it to alphanumeric/);
    expect(() => parseUserId('USER_ID', 'a b', 'integer')).toThrow(/is not a whole number$/);
  });

  it('alphanumeric: 1 to 64 ASCII letters, digits, _ or -, kept as written (case, leading zeros), spaces around trimmed', () => {
    for (const id of ['abc-17', 'ABC-17', '007', '22', 'a_b', '-', 'x'.repeat(64)]) expect(parseUserId('ID', id, 'alphanumeric')).toBe(id);
    expect(parseUserId('ID', ' abc ', 'alphanumeric')).toBe('abc');
  });

  it.each(['', 'x'.repeat(65), 'a b', 'a.b', "a'b", 'a,b', 'ü', 'ａ', 'a\tb', 'a"b'])('alphanumeric refuses %j, saying what an id may hold', (raw) => {
    expect(() => parseUserId('USER_ID', raw, 'alphanumeric')).toThrow(FieldProblem);
    expect(() => parseUserId('USER_ID', raw, 'alphanumeric')).toThrow(/is not an alphanumeric id \(1 to 64 letters \(A-Z, a-z\), digits, _ or -\)/);
  });
});

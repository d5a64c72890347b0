import { describe, expect, it } from 'vitest';
import { FieldProblem, parseId, parseRating, parseTimestamp } from './fields.js';

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

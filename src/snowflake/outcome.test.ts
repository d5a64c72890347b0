import { describe, expect, it } from 'vitest';
import { combineOutcomes, outcomeOf } from './outcome.js';

const status = (text: string) => [{ status: text }];

describe('outcomeOf', () => {
  it("reads Snowflake's status texts", () => {
    expect(outcomeOf(status('Table USER_RATINGS successfully created.'))).toBe('created');
    expect(outcomeOf(status('DATA_API_WH already exists, statement succeeded.'))).toBe('unchanged');
    expect(outcomeOf(status('API successfully dropped.'))).toBe('dropped');
    expect(outcomeOf(status('Drop statement executed successfully (API already dropped).'))).toBe('absent');
    expect(outcomeOf(status('Statement executed successfully.'))).toBe('done');
  });

  it('treats anything that is not one status row as done', () => {
    expect(outcomeOf([])).toBe('done');
    expect(outcomeOf([{ status: 'x successfully created.' }, { status: 'y successfully created.' }])).toBe('done');
    expect(outcomeOf([{ 'number of rows inserted': 3 }])).toBe('done');
  });
});

describe('combineOutcomes', () => {
  it('reports a step as created or dropped when any statement did so', () => {
    expect(combineOutcomes(['unchanged', 'created', 'done'])).toBe('created');
    expect(combineOutcomes(['absent', 'dropped'])).toBe('dropped');
    expect(combineOutcomes(['absent', 'absent'])).toBe('absent');
    expect(combineOutcomes(['unchanged', 'done'])).toBe('unchanged');
  });
});

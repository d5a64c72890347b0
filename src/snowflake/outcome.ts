// What a DDL statement did, read from the one-row `status` result Snowflake returns for it
// ("Table X successfully created.", "X already exists, statement succeeded.", …). Setup and teardown
// report each object as created / unchanged / dropped / absent from these texts.

export type Outcome = 'created' | 'unchanged' | 'dropped' | 'absent' | 'done';

export function outcomeOf(rows: ReadonlyArray<Record<string, unknown>>): Outcome {
  const status = rows.length === 1 ? rows[0]?.status ?? rows[0]?.STATUS : undefined;
  if (typeof status !== 'string') return 'done';
  if (/already exists, statement succeeded\.$/.test(status)) return 'unchanged';
  if (/successfully created\.$/.test(status)) return 'created';
  if (/already dropped\)\.$|does not exist, statement succeeded\.$/.test(status)) return 'absent';
  if (/successfully dropped\.$/.test(status)) return 'dropped';
  return 'done';
}

/** One step's outcome from its statements': anything created or dropped wins over "nothing to do". */
export function combineOutcomes(outcomes: readonly Outcome[]): Outcome {
  for (const wanted of ['created', 'dropped'] as const) if (outcomes.includes(wanted)) return wanted;
  if (outcomes.includes('absent')) return 'absent';
  return 'unchanged';
}

// Benchmark (prints figures; not a test): a JavaScript stored procedure reading N rows of
// (USER_ID, ITEM_ID, RATING) through a ResultSet on papi local — what a recommender procedure does
// with its ratings — beside the same SELECT fetched by the real snowflake-sdk from outside, and the
// same SELECT with the body doing no per-row work (the API's own cost); and what a CALL costs by itself.
//   npm run bench:procedure                  (PROCEDURE_ROWS=… PROCEDURE_ROUNDS=… to change)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect } from '../../snowflake/driver.js';
import { startLocal } from '../index.js';

const ROWS = positiveInteger(process.env.PROCEDURE_ROWS, 1_000_000);
const ROUNDS = positiveInteger(process.env.PROCEDURE_ROUNDS, 3);

function positiveInteger(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'papi-bench-procedure-'));
  const local = await startLocal({ dataDir: path.join(dir, 'local') });
  const timings: Record<string, number[]> = { procedure: [], count: [], driver: [], constant: [], select: [] };
  try {
    const c = await connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: local.password });
    try {
      await c.execute('CREATE DATABASE BENCH');
      await c.execute('USE SCHEMA BENCH.PUBLIC');
      await c.execute(
        `CREATE TABLE RATINGS AS SELECT SEQ4() % 6040 AS USER_ID, SEQ4() % 3706 AS ITEM_ID, (SEQ4() % 5) + 1.0 AS RATING FROM TABLE(GENERATOR(ROWCOUNT => ${ROWS}))`,
      );
      // Reads every value, as a training loop fills its arrays.
      await c.execute(`CREATE OR REPLACE PROCEDURE READ_ALL() RETURNS VARIANT LANGUAGE JAVASCRIPT AS $$
        var rs = snowflake.execute({sqlText: 'SELECT USER_ID, ITEM_ID, RATING FROM RATINGS'});
        var n = 0, sum = 0;
        while (rs.next()) { sum += rs.getColumnValue(1) + rs.getColumnValue(2) + rs.getColumnValue(3); n++; }
        return {rows: n, sum: sum};
      $$`);
      await c.execute(`CREATE OR REPLACE PROCEDURE COUNT_ALL() RETURNS FLOAT LANGUAGE JAVASCRIPT AS $$
        var rs = snowflake.execute({sqlText: 'SELECT USER_ID, ITEM_ID, RATING FROM RATINGS'});
        var n = 0;
        while (rs.next()) n++;
        return n;
      $$`);
      await c.execute(`CREATE OR REPLACE PROCEDURE ONE() RETURNS FLOAT LANGUAGE JAVASCRIPT AS $$ return 1; $$`);
      // What a CALL costs by itself (a worker thread started and stopped), beside a trivial SELECT.
      for (let i = 0; i < 20; i++) {
        let t0 = performance.now();
        await c.execute('CALL ONE()');
        timings.constant!.push(performance.now() - t0);
        t0 = performance.now();
        await c.execute('SELECT 1');
        timings.select!.push(performance.now() - t0);
      }
      for (let round = 0; round < ROUNDS; round++) {
        let t0 = performance.now();
        const [read] = await c.execute<{ READ_ALL: { rows: number } }>('CALL READ_ALL()');
        timings.procedure!.push(performance.now() - t0);
        if (read!.READ_ALL.rows !== ROWS) throw new Error(`the procedure read ${read!.READ_ALL.rows} rows, not ${ROWS}`);
        t0 = performance.now();
        await c.execute('CALL COUNT_ALL()');
        timings.count!.push(performance.now() - t0);
        t0 = performance.now();
        const rows = await c.execute('SELECT USER_ID, ITEM_ID, RATING FROM RATINGS');
        timings.driver!.push(performance.now() - t0);
        if (rows.length !== ROWS) throw new Error(`the driver read ${rows.length} rows`);
      }
    } finally {
      await c.close();
    }
  } finally {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`a CALL of a procedure returning a constant: ${median(timings.constant!).toFixed(1)} ms, a SELECT 1: ${median(timings.select!).toFixed(1)} ms (medians of 20)`);
  const driver = median(timings.driver!);
  console.log(`JavaScript procedure reading ${ROWS.toLocaleString('en-US')} rows × 3 columns through a ResultSet, median of ${ROUNDS}:`);
  for (const [label, key] of [
    ['CALL, getColumnValue of every cell', 'procedure'],
    ['CALL, next() only', 'count'],
    ['the same SELECT fetched by the driver', 'driver'],
  ] as const) {
    const ms = median(timings[key]!);
    console.log(`  ${label.padEnd(40)} ${(ms / 1000).toFixed(2).padStart(7)} s   ${(ms / driver).toFixed(2)}× the driver`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

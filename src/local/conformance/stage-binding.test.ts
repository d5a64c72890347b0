// Conformance: the driver's stage array binding. Past its array-binding threshold (100,000 binds by
// default, `arrayBindingThreshold` per connection) the Node driver creates the temporary stage
// SYSTEM$BIND, PUTs the binds there as CSV from memory and sends the statement with `bindStage`
// instead of the binds (https://docs.snowflake.com/en/developer-guide/node-js/nodejs-driver-execute#binding-an-array-for-bulk-insertions).
// The driver falls back to inline binds without a word when any step fails, so these tests check
// that the binds really went through the stage (its files are listed) and that the values arrived
// exactly: NULL and '' apart, quotes, commas and newlines inside values, numbers, dates.
import snowflake from 'snowflake-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: snowflake.Connection;

function run(sql: string, binds?: snowflake.Binds): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) =>
    c.execute({ sqlText: sql, ...(binds ? { binds } : {}), complete: (error, _stmt, rows) => (error ? reject(error) : resolve((rows ?? []) as Array<Record<string, unknown>>)) }),
  );
}

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-stage-binding');
  snowflake.configure({ logLevel: 'OFF' });
  c = snowflake.createConnection({
    accessUrl: target.local.accessUrl,
    account: target.local.account,
    username: target.local.user,
    password: target.local.password,
    arrayBindingThreshold: 3,
  });
  await c.connectAsync(() => undefined);
  for (const sql of ['CREATE DATABASE SB', 'CREATE SCHEMA SB.S', 'CREATE WAREHOUSE SB_WH', 'USE WAREHOUSE SB_WH', 'USE SCHEMA SB.S'])
    await run(sql);
});

afterAll(async () => {
  await new Promise((resolve) => (c ? c.destroy(resolve) : resolve(undefined)));
  await target?.close();
});

describe('stage array binding', () => {
  it('inserts the rows through the SYSTEM$BIND stage, values exactly as bound', async () => {
    await run('CREATE TABLE T (ID NUMBER, NAME VARCHAR, SCORE FLOAT, DAY DATE, OK BOOLEAN)');
    const rows: snowflake.Binds = [
      [1, 'plain', 1.5, '2024-02-29', true],
      [2, 'with "quotes", a comma\nand a newline', -0.25, '1969-12-31', false],
      [3, '', 0, null, null],
      [4, null, null, '0001-01-01', true],
    ];
    await run('INSERT INTO T VALUES (?, ?, ?, ?, ?)', rows);
    // The driver PUT the binds into the stage: the path was taken, not the inline fallback.
    const staged = await run('LIST @SYSTEM$BIND');
    expect(staged.length).toBeGreaterThan(0);
    const back = await run('SELECT ID, NAME, SCORE, TO_VARCHAR(DAY) AS DAY, OK FROM T ORDER BY ID');
    expect(back).toEqual([
      { ID: 1, NAME: 'plain', SCORE: 1.5, DAY: '2024-02-29', OK: true },
      { ID: 2, NAME: 'with "quotes", a comma\nand a newline', SCORE: -0.25, DAY: '1969-12-31', OK: false },
      { ID: 3, NAME: '', SCORE: 0, DAY: null, OK: null },
      { ID: 4, NAME: null, SCORE: null, DAY: '0001-01-01', OK: true },
    ]);
  });

  it('answers a failed conversion with the error, as inline binds do', async () => {
    await run('CREATE TABLE N (ID NUMBER)');
    const error = await run('INSERT INTO N VALUES (?)', [[1], [2], ['not a number'], [4]]).then(
      () => undefined,
      (e: unknown) => e as { code?: string },
    );
    expect(error?.code).toBe('100038');
    expect(await run('SELECT COUNT(*) AS N FROM N')).toEqual([{ N: 0 }]);
  });
});

// Conformance: DML beyond INSERT, UPDATE and DELETE, with the counts the driver reads.
//   MERGE answers one count per kind of clause it has (https://docs.snowflake.com/en/sql-reference/sql/merge).
//   CREATE TABLE … CLONE copies columns and rows, not grants; a hybrid table cannot be cloned
//   (https://docs.snowflake.com/en/sql-reference/sql/create-clone,
//   https://docs.snowflake.com/en/user-guide/tables-hybrid-limitations).
//   INSERT ALL runs its query once and inserts into every target, one count each
//   (https://docs.snowflake.com/en/sql-reference/sql/insert-multi-table); the conditional forms
//   (WHEN … THEN, INSERT FIRST) are refused by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../snowflake/driver.js';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: Connection;

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-dml');
  c = await connectAdmin(target.local);
  for (const sql of ['CREATE DATABASE D', 'CREATE SCHEMA D.S', 'CREATE WAREHOUSE D_WH', 'USE WAREHOUSE D_WH', 'USE SCHEMA D.S']) await c.execute(sql);
});

afterAll(async () => {
  await c?.close();
  await target?.close();
});

describe('CLONE and MERGE', () => {
  it('clones a table with its rows; the clone changes alone', async () => {
    await c.execute('CREATE TABLE MASTER (K NUMBER, V NUMBER)');
    await c.execute('INSERT INTO MASTER VALUES (0, 10), (1, 11), (5, 15)');
    await c.execute('CREATE TABLE FOO CLONE MASTER');
    await c.execute('INSERT INTO FOO VALUES (6, 16)');
    expect(await c.execute('SELECT COUNT(*) AS N FROM MASTER')).toEqual([{ N: 3 }]);
    expect(await c.execute('SELECT K, V FROM FOO ORDER BY K')).toEqual([
      { K: 0, V: 10 },
      { K: 1, V: 11 },
      { K: 5, V: 15 },
      { K: 6, V: 16 },
    ]);
  });

  it('refuses to clone a hybrid table', async () => {
    await c.execute('CREATE HYBRID TABLE H (K NUMBER PRIMARY KEY)');
    expect((await driverFailure(c.execute('CREATE TABLE H2 CLONE H'))).code).toBe('002040');
  });

  it('merges: updates, deletes and inserts by clause, counted per kind', async () => {
    await c.execute('CREATE TABLE BAR (K NUMBER, V NUMBER)');
    await c.execute('INSERT INTO BAR VALUES (0, 20), (1, 21), (2, 22), (3, 23)');
    const [counts] = await c.execute(
      'MERGE INTO FOO USING BAR ON FOO.K = BAR.K WHEN MATCHED AND FOO.K = 0 THEN UPDATE SET V = BAR.V * 100 WHEN MATCHED AND FOO.K = 1 THEN DELETE WHEN NOT MATCHED THEN INSERT VALUES (BAR.K, BAR.V)',
    );
    expect(counts).toEqual({ 'number of rows inserted': 2, 'number of rows updated': 1, 'number of rows deleted': 1 });
    expect(await c.execute('SELECT K, V FROM FOO ORDER BY K')).toEqual([
      { K: 0, V: 2000 },
      { K: 2, V: 22 },
      { K: 3, V: 23 },
      { K: 5, V: 15 },
      { K: 6, V: 16 },
    ]);
    const [onlyUpdates] = await c.execute('MERGE INTO FOO F USING BAR B ON F.K = B.K WHEN MATCHED THEN UPDATE SET V = 0');
    expect(onlyUpdates).toEqual({ 'number of rows updated': 3 });
    // Unqualified names in the INSERT values are the source's (the target has no row there).
    await c.execute('INSERT INTO BAR VALUES (9, 29)');
    const [inserted] = await c.execute('MERGE INTO FOO USING BAR ON FOO.K = BAR.K WHEN NOT MATCHED THEN INSERT VALUES (K, V)');
    expect(inserted).toEqual({ 'number of rows inserted': 2 }); // 1 (deleted above) and 9
    expect(await c.execute('SELECT K, V FROM FOO WHERE K IN (1, 9) ORDER BY K')).toEqual([
      { K: 1, V: 21 },
      { K: 9, V: 29 },
    ]);
  });
});

describe('INSERT ALL', () => {
  it('inserts the query once into every target, through VALUES by column name', async () => {
    await c.execute('CREATE TABLE SRC (K NUMBER, V NUMBER)');
    await c.execute('INSERT INTO SRC VALUES (0, 100), (1, 101), (2, 102)');
    await c.execute('CREATE TABLE A (K NUMBER, V NUMBER)');
    await c.execute('CREATE TABLE B (V NUMBER)');
    const [counts] = await c.execute('INSERT ALL INTO A INTO B (V) VALUES (K) INTO SRC SELECT K, V FROM SRC');
    expect(counts).toEqual({ 'number of rows inserted into A': 3, 'number of rows inserted into B': 3, 'number of rows inserted into SRC': 3 });
    expect(await c.execute('SELECT V FROM B ORDER BY V')).toEqual([{ V: 0 }, { V: 1 }, { V: 2 }]);
    // The query ran once, before any insert: SRC doubled, not more.
    expect(await c.execute('SELECT COUNT(*) AS N FROM SRC')).toEqual([{ N: 6 }]);
  });

  it('refuses the conditional forms by name', async () => {
    const refused = await driverFailure(c.execute('INSERT FIRST WHEN K > 0 THEN INTO A SELECT K, V FROM SRC'));
    expect([refused.code, refused.message]).toEqual(['002040', expect.stringContaining('conditional multi-table INSERT')]);
  });
});

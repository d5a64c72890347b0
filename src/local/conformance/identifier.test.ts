// Conformance: IDENTIFIER() through the real snowflake-sdk — an object name given as a bound or
// literal string, in queries, DML and DDL, and bind variables for values in the same statement
// (https://docs.snowflake.com/en/sql-reference/identifier-literal). papi's puresvd procedure reads
// and writes its tables this way, so no name is pasted into its SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../snowflake/driver.js';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: Connection;

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-identifier');
  c = await connectAdmin(target.local);
  for (const sql of ['CREATE WAREHOUSE ID_WH', 'CREATE DATABASE ID_DB', 'CREATE SCHEMA ID_DB.S', 'CREATE TABLE ID_DB.S.T (ID NUMBER, NAME VARCHAR)', "INSERT INTO ID_DB.S.T VALUES (1, 'one'), (2, 'two'), (3, 'three')"])
    await c.execute(sql);
});

afterAll(async () => {
  await c?.close();
  await target?.close();
});

describe('IDENTIFIER()', () => {
  it('takes a bound qualified name in FROM, with value binds before and after it', async () => {
    expect(await c.execute('SELECT NAME, ? AS TAG FROM IDENTIFIER(?) WHERE ID >= ? ORDER BY ID', ['x', 'ID_DB.S.T', 2])).toEqual([
      { NAME: 'two', TAG: 'x' },
      { NAME: 'three', TAG: 'x' },
    ]);
    // Double-quoted parts keep their case; plain parts resolve as written names do (upper case).
    expect(await c.execute('SELECT COUNT(*) AS N FROM IDENTIFIER(?)', ['"ID_DB"."S"."T"'])).toEqual([{ N: 3 }]);
    expect(await c.execute('SELECT COUNT(*) AS N FROM IDENTIFIER(?)', ['id_db.s.t'])).toEqual([{ N: 3 }]);
  });

  it('names the table of CREATE TABLE … AS, INSERT and DROP, and takes a string literal', async () => {
    await c.execute('CREATE OR REPLACE TABLE IDENTIFIER(?) AS SELECT ID, NAME FROM IDENTIFIER(?) LIMIT 0', ['ID_DB.S.COPY', 'ID_DB.S.T']);
    await c.execute('INSERT INTO IDENTIFIER(?) (ID, NAME) SELECT ID, NAME FROM ID_DB.S.T WHERE ID = ?', ['ID_DB.S.COPY', 1]);
    expect(await c.execute("SELECT ID, NAME FROM IDENTIFIER('ID_DB.S.COPY')")).toEqual([{ ID: 1, NAME: 'one' }]);
    await c.execute('DROP TABLE IDENTIFIER(?)', ['ID_DB.S.COPY']);
    expect(await c.execute("SHOW TABLES LIKE 'COPY' IN SCHEMA ID_DB.S")).toEqual([]);
  });

  it('refuses a value that is not a name: nothing of it runs as SQL', async () => {
    const failure = await driverFailure(c.execute('SELECT COUNT(*) FROM IDENTIFIER(?)', ['ID_DB.S.T; DROP TABLE ID_DB.S.T']));
    expect(failure.message).toMatch(/invalid identifier/);
    expect(await c.execute('SELECT COUNT(*) AS N FROM ID_DB.S.T')).toEqual([{ N: 3 }]);
  });
});

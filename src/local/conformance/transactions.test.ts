// Conformance: transactions. Snowflake's BEGIN … COMMIT groups statements and ROLLBACK undoes them
// (https://docs.snowflake.com/en/sql-reference/transactions); DDL commits the open transaction
// ("Each DDL statement executes as its own transaction", same page); with AUTOCOMMIT = FALSE a DML
// statement opens a transaction implicitly (https://docs.snowflake.com/en/sql-reference/parameters#autocommit).
// papi local commits every statement as it runs, so it cannot undo a change: a ROLLBACK that would have
// to is refused by name (002040) instead of answering success over rows that stay — the silent wrong
// answer it gave before. Everything else answers as Snowflake does. Through the real snowflake-sdk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../snowflake/driver.js';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: Connection;

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-transactions');
  c = await connectAdmin(target.local);
  for (const sql of ['CREATE DATABASE D', 'CREATE SCHEMA D.S', 'USE SCHEMA D.S', 'CREATE TABLE T (ID NUMBER)']) await c.execute(sql);
});

afterAll(async () => {
  await c?.close();
  await target?.close();
});

const count = async () => ((await c.execute('SELECT COUNT(*) AS N FROM T')) as Array<{ N: number }>)[0]!.N;

describe('transactions on papi local', () => {
  it('BEGIN … COMMIT keeps the changes', async () => {
    const before = await count();
    await c.execute('BEGIN');
    await c.execute('INSERT INTO T VALUES (1)');
    await c.execute('COMMIT');
    expect(await count()).toBe(before + 1);
  });

  it('a ROLLBACK that would undo changes is refused by name (002040); COMMIT then ends the transaction', async () => {
    const before = await count();
    await c.execute('BEGIN TRANSACTION');
    await c.execute('INSERT INTO T VALUES (2)');
    await c.execute('UPDATE T SET ID = 3 WHERE ID = 2');
    const refused = await driverFailure(c.execute('ROLLBACK'));
    expect(refused.code).toBe('002040');
    expect(refused.message).toMatch(/ROLLBACK of a transaction that changed data \(2 statements since it began.*they stay/s);
    // Nothing is hidden: the rows are there, and saying so again gives the same answer.
    expect(await count()).toBe(before + 1);
    expect((await driverFailure(c.execute('ROLLBACK'))).code).toBe('002040');
    await c.execute('COMMIT');
    // No transaction is open any more: a ROLLBACK now has nothing to undo.
    await c.execute('ROLLBACK');
  });

  it('a transaction that changed nothing rolls back, as in Snowflake', async () => {
    await c.execute('BEGIN');
    await c.execute('SELECT COUNT(*) FROM T');
    await c.execute('ROLLBACK');
    await c.execute('START TRANSACTION');
    await c.execute('ROLLBACK WORK');
  });

  it('DDL commits the open transaction, so a ROLLBACK after it has nothing to undo', async () => {
    await c.execute('BEGIN');
    await c.execute('INSERT INTO T VALUES (4)');
    await c.execute('CREATE TABLE U (ID NUMBER)');
    await c.execute('ROLLBACK');
  });

  it('AUTOCOMMIT = FALSE: a DML statement opens a transaction, whose ROLLBACK is refused; COMMIT ends it', async () => {
    await c.execute('ALTER SESSION SET AUTOCOMMIT = FALSE');
    try {
      await c.execute('INSERT INTO T VALUES (5)');
      expect((await driverFailure(c.execute('ROLLBACK'))).code).toBe('002040');
      await c.execute('COMMIT');
      await c.execute('ROLLBACK');
    } finally {
      await c.execute('ALTER SESSION UNSET AUTOCOMMIT');
    }
    // Back to autocommit: each DML is its own transaction again.
    await c.execute('INSERT INTO T VALUES (6)');
    await c.execute('ROLLBACK');
  });
});

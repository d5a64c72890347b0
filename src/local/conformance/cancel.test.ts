// Conformance: cancelling a running statement (the driver's statement.cancel(), an abort-request)
// stops it: it fails with 000604 "SQL execution canceled", promptly, whether it is waiting
// (SYSTEM$WAIT), computing or running a stored procedure, and a cancelled INSERT leaves no rows
// (https://docs.snowflake.com/en/developer-guide/node-js/nodejs-driver-execute#canceling-statements).
import snowflake from 'snowflake-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: snowflake.Connection;

function run(sql: string): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) =>
    c.execute({ sqlText: sql, complete: (error, _stmt, rows) => (error ? reject(error) : resolve((rows ?? []) as Array<Record<string, unknown>>)) }),
  );
}

/** Starts `sql`, cancels it after `afterMs`, and answers how it ended and how long it took in all. */
function cancelDuring(sql: string, afterMs: number): Promise<{ code?: string; message: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const statement = c.execute({
      sqlText: sql,
      complete: (error) => resolve({ code: (error as { code?: string } | undefined)?.code, message: error?.message ?? 'finished', ms: Date.now() - started }),
    });
    setTimeout(() => statement.cancel(() => undefined), afterMs);
  });
}

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-cancel');
  snowflake.configure({ logLevel: 'OFF' });
  c = snowflake.createConnection({ accessUrl: target.local.accessUrl, account: target.local.account, username: target.local.user, password: target.local.password });
  await c.connectAsync(() => undefined);
  for (const sql of ['CREATE WAREHOUSE C_WH', 'USE WAREHOUSE C_WH', 'CREATE DATABASE C', 'USE SCHEMA C.PUBLIC', 'CREATE TABLE T (N NUMBER)']) await run(sql);
});

afterAll(async () => {
  await new Promise((resolve) => (c ? c.destroy(resolve) : resolve(undefined)));
  await target?.close();
});

describe('cancelling a statement', () => {
  it('stops one waiting in SYSTEM$WAIT', async () => {
    const ended = await cancelDuring("SELECT SYSTEM$WAIT(60, 'SECONDS') AS W", 500);
    expect([ended.code, ended.message]).toEqual(['000604', 'SQL execution canceled']);
    expect(ended.ms).toBeLessThan(30_000);
  });

  it('interrupts one that is computing; a cancelled INSERT leaves no rows', async () => {
    const ended = await cancelDuring('INSERT INTO T SELECT SEQ8() FROM TABLE(GENERATOR(ROWCOUNT => 10000000000))', 1500);
    expect([ended.code, ended.message]).toEqual(['000604', 'SQL execution canceled']);
    expect(ended.ms).toBeLessThan(30_000);
    expect(await run('SELECT COUNT(*) AS N FROM T')).toEqual([{ N: 0 }]);
    // The session goes on as before.
    expect(await run('SELECT 1 AS ONE')).toEqual([{ ONE: 1 }]);
  });

  it('stops a JavaScript stored procedure whose body never ends', async () => {
    // https://docs.snowflake.com/en/developer-guide/stored-procedure/stored-procedures-javascript
    await run('CREATE OR REPLACE PROCEDURE FOREVER() RETURNS VARCHAR LANGUAGE JAVASCRIPT AS $$ for (;;) {} $$');
    const ended = await cancelDuring('CALL FOREVER()', 1000);
    expect([ended.code, ended.message]).toEqual(['000604', 'SQL execution canceled']);
    expect(ended.ms).toBeLessThan(30_000);
    expect(await run('SELECT 1 AS ONE')).toEqual([{ ONE: 1 }]);
  });
});

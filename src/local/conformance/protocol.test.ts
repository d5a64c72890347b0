// Conformance: request options of the driver's query protocol that change what papi local answers.
//   describeOnly: the statement's result columns, with no rows and no effect (the driver's
//   `describeOnly` execute option; snowflake-connector-nodejs testExecute "testDescribeOnly").
//   A session token that is not valid: HTTP 401 with 390104, so the driver raises its own
//   invalid-token error (snowflake-connector-nodejs lib/services/sf.js; testStatement "with an invalid token").
//   SYSTEM$WAIT, which the driver's async tests use to keep a query running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDriver, type Connection } from '../../snowflake/driver.js';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: Connection;

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-protocol');
  c = await connectAdmin(target.local);
  for (const sql of ['CREATE DATABASE P', 'CREATE SCHEMA P.S', 'CREATE WAREHOUSE P_WH', 'USE WAREHOUSE P_WH', 'CREATE TABLE P.S.T (ID NUMBER, NAME VARCHAR)'])
    await c.execute(sql);
  await c.execute("INSERT INTO P.S.T VALUES (1, 'one'), (2, 'two')");
});

afterAll(async () => {
  await c?.close();
  await target?.close();
});

describe('describeOnly', () => {
  it('answers a query with its columns and no rows; without it the rows come', async () => {
    const described = await c.executeRaw('SELECT ID, NAME, ID * 2 AS TWICE FROM P.S.T WHERE ID > ?', [0], { describeOnly: true });
    expect(described.rows).toEqual([]);
    expect(described.columns.map((col) => col.name)).toEqual(['ID', 'NAME', 'TWICE']);
    const ran = await c.executeRaw('SELECT ID, NAME, ID * 2 AS TWICE FROM P.S.T WHERE ID > ?', [0]);
    expect(ran.rows).toHaveLength(2);
    expect(ran.columns.map((col) => col.name)).toEqual(['ID', 'NAME', 'TWICE']);
  });

  it('runs nothing: a statement with effects is refused by name (002040), the table unchanged', async () => {
    const failure = await driverFailure(c.execute("INSERT INTO P.S.T VALUES (3, 'three')", [], { describeOnly: true }));
    expect(failure).toMatchObject({ code: '002040', message: expect.stringContaining('describeOnly') });
    expect(await c.execute('SELECT COUNT(*) AS N FROM P.S.T')).toEqual([{ N: 2 }]);
  });
});

describe('a session token that is not valid', () => {
  it("makes the driver raise its own invalid-token error (401004), and the connection stays up", async () => {
    const sdk = await loadDriver();
    const { local } = target;
    const bad = sdk.createConnection({ account: local.account, accessUrl: local.accessUrl, username: undefined, password: undefined, sessionToken: 'invalid token' } as never);
    const error = await new Promise<{ code?: unknown } | undefined>((resolve) =>
      bad.execute({ sqlText: 'SELECT 1', complete: (err) => resolve(err as { code?: unknown } | undefined) }),
    );
    expect(error?.code).toBe(401004);
    expect(bad.isUp()).toBe(true);
  });
});

describe('SYSTEM$WAIT', () => {
  // https://docs.snowflake.com/en/sql-reference/functions/system_wait: waits, then says how long.
  it('waits without holding up other sessions, then says how long', async () => {
    const other = await connectAdmin(target.local);
    try {
      const started = Date.now();
      const waiting = c.execute("CALL SYSTEM$WAIT(1500, 'MILLISECONDS')");
      // Another session is answered while the wait goes on.
      expect(await other.execute('SELECT 1 AS ONE')).toEqual([{ ONE: 1 }]);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(await waiting).toEqual([{ SYSTEM$WAIT: 'waited 1500 milliseconds' }]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
      expect(await c.execute('SELECT SYSTEM$WAIT(1) AS W')).toEqual([{ W: 'waited 1 seconds' }]);
    } finally {
      await other.close();
    }
  });
});

// Conformance: request options of the driver's query protocol that change what papi local answers.
//   describeOnly: the statement's result columns, with no rows and no effect (the driver's
//   `describeOnly` execute option; snowflake-connector-nodejs testExecute "testDescribeOnly").
//   A session token that is not valid: HTTP 401 with 390104, so the driver raises its own
//   invalid-token error (snowflake-connector-nodejs lib/services/sf.js; testStatement "with an invalid token").
//   SYSTEM$WAIT, which the driver's async tests use to keep a query running.
//   Multi-statement requests (MULTI_STATEMENT_COUNT), each statement's result fetched by its query id.
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

describe('multi-statement requests', () => {
  // MULTI_STATEMENT_COUNT = 0 (any number) or the exact count lets one request run several statements;
  // otherwise Snowflake refuses with 000008 (https://docs.snowflake.com/en/developer-guide/node-js/nodejs-driver-execute).
  it('runs each statement in order when the count allows it, and the driver reads each result', async () => {
    const sdk = await loadDriver();
    const { local } = target;
    const raw = sdk.createConnection({ account: local.account, accessUrl: local.accessUrl, username: local.user, password: local.password });
    await new Promise<void>((resolve, reject) => raw.connect((err) => (err ? reject(err) : resolve())));
    const results: unknown[][] = [];
    await new Promise<void>((resolve, reject) =>
      raw.execute({
        // The binds go to the statements in order, each taking as many as it has markers.
        sqlText: "SELECT 1 AS A; SELECT ? AS B; SELECT ? + 1 AS C, '?' AS Q",
        binds: ['two', 2],
        parameters: { MULTI_STATEMENT_COUNT: 3 },
        complete: (err, stmt, rows) => {
          if (err) return reject(err);
          results.push(rows ?? []);
          // The driver's multi-statement API, not in its type declarations.
          const multi = stmt as unknown as { hasNext(): boolean; NextResult(): void };
          if (multi.hasNext()) multi.NextResult();
          else resolve();
        },
      }),
    );
    expect(results).toEqual([[{ A: 1 }], [{ B: 'two' }], [{ C: 3, Q: '?' }]]);
    await new Promise<void>((resolve) => raw.destroy(() => resolve()));
  });

  it('refuses a request whose count does not match (000008), and honours ALTER SESSION SET MULTI_STATEMENT_COUNT', async () => {
    expect(await driverFailure(c.execute('SELECT 1; SELECT 2'))).toMatchObject({ code: '000008', message: expect.stringContaining('desired statement count 1') });
    await c.execute('ALTER SESSION SET MULTI_STATEMENT_COUNT = 0');
    // papi's wrapper reads the first result only; the request is accepted.
    expect(await c.execute('SELECT 1 AS ONE; SELECT 2 AS TWO')).toEqual([{ ONE: 1 }]);
    await c.execute('ALTER SESSION UNSET MULTI_STATEMENT_COUNT');
    expect((await driverFailure(c.execute('SELECT 1; SELECT 2'))).code).toBe('000008');
  });
});

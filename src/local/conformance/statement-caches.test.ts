// Conformance: what papi local remembers between statements never answers for a catalog, a session or
// data that changed. The point lookup papi's service makes (the same text, new binds) runs from a cached
// translation (statements/dml.ts), a prepared DuckDB statement (model/storage.ts), the hybrid table's
// primary-key index (model/point-lookups.ts: built once a table has answered a few lookups since its
// last change) and a remembered session token (tokens.ts); each test runs that same text before and
// after a change, often enough for the index to answer, through the real
// snowflake-sdk, and expects the answer Snowflake would give after the change. A stale cache would be a
// silently wrong answer.
//   Hybrid tables and their point lookups: https://docs.snowflake.com/en/user-guide/tables-hybrid
//   Privileges are checked on every statement: https://docs.snowflake.com/en/user-guide/security-access-control-overview
//   USE ROLE / USE SCHEMA change how names resolve: https://docs.snowflake.com/en/sql-reference/sql/use-schema
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../snowflake/driver.js';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let admin: Connection;
let app: Connection;

const LOOKUP = 'SELECT ID, V FROM D.S.H WHERE ID IN (?)';
const LOOKUP_TEN = `SELECT ID, V FROM D.S.H WHERE ID IN (${Array.from({ length: 10 }, () => '?').join(', ')})`;
const APP_PASSWORD = 'cache-app-pw';

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-caches');
  admin = await connectAdmin(target.local);
  for (const sql of [
    'CREATE DATABASE D',
    'CREATE SCHEMA D.S',
    'CREATE SCHEMA D.OTHER',
    'CREATE HYBRID TABLE D.S.H (ID NUMBER(38,0) PRIMARY KEY, V VARCHAR)',
    "INSERT INTO D.S.H VALUES (1, 'one'), (2, 'two'), (3, 'three')",
    'CREATE WAREHOUSE CACHE_WH WAREHOUSE_SIZE = XSMALL',
    'CREATE ROLE APP',
    'CREATE ROLE NOBODY',
    'GRANT USAGE ON WAREHOUSE CACHE_WH TO ROLE APP',
    'GRANT USAGE ON WAREHOUSE CACHE_WH TO ROLE NOBODY',
    'GRANT USAGE ON DATABASE D TO ROLE APP',
    'GRANT USAGE ON SCHEMA D.S TO ROLE APP',
    'GRANT SELECT ON TABLE D.S.H TO ROLE APP',
    `CREATE USER APPUSER PASSWORD = '${APP_PASSWORD}' DEFAULT_ROLE = APP DEFAULT_WAREHOUSE = CACHE_WH`,
    'GRANT ROLE APP TO USER APPUSER',
    'GRANT ROLE NOBODY TO USER APPUSER',
  ])
    await admin.execute(sql);
  app = await connect({ account: target.local.account, accessUrl: target.local.accessUrl, user: 'APPUSER', password: APP_PASSWORD });
});

afterAll(async () => {
  await app?.close();
  await admin?.close();
  await target?.close();
});

/**
 * The same lookup text several times (translated and prepared once), with the binds given: enough
 * times for the table's primary-key index to answer the last ones (model/point-lookups.ts builds it
 * after 8 + rows/100 lookups since the last change). Every answer must be the same.
 */
async function lookup(c: Connection, id: number): Promise<unknown[]> {
  const answers: unknown[][] = [];
  for (let i = 0; i < 12; i++) answers.push(await c.execute(LOOKUP, [id]));
  for (const answer of answers) expect(answer).toEqual(answers[0]);
  return answers[0]!;
}

describe('the cached lookup follows every change', () => {
  it('binds: the same text answers each call with its own values (one id and ten ids)', async () => {
    expect(await app.execute(LOOKUP, [1])).toEqual([{ ID: 1, V: 'one' }]);
    expect(await app.execute(LOOKUP, [2])).toEqual([{ ID: 2, V: 'two' }]);
    expect(await app.execute(LOOKUP, [4])).toEqual([]);
    const ten = [3, 1, 9, 9, 2, 8, 7, 6, 5, 4];
    expect(await app.execute(LOOKUP_TEN, ten)).toHaveLength(3);
    expect(await app.execute(LOOKUP_TEN, ten.map((id) => id + 1))).toHaveLength(2);
  });

  it('DML: rows inserted, updated and deleted by another session show at once', async () => {
    expect(await lookup(app, 4)).toEqual([]);
    await admin.execute("INSERT INTO D.S.H VALUES (4, 'four')");
    expect(await lookup(app, 4)).toEqual([{ ID: 4, V: 'four' }]);
    await admin.execute("UPDATE D.S.H SET V = 'FOUR' WHERE ID = 4");
    expect(await lookup(app, 4)).toEqual([{ ID: 4, V: 'FOUR' }]);
    await admin.execute('DELETE FROM D.S.H WHERE ID = 4');
    expect(await lookup(app, 4)).toEqual([]);
  });

  it('a failed statement (a duplicate key) changes nothing the lookup sees', async () => {
    expect(await lookup(app, 1)).toEqual([{ ID: 1, V: 'one' }]);
    await driverFailure(admin.execute("INSERT INTO D.S.H VALUES (5, 'five'), (1, 'again')"));
    expect(await lookup(app, 1)).toEqual([{ ID: 1, V: 'one' }]);
    expect(await lookup(app, 5)).toEqual([]);
  });

  it('transactions: what a committed transaction wrote shows to the next lookup', async () => {
    await admin.execute('BEGIN');
    await admin.execute("UPDATE D.S.H SET V = 'uno' WHERE ID = 1");
    await admin.execute('COMMIT');
    expect(await lookup(app, 1)).toEqual([{ ID: 1, V: 'uno' }]);
    await admin.execute("UPDATE D.S.H SET V = 'one' WHERE ID = 1");
    expect(await lookup(app, 1)).toEqual([{ ID: 1, V: 'one' }]);
  });

  it('DDL: a table replaced, given a column, or dropped under the same name', async () => {
    expect(await lookup(app, 2)).toEqual([{ ID: 2, V: 'two' }]);
    await admin.execute('CREATE OR REPLACE HYBRID TABLE D.S.H (ID NUMBER(38,0) PRIMARY KEY, V VARCHAR, W NUMBER)');
    await admin.execute("INSERT INTO D.S.H VALUES (1, 'one', 10), (2, 'deux', 20), (3, 'three', 30)");
    await admin.execute('GRANT SELECT ON TABLE D.S.H TO ROLE APP');
    expect(await lookup(app, 2)).toEqual([{ ID: 2, V: 'deux' }]);
    expect(await app.execute('SELECT * FROM D.S.H WHERE ID IN (?)', [2])).toEqual([{ ID: 2, V: 'deux', W: 20 }]);
    await admin.execute('ALTER TABLE D.S.H ADD COLUMN X VARCHAR');
    expect(await app.execute('SELECT * FROM D.S.H WHERE ID IN (?)', [2])).toEqual([{ ID: 2, V: 'deux', W: 20, X: null }]);

    await admin.execute('CREATE TABLE D.S.KEEP AS SELECT ID, V FROM D.S.H');
    await admin.execute('DROP TABLE D.S.H');
    expect(await driverFailure(app.execute(LOOKUP, [2]))).toMatchObject({ code: '002003' });
    await admin.execute('CREATE HYBRID TABLE D.S.H (ID NUMBER(38,0) PRIMARY KEY, V VARCHAR) AS SELECT ID, V FROM D.S.KEEP');
    await admin.execute("UPDATE D.S.H SET V = 'two' WHERE ID = 2");
    await admin.execute('GRANT SELECT ON TABLE D.S.H TO ROLE APP');
    expect(await lookup(app, 2)).toEqual([{ ID: 2, V: 'two' }]);
  });

  it('REVOKE and GRANT: the privilege is checked again for the cached text', async () => {
    expect(await lookup(app, 3)).toEqual([{ ID: 3, V: 'three' }]);
    await admin.execute('REVOKE SELECT ON TABLE D.S.H FROM ROLE APP');
    const refused = await driverFailure(app.execute(LOOKUP, [3]));
    expect(['002003', '003001']).toContain(String(refused.code));
    await admin.execute('GRANT SELECT ON TABLE D.S.H TO ROLE APP');
    expect(await lookup(app, 3)).toEqual([{ ID: 3, V: 'three' }]);
    // A privilege that comes through a granted role counts, and stops counting when that role is revoked.
    await admin.execute('REVOKE SELECT ON TABLE D.S.H FROM ROLE APP');
    await admin.execute('CREATE ROLE READER');
    await admin.execute('GRANT USAGE ON DATABASE D TO ROLE READER');
    await admin.execute('GRANT USAGE ON SCHEMA D.S TO ROLE READER');
    await admin.execute('GRANT SELECT ON TABLE D.S.H TO ROLE READER');
    await admin.execute('GRANT ROLE READER TO ROLE APP');
    expect(await lookup(app, 3)).toEqual([{ ID: 3, V: 'three' }]);
    await admin.execute('REVOKE ROLE READER FROM ROLE APP');
    expect(['002003', '003001']).toContain(String((await driverFailure(app.execute(LOOKUP, [3]))).code));
    await admin.execute('GRANT SELECT ON TABLE D.S.H TO ROLE APP');
    expect(await lookup(app, 3)).toEqual([{ ID: 3, V: 'three' }]);
  });

  it('USE ROLE: the same text under a role without the privilege fails, and works again back under the first', async () => {
    expect(await lookup(app, 1)).toEqual([{ ID: 1, V: 'one' }]);
    await app.execute('USE ROLE NOBODY');
    expect(['002003', '003001']).toContain(String((await driverFailure(app.execute(LOOKUP, [1]))).code));
    await app.execute('USE ROLE APP');
    expect(await lookup(app, 1)).toEqual([{ ID: 1, V: 'one' }]);
  });

  it('USE SCHEMA / USE DATABASE: an unqualified name resolves where the session is now', async () => {
    await admin.execute('CREATE TABLE D.OTHER.H (ID NUMBER(38,0), V VARCHAR)');
    await admin.execute("INSERT INTO D.OTHER.H VALUES (1, 'other one')");
    const unqualified = 'SELECT ID, V FROM H WHERE ID IN (?)';
    await admin.execute('USE SCHEMA D.S');
    for (let i = 0; i < 3; i++) expect(await admin.execute(unqualified, [1])).toEqual([{ ID: 1, V: 'one' }]);
    await admin.execute('USE SCHEMA D.OTHER');
    expect(await admin.execute(unqualified, [1])).toEqual([{ ID: 1, V: 'other one' }]);
    await admin.execute('CREATE DATABASE E');
    await admin.execute('CREATE SCHEMA E.OTHER');
    await admin.execute('CREATE TABLE E.OTHER.H (ID NUMBER(38,0), V VARCHAR)');
    await admin.execute("INSERT INTO E.OTHER.H VALUES (1, 'e one')");
    await admin.execute('USE DATABASE E');
    await admin.execute('USE SCHEMA OTHER');
    expect(await admin.execute(unqualified, [1])).toEqual([{ ID: 1, V: 'e one' }]);
  });

  it('the index answers the lookup on the wire exactly as the usual path did (all but the query id and send time)', async () => {
    const login = await fetch(`${target.local.accessUrl}/session/v1/login-request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { LOGIN_NAME: 'APPUSER', PASSWORD: APP_PASSWORD } }),
    });
    const token = ((await login.json()) as { data: { token: string } }).data.token;
    const ids = [3, 1, 9, 9, 2, 8, 7, 6, 5, 3];
    const bindings = Object.fromEntries(ids.map((id, i) => [String(i + 1), { type: 'FIXED', value: String(id) }]));
    await admin.execute("UPDATE D.S.H SET V = 'one' WHERE ID = 1"); // a change: the first answer is DuckDB's
    const answers: string[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await fetch(`${target.local.accessUrl}/queries/v1/query-request`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Snowflake Token="${token}"` },
        body: JSON.stringify({ sqlText: LOOKUP_TEN, bindings }),
      });
      answers.push((await response.text()).replace(/"queryId":"[^"]*"/, '"queryId":"-"').replace(/"sendResultTime":\d+/, '"sendResultTime":0'));
    }
    expect(JSON.parse(answers[0]!)).toMatchObject({ success: true, data: { total: 3 } });
    for (const answer of answers) expect(answer).toBe(answers[0]);
  });

  it('a remembered session token stops working when its session is closed', async () => {
    const login = await fetch(`${target.local.accessUrl}/session/v1/login-request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { LOGIN_NAME: 'APPUSER', PASSWORD: APP_PASSWORD } }),
    });
    const token = ((await login.json()) as { data: { token: string } }).data.token;
    const query = async () => {
      const response = await fetch(`${target.local.accessUrl}/queries/v1/query-request`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Snowflake Token="${token}"` },
        body: JSON.stringify({ sqlText: LOOKUP, bindings: { 1: { type: 'FIXED', value: '1' } } }),
      });
      return (await response.json()) as { success: boolean; code: string | null };
    };
    expect(await query()).toMatchObject({ success: true });
    expect(await query()).toMatchObject({ success: true });
    const logout = await fetch(`${target.local.accessUrl}/session?delete=true`, { method: 'POST', headers: { authorization: `Snowflake Token="${token}"` } });
    expect(await logout.json()).toMatchObject({ success: true });
    // The session is gone: the token now answers "expired" (390112), as a token of an unknown session does.
    expect(await query()).toMatchObject({ success: false, code: '390112' });
  });
});

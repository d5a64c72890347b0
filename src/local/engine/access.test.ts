// Privilege enforcement for a non-admin role, hybrid table keys, DML results and atomicity.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, harness, run, session, status, type Harness } from './__tests__/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await harness();
  const s = h.admin;
  await run(h.engine, s, 'CREATE DATABASE D');
  await run(h.engine, s, 'CREATE SCHEMA D.S');
  await run(h.engine, s, 'CREATE TABLE D.S.T (ID NUMBER(38,0), NAME VARCHAR)');
  await run(h.engine, s, "INSERT INTO D.S.T (ID, NAME) VALUES (1, 'a'), (2, 'b')");
  await run(h.engine, s, 'CREATE ROLE APP');
  await run(h.engine, s, "CREATE USER APPUSER PASSWORD = 'pw' DEFAULT_ROLE = APP");
  await run(h.engine, s, 'GRANT ROLE APP TO USER APPUSER');
  await run(h.engine, s, 'CREATE WAREHOUSE WH INITIALLY_SUSPENDED = TRUE');
});
afterEach(async () => {
  await h.cleanup();
});

describe('privileges for a non-admin role', () => {
  it('hides objects until USAGE, refuses operations until granted, needs a usable warehouse', async () => {
    const app = session('APPUSER', 'APP', 'WH');
    const e = h.engine;
    const select = 'SELECT ID FROM D.S.T ORDER BY ID';
    let err = await failure(e, app, select);
    // Snowflake names the first level the role cannot reach, with the SQLSTATE of that kind.
    expect([err.code, err.sqlState]).toEqual(['002003', '02000']);
    expect(err.message).toBe("SQL compilation error:\nDatabase 'D' does not exist or not authorized.");
    await run(e, h.admin, 'GRANT USAGE ON DATABASE D TO ROLE APP');
    expect((await failure(e, app, select)).message).toBe("SQL compilation error:\nSchema 'D.S' does not exist or not authorized.");
    await run(e, h.admin, 'GRANT USAGE ON SCHEMA D.S TO ROLE APP');
    // The table exists but the role holds nothing on it: still "does not exist".
    err = await failure(e, app, select);
    expect([err.code, err.sqlState]).toEqual(['002003', '42S02']);
    expect(err.message).toBe("SQL compilation error:\nObject 'D.S.T' does not exist or not authorized.");
    await run(e, h.admin, 'GRANT INSERT ON TABLE D.S.T TO ROLE APP');
    err = await failure(e, app, select);
    expect([err.code, err.sqlState]).toEqual(['003001', '42501']);
    expect(err.message).toBe("SQL access control error:\nInsufficient privileges to operate on table 'T'.");
    await run(e, h.admin, 'GRANT SELECT ON TABLE D.S.T TO ROLE APP');
    err = await failure(e, app, select);
    expect(err.code).toBe('000606');
    await run(e, h.admin, 'GRANT USAGE ON WAREHOUSE WH TO ROLE APP');
    expect((await run(e, app, select)).map((r) => r.ID)).toEqual(['1', '2']);
    // Queries without tables need no warehouse.
    const noWarehouse = session('APPUSER', 'APP');
    expect(await run(e, noWarehouse, 'SELECT CURRENT_ROLE() AS R, CURRENT_USER() AS U')).toEqual([{ R: 'APP', U: 'APPUSER' }]);
    expect((await failure(e, noWarehouse, select)).code).toBe('000606');
    // DELETE is not granted; CREATE TABLE in the schema neither.
    expect((await failure(e, app, 'DELETE FROM D.S.T')).code).toBe('003001');
    expect((await failure(e, app, 'CREATE TABLE D.S.X (A NUMBER)')).code).toBe('003001');
    await run(e, h.admin, 'GRANT CREATE TABLE ON SCHEMA D.S TO ROLE APP');
    await run(e, app, 'CREATE TABLE D.S.X (A NUMBER)');
    const owned = await run(e, app, 'SHOW TABLES IN SCHEMA D.S');
    expect(owned.map((t) => [t.name, t.owner])).toEqual([
      ['T', 'ACCOUNTADMIN'],
      ['X', 'APP'],
    ]);
    // Roles inherit through GRANT ROLE.
    await run(e, h.admin, 'CREATE ROLE CHILD');
    await run(e, h.admin, 'GRANT ROLE APP TO ROLE CHILD');
    await run(e, h.admin, 'GRANT ROLE CHILD TO USER APPUSER');
    expect((await run(e, session('APPUSER', 'CHILD', 'WH'), select)).length).toBe(2);
    const of = await run(e, h.admin, 'SHOW GRANTS OF ROLE APP');
    expect(of.map((g) => [g.granted_to, g.grantee_name])).toEqual(
      expect.arrayContaining([
        ['USER', 'APPUSER'],
        ['ROLE', 'CHILD'],
      ]),
    );
    const on = await run(e, h.admin, 'SHOW GRANTS ON TABLE D.S.T');
    expect(on.map((g) => g.privilege)).toEqual(expect.arrayContaining(['OWNERSHIP', 'SELECT', 'INSERT']));
    await run(e, h.admin, 'REVOKE SELECT ON TABLE D.S.T FROM ROLE APP');
    expect((await failure(e, app, select)).code).toBe('003001');
  });

  it('applies FUTURE grants to tables created later, and ALL grants to existing ones', async () => {
    const e = h.engine;
    for (const sql of [
      'GRANT USAGE ON DATABASE D TO ROLE APP',
      'GRANT USAGE ON SCHEMA D.S TO ROLE APP',
      'GRANT USAGE ON WAREHOUSE WH TO ROLE APP',
      'GRANT SELECT ON FUTURE TABLES IN SCHEMA D.S TO ROLE APP',
    ])
      expect(await status(e, h.admin, sql)).toBe('Statement executed successfully.');
    const app = session('APPUSER', 'APP', 'WH');
    expect((await failure(e, app, 'SELECT * FROM D.S.T')).code).toBe('002003');
    await run(e, h.admin, 'CREATE TABLE D.S.LATER (A NUMBER)');
    expect(await run(e, app, 'SELECT * FROM D.S.LATER')).toEqual([]);
    await run(e, h.admin, 'GRANT SELECT ON ALL TABLES IN SCHEMA D.S TO ROLE APP');
    expect((await run(e, app, 'SELECT * FROM D.S.T')).length).toBe(2);
    await run(e, h.admin, 'REVOKE SELECT ON FUTURE TABLES IN SCHEMA D.S FROM ROLE APP');
    await run(e, h.admin, 'CREATE TABLE D.S.LATEST (A NUMBER)');
    expect((await failure(e, app, 'SELECT * FROM D.S.LATEST')).code).toBe('002003');
  });

  it('GRANT OWNERSHIP hands the object over', async () => {
    await run(h.engine, h.admin, 'GRANT USAGE ON DATABASE D TO ROLE APP');
    await run(h.engine, h.admin, 'GRANT USAGE ON SCHEMA D.S TO ROLE APP');
    await run(h.engine, h.admin, 'GRANT USAGE ON WAREHOUSE WH TO ROLE APP');
    await run(h.engine, h.admin, 'GRANT OWNERSHIP ON TABLE D.S.T TO ROLE APP COPY CURRENT GRANTS');
    const app = session('APPUSER', 'APP', 'WH');
    expect(await run(h.engine, app, 'DELETE FROM D.S.T WHERE ID = 1')).toEqual([{ 'number of rows deleted': '1' }]);
    expect(await status(h.engine, app, 'DROP TABLE D.S.T')).toBe('T successfully dropped.');
  });
});

describe('hybrid tables', () => {
  it('requires a primary key, refuses VARIANT keys and enforces uniqueness on INSERT and CTAS', async () => {
    const e = h.engine;
    const s = h.admin;
    await run(e, s, 'USE SCHEMA D.S');
    expect((await failure(e, s, 'CREATE HYBRID TABLE H (ID NUMBER)')).message).toMatch(/primary key/i);
    expect((await failure(e, s, 'CREATE HYBRID TABLE H (ID VARIANT PRIMARY KEY)')).message).toMatch(/VARIANT/);
    expect(await status(e, s, 'CREATE HYBRID TABLE H (ID NUMBER(38,0) PRIMARY KEY, V VARIANT)')).toBe('Table H successfully created.');
    await run(e, s, 'INSERT INTO H (ID, V) SELECT 1, PARSE_JSON(\'{"a":1}\')');
    const dup = await failure(e, s, 'INSERT INTO H (ID, V) SELECT 1, NULL');
    expect(dup.code).toBe('200001');
    const ctas = await failure(e, s, "CREATE HYBRID TABLE H2 (ID NUMBER(38,0) PRIMARY KEY, NAME VARCHAR) AS SELECT 1, 'x' UNION ALL SELECT 1, 'y'");
    expect(ctas.code).toBe('200001');
    // The failed CTAS left nothing behind.
    expect((await failure(e, s, 'SELECT * FROM H2')).code).toBe('002003');
    const rows = await run(e, s, 'SELECT ID, V FROM H');
    expect(rows.length).toBe(1);
    expect(JSON.parse(rows[0]!.V!)).toEqual({ a: 1 });
    // Rewriting every row keeps the keys unique: INSERT OVERWRITE empties the table first.
    expect(await run(e, s, 'INSERT OVERWRITE INTO H (ID, V) SELECT ID, V FROM H')).toEqual([{ 'number of rows inserted': '1' }]);
    await run(e, s, 'INSERT INTO H (ID, V) SELECT 2, NULL');
    expect((await failure(e, s, 'UPDATE H SET ID = 2 WHERE ID = 1')).code).toBe('200001');
    const describe = await run(e, s, 'DESCRIBE TABLE H');
    expect(describe.map((c) => [c.name, c.type, c['primary key'], c['null?']])).toEqual([
      ['ID', 'NUMBER(38,0)', 'Y', 'N'],
      ['V', 'VARIANT', 'N', 'Y'],
    ]);
  });

  it('is refused in accounts without hybrid tables', async () => {
    await h.open({ refuseHybridTables: true });
    const err = await failure(h.engine, h.admin, 'CREATE HYBRID TABLE D.S.H (ID NUMBER PRIMARY KEY)');
    expect(err).toMatchObject({ code: '002040', sqlState: '0A000', message: "SQL compilation error:\nUnsupported feature 'HYBRID TABLE'." });
  });
});

describe('DML', () => {
  it("returns Snowflake's row counts, binds typed values, and INSERT OVERWRITE is atomic", async () => {
    const e = h.engine;
    const s = h.admin;
    await run(e, s, 'USE SCHEMA D.S');
    expect(await run(e, s, 'INSERT INTO T (ID, NAME) VALUES (?, ?)', [{ type: 'FIXED', value: '3' }, { type: 'TEXT', value: 'c' }])).toEqual([
      { 'number of rows inserted': '1' },
    ]);
    const insertResult = await e.execute(s, 'INSERT INTO T (ID, NAME) VALUES (?, ?)', [
      { type: 'FIXED', value: ['4', '5'] },
      { type: 'TEXT', value: ['d', 'e'] },
    ]);
    expect(insertResult.kind === 'rows' && insertResult.statementTypeId).toBe(0x3100);
    expect(insertResult.kind === 'rows' && insertResult.rows).toEqual([['2']]);
    expect(await run(e, s, "UPDATE T SET NAME = 'z' WHERE ID > ?", [{ type: 'FIXED', value: '3' }])).toEqual([
      { 'number of rows updated': '2', 'number of multi-joined rows updated': '0' },
    ]);
    expect(await run(e, s, 'SELECT NAME FROM T WHERE ID IN (?, ?) ORDER BY ID', [{ type: 'FIXED', value: '1' }, { type: 'FIXED', value: '5' }])).toEqual([
      { NAME: 'a' },
      { NAME: 'z' },
    ]);
    await run(e, s, 'CREATE TABLE SRC (ID VARCHAR, NAME VARCHAR)');
    await run(e, s, "INSERT INTO SRC (ID, NAME) VALUES ('7', 'ok'), ('x', 'bad')");
    await failure(e, s, 'INSERT OVERWRITE INTO T (ID, NAME) SELECT ID, NAME FROM SRC');
    expect((await run(e, s, 'SELECT COUNT(*) AS N FROM T'))[0]?.N).toBe('5');
    await run(e, s, "DELETE FROM SRC WHERE ID = 'x'");
    expect(await run(e, s, 'INSERT OVERWRITE INTO T (ID, NAME) SELECT ID, NAME FROM SRC')).toEqual([{ 'number of rows inserted': '1' }]);
    expect(await run(e, s, 'SELECT ID, NAME FROM T')).toEqual([{ ID: '7', NAME: 'ok' }]);
    expect(await run(e, s, 'DELETE FROM T')).toEqual([{ 'number of rows deleted': '1' }]);
  });

  it('answers a query with rowtype and statement type', async () => {
    const result = await h.engine.execute(h.admin, 'SELECT 1 AS ONE, CURRENT_ACCOUNT() AS A', []);
    if (result.kind !== 'rows') throw new Error('rows expected');
    expect(result.statementTypeId).toBe(0x1000);
    expect(result.columns.map((c) => [c.name, c.type])).toEqual([
      ['ONE', 'fixed'],
      ['A', 'text'],
    ]);
    expect(result.rows).toEqual([['1', 'PAPI']]);
  });
});

// Conformance: papi local fails the way Snowflake fails, as the real snowflake-sdk surfaces it —
// Snowflake's error number (err.code), SQLSTATE (err.sqlState) and message — and papi's driver
// factory turns it into its typed errors (SnowflakeError for statements, AuthError for logins).
// The pairs of number and SQLSTATE are Snowflake's as they appear in public error reports
// (e.g. "002003 (42S02): … Object 'X' does not exist or not authorized.", "002003 (02000): … Schema
// 'D.S' does not exist or not authorized.", "390144 (08004): JWT token is invalid.").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../snowflake/driver.js';
import { AuthError, SnowflakeError } from '../../ui/errors.js';
import { adminParams, connectAdmin, driverFailure, rsaKeyPair, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let admin: Connection;
let app: Connection;
let registered: { privateKeyPath: string; publicBody: string };
let stranger: { privateKeyPath: string; publicBody: string };

const APP_PASSWORD = 'app-user-pw';

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-errors');
  registered = rsaKeyPair(target.scratch, 'registered');
  stranger = rsaKeyPair(target.scratch, 'stranger');
  admin = await connectAdmin(target.local);
  for (const sql of [
    'CREATE DATABASE D',
    'CREATE SCHEMA D.S',
    'CREATE TABLE D.S.T (ID NUMBER, NAME VARCHAR)',
    "INSERT INTO D.S.T VALUES (1, 'one'), (2, 'two')",
    'CREATE HYBRID TABLE D.S.H (ID NUMBER(38,0) PRIMARY KEY, V VARCHAR)',
    'CREATE ROLE APP',
    'GRANT USAGE ON DATABASE D TO ROLE APP',
    'GRANT USAGE ON SCHEMA D.S TO ROLE APP',
    'GRANT SELECT ON TABLE D.S.T TO ROLE APP',
    'CREATE WAREHOUSE APP_WH WAREHOUSE_SIZE = XSMALL',
    'GRANT USAGE ON WAREHOUSE APP_WH TO ROLE APP',
    // No default warehouse: the session starts without one.
    `CREATE USER APPUSER PASSWORD = '${APP_PASSWORD}' DEFAULT_ROLE = APP`,
    'GRANT ROLE APP TO USER APPUSER',
    `CREATE USER SVC TYPE = SERVICE DEFAULT_ROLE = APP RSA_PUBLIC_KEY = '${registered.publicBody}'`,
    'GRANT ROLE APP TO USER SVC',
  ])
    await admin.execute(sql);
  app = await connect({ account: target.local.account, accessUrl: target.local.accessUrl, user: 'APPUSER', password: APP_PASSWORD });
});

afterAll(async () => {
  await app?.close();
  await admin?.close();
  await target?.close();
});

describe('statement errors', () => {
  it('a syntax error: 001003 (42000), the unexpected token named', async () => {
    const failed = admin.execute('SELEC 1');
    await expect(failed).rejects.toBeInstanceOf(SnowflakeError);
    await expect(failed).rejects.toMatchObject({ snowflakeCode: '001003', sqlState: '42000' });
    const error = await driverFailure(failed);
    expect([error.code, error.sqlState]).toEqual(['001003', '42000']);
    expect(error.message).toBe("SQL compilation error:\nsyntax error line 1 at position 0 unexpected 'SELEC'.");
    // The failure's data says what kind of error it is (the driver's own tests read err.data.type).
    const raw = (await failed.catch((e: { cause?: { data?: { type?: string } } }) => e)) as { cause?: { data?: { type?: string } } };
    expect(raw.cause?.data?.type).toBe('COMPILATION');
  });

  it('a missing table: 002003 (42S02); a missing schema or database: 002003 (02000)', async () => {
    const table = await driverFailure(admin.execute('SELECT * FROM D.S.NOPE'));
    expect(table).toEqual({ code: '002003', sqlState: '42S02', message: "SQL compilation error:\nObject 'D.S.NOPE' does not exist or not authorized." });
    const schema = await driverFailure(admin.execute('SELECT * FROM D.NOPE.T'));
    expect(schema).toEqual({ code: '002003', sqlState: '02000', message: "SQL compilation error:\nSchema 'D.NOPE' does not exist or not authorized." });
    const database = await driverFailure(admin.execute('USE DATABASE NOPE'));
    expect(database).toEqual({ code: '002003', sqlState: '02000', message: "SQL compilation error:\nDatabase 'NOPE' does not exist or not authorized." });
    const drop = await driverFailure(admin.execute('DROP TABLE D.S.NOPE'));
    expect([drop.code, drop.sqlState]).toEqual(['002003', '42S02']);
  });

  it('fewer binds than ? markers: 002049 (42601), nothing inserted; more binds than markers are ignored', async () => {
    // The driver's own tests expect 002049 for a missing bind (snowflake-connector-nodejs, testBind "testWrongBinds").
    await admin.execute('USE WAREHOUSE APP_WH');
    for (const binds of [[], [5]]) {
      const failure = await driverFailure(admin.execute('INSERT INTO D.S.T VALUES (?, ?)', binds));
      expect([failure.code, failure.sqlState]).toEqual(['002049', '42601']);
      expect(failure.message).toContain('Bind variable ? not set');
    }
    expect([(await driverFailure(admin.execute('SELECT ? AS A, ? AS B', ['x']))).code]).toEqual(['002049']);
    expect(await admin.execute('SELECT COUNT(*) AS N FROM D.S.T')).toEqual([{ N: 2 }]);
    expect(await admin.execute('SELECT ? AS A', ['x', 'y'])).toEqual([{ A: 'x' }]);
    // Numbered binds may skip some (:2 alone takes the second); '$5' in a string is text, not a bind.
    expect(await admin.execute("SELECT :2 AS B, 3 AS C, '$5' AS D", ['one', 'two'])).toEqual([{ B: 'two', C: 3, D: '$5' }]);
    expect(await admin.execute("SELECT 'costs $5' AS P")).toEqual([{ P: 'costs $5' }]);
  });

  it('text that is not a number where a number goes: 100038 (22018), whichever way DuckDB quotes it', async () => {
    await admin.execute('USE WAREHOUSE APP_WH');
    for (const failed of [admin.execute('INSERT INTO D.S.T VALUES (?, ?)', ['string', 'one']), admin.execute('SELECT ?::NUMBER AS N', ['abc'])]) {
      const failure = await driverFailure(failed);
      expect([failure.code, failure.sqlState]).toEqual(['100038', '22018']);
      expect(failure.message).toMatch(/^Numeric value '(string|abc)' is not recognized$/);
    }
  });

  it('no warehouse: 000606 (57P03) until USE WAREHOUSE of a usable one', async () => {
    expect(await app.execute('SELECT CURRENT_WAREHOUSE() AS W')).toEqual([{ W: null }]);
    const failed = await driverFailure(app.execute('SELECT ID FROM D.S.T'));
    expect([failed.code, failed.sqlState]).toEqual(['000606', '57P03']);
    expect(failed.message).toMatch(/^No active warehouse selected in the current session\./);
    // A warehouse that is missing, or that the role may not use, is named by nothing: 002043 (02000).
    const unavailable = { code: '002043', sqlState: '02000', message: 'SQL compilation error:\nObject does not exist, or operation cannot be performed.' };
    expect(await driverFailure(app.execute('USE WAREHOUSE NOPE_WH'))).toEqual(unavailable);
    expect(await driverFailure(app.execute('USE WAREHOUSE COMPUTE_WH'))).toEqual(unavailable);
    await app.execute('USE WAREHOUSE APP_WH');
    expect(await app.execute('SELECT ID FROM D.S.T ORDER BY ID')).toEqual([{ ID: 1 }, { ID: 2 }]);
  });

  it('what needs a warehouse: queries and DML on tables, COPY and CTAS do (000606, the exact text); DDL, SHOW and constants do not', async () => {
    await admin.execute("CREATE USER NOWH PASSWORD = 'nowh-pw' DEFAULT_ROLE = ACCOUNTADMIN");
    await admin.execute('GRANT ROLE ACCOUNTADMIN TO USER NOWH');
    const nowh = await connect({ account: target.local.account, accessUrl: target.local.accessUrl, user: 'NOWH', password: 'nowh-pw' });
    try {
      const noWarehouse = {
        code: '000606',
        sqlState: '57P03',
        message: "No active warehouse selected in the current session.  Select an active warehouse with the 'use warehouse' command.",
      };
      // No warehouse needed: constants, SHOW, DDL without AS (papi's setup creates tables this way).
      expect(await nowh.execute('SELECT 1 AS X, CURRENT_WAREHOUSE() AS W')).toEqual([{ X: 1, W: null }]);
      await nowh.execute('SHOW TABLES IN SCHEMA D.S');
      await nowh.execute('CREATE TABLE D.S.NOWH (ID NUMBER)');
      await nowh.execute('CREATE HYBRID TABLE D.S.NOWH_H (ID NUMBER(38,0) PRIMARY KEY)');
      await nowh.execute('CREATE STAGE D.S.NOWH_STAGE');
      // A warehouse needed: queries on tables, DML, COPY INTO, CREATE TABLE … AS SELECT.
      for (const sql of [
        'SELECT ID FROM D.S.T',
        'INSERT INTO D.S.NOWH VALUES (1)',
        'COPY INTO D.S.NOWH FROM @D.S.NOWH_STAGE',
        'CREATE TABLE D.S.NOWH_C AS SELECT ID FROM D.S.T',
      ])
        expect(await driverFailure(nowh.execute(sql)), sql).toEqual(noWarehouse);
      await nowh.execute('USE WAREHOUSE APP_WH');
      await nowh.execute('INSERT INTO D.S.NOWH VALUES (1)');
      expect(await nowh.execute('SELECT COUNT(*) AS N FROM D.S.NOWH')).toEqual([{ N: 1 }]);
    } finally {
      await nowh.close();
    }
  });

  it('privileges of a non-admin role: an ungranted table does not exist for it (002003); a missing privilege is 003001 (42501)', async () => {
    await app.execute('USE WAREHOUSE APP_WH');
    const hidden = await driverFailure(app.execute('SELECT * FROM D.S.H'));
    expect(hidden).toEqual({ code: '002003', sqlState: '42S02', message: "SQL compilation error:\nObject 'D.S.H' does not exist or not authorized." });
    const insert = app.execute("INSERT INTO D.S.T VALUES (3, 'three')");
    await expect(insert).rejects.toMatchObject({ snowflakeCode: '003001', sqlState: '42501' });
    expect(await driverFailure(insert)).toEqual({ code: '003001', sqlState: '42501', message: "SQL access control error:\nInsufficient privileges to operate on table 'T'." });
    const create = await driverFailure(app.execute('CREATE TABLE D.S.MINE (ID NUMBER)'));
    expect([create.code, create.sqlState]).toEqual(['003001', '42501']);
    // Nothing changed behind the refusals.
    expect(await admin.execute('SELECT COUNT(*) AS N FROM D.S.T')).toEqual([{ N: 2 }]);
    // Granted, the same statement works.
    await admin.execute('GRANT INSERT ON TABLE D.S.T TO ROLE APP');
    await app.execute('INSERT INTO D.S.T VALUES (?, ?)', [3, 'three']);
    expect(await admin.execute('SELECT COUNT(*) AS N FROM D.S.T')).toEqual([{ N: 3 }]);
  });

  it('USE ROLE of a role not granted: 003013 (42501), the session keeps its role', async () => {
    const failed = await driverFailure(app.execute('USE ROLE SYSADMIN'));
    expect(failed).toEqual({
      code: '003013',
      sqlState: '42501',
      message: "SQL access control error:\nRequested role 'SYSADMIN' is not assigned to the executing user.  Specify another role to activate.",
    });
    expect(await app.execute('SELECT CURRENT_ROLE() AS R')).toEqual([{ R: 'APP' }]);
    const missing = await driverFailure(app.execute('USE ROLE NOBODY'));
    expect([missing.code, missing.sqlState]).toEqual(['002003', '02000']);
  });

  it('a duplicate primary key in a hybrid table: 200001 (22000), the table unchanged', async () => {
    await admin.execute('INSERT INTO D.S.H (ID, V) VALUES (?, ?)', [1, 'first']);
    const again = admin.execute('INSERT INTO D.S.H (ID, V) VALUES (?, ?)', [1, 'second']);
    await expect(again).rejects.toMatchObject({ snowflakeCode: '200001', sqlState: '22000' });
    expect(await driverFailure(again)).toEqual({ code: '200001', sqlState: '22000', message: 'Primary key already exists' });
    // A statement with a duplicate inside it inserts nothing at all.
    const within = await driverFailure(admin.execute("INSERT INTO D.S.H (ID, V) VALUES (2, 'a'), (2, 'b')"));
    expect(within.code).toBe('200001');
    // An UPDATE onto an existing key too.
    await admin.execute("INSERT INTO D.S.H (ID, V) VALUES (3, 'c')");
    expect((await driverFailure(admin.execute('UPDATE D.S.H SET ID = 1 WHERE ID = 3'))).code).toBe('200001');
    expect(await admin.execute('SELECT ID, V FROM D.S.H ORDER BY ID')).toEqual([
      { ID: 1, V: 'first' },
      { ID: 3, V: 'c' },
    ]);
  });

  it('an unsupported construct: 002040 (0A000) naming it, never an answer', async () => {
    const cases: Array<[string, string]> = [
      ["SELECT TO_VARCHAR(CURRENT_TIMESTAMP(), 'YYYY')", 'TO_VARCHAR with a format argument'],
      ['SELECT * FROM D.S.T MATCH_RECOGNIZE(ORDER BY ID PATTERN (A) DEFINE A AS TRUE)', 'MATCH_RECOGNIZE'],
      ['SELECT * FROM D.S.T AT(OFFSET => -60)', 'AT clause'],
      ['SELECT ID FROM D.S.T SAMPLE (10)', 'SAMPLE'],
      ['CREATE STREAM D.S.CHANGES ON TABLE D.S.T', 'CREATE STREAM'],
    ];
    for (const [sql, construct] of cases) {
      const failed = await driverFailure(admin.execute(sql));
      expect({ sql, code: failed.code, sqlState: failed.sqlState, message: failed.message }).toEqual({
        sql,
        code: '002040',
        sqlState: '0A000',
        message: `SQL compilation error:\nUnsupported feature '${construct}'.`,
      });
    }
  });
});

describe('column options papi local does not apply', () => {
  it('refuses them by name (002040) rather than dropping them: a DEFAULT would read NULL', async () => {
    for (const [sql, construct] of [
      ["CREATE TABLE D.S.DEFAULTS (ID NUMBER, STATE VARCHAR DEFAULT 'new')", 'column DEFAULT'],
      ['CREATE TABLE D.S.IDS (ID NUMBER AUTOINCREMENT, NAME VARCHAR)', 'AUTOINCREMENT / IDENTITY columns'],
      ["ALTER TABLE D.S.T ADD COLUMN LABEL VARCHAR COLLATE 'en-ci'", 'COLLATE'],
      ['CREATE HYBRID TABLE D.S.HU (ID NUMBER PRIMARY KEY, EMAIL VARCHAR UNIQUE)', 'UNIQUE and FOREIGN KEY constraints on hybrid tables'],
    ] as const) {
      const failed = await driverFailure(admin.execute(sql));
      expect({ sql, code: failed.code, named: failed.message.includes(construct) }).toEqual({ sql, code: '002040', named: true });
    }
  });
});

describe('login errors', () => {
  it('a wrong password: 390100 (08004), an AuthError', async () => {
    const failed = connect(adminParams(target.local, { password: 'not-the-password' }));
    await expect(failed).rejects.toBeInstanceOf(AuthError);
    await expect(failed).rejects.toMatchObject({ code: 'LOGIN_FAILED' });
    const error = await driverFailure(failed);
    expect([String(error.code), error.sqlState]).toEqual(['390100', '08004']);
    expect(error.message).toBe('Incorrect username or password was specified.');
    // An unknown user fails the same way (Snowflake does not say which part was wrong).
    expect(String((await driverFailure(connect(adminParams(target.local, { user: 'NOBODY' })))).code)).toBe('390100');
  });

  it('a key-pair login with the wrong key: 390144 (08004); the registered key logs in', async () => {
    const params = { account: target.local.account, accessUrl: target.local.accessUrl, user: 'SVC', authenticator: 'SNOWFLAKE_JWT' as const };
    const failed = connect({ ...params, privateKeyPath: stranger.privateKeyPath });
    await expect(failed).rejects.toBeInstanceOf(AuthError);
    const error = await driverFailure(failed);
    expect([String(error.code), error.sqlState]).toEqual(['390144', '08004']);
    expect(error.message).toBe('JWT token is invalid.');
    const ok = await connect({ ...params, privateKeyPath: registered.privateKeyPath });
    try {
      expect(await ok.execute('SELECT CURRENT_USER() AS U, CURRENT_ROLE() AS R')).toEqual([{ U: 'SVC', R: 'APP' }]);
    } finally {
      await ok.close();
    }
  });
});

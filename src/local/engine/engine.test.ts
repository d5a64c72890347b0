import { generateKeyPairSync, createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../password.js';
import { failure, harness, run, session, status, type Harness } from './__tests__/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.cleanup();
});

describe('object lifecycle and status texts', () => {
  it('answers CREATE / IF NOT EXISTS / DROP / IF EXISTS like Snowflake and makes new containers current', async () => {
    const e = h.engine;
    const s = h.admin;
    expect(await status(e, s, 'CREATE DATABASE IF NOT EXISTS RECO')).toBe('Database RECO successfully created.');
    expect(s.database).toBe('RECO');
    expect(s.schema).toBe('PUBLIC');
    expect(await status(e, s, 'CREATE DATABASE IF NOT EXISTS RECO')).toBe('RECO already exists, statement succeeded.');
    expect(await status(e, s, 'CREATE SCHEMA IF NOT EXISTS RECO.DATA')).toBe('Schema DATA successfully created.');
    expect(s.schema).toBe('DATA');
    expect(await status(e, s, 'CREATE TABLE IF NOT EXISTS T (ID NUMBER(38,0))')).toBe('Table T successfully created.');
    expect(await status(e, s, 'CREATE TABLE IF NOT EXISTS T (ID NUMBER(38,0))')).toBe('T already exists, statement succeeded.');
    expect((await failure(e, s, 'CREATE TABLE T (ID NUMBER)')).code).toBe('002002');
    expect(await status(e, s, 'CREATE OR REPLACE TABLE T (ID NUMBER)')).toBe('Table T successfully created.');
    expect(await status(e, s, 'DROP TABLE T')).toBe('T successfully dropped.');
    expect(await status(e, s, 'DROP TABLE IF EXISTS T')).toBe('Drop statement executed successfully (T already dropped).');
    const missing = await failure(e, s, 'DROP TABLE T');
    expect(missing.code).toBe('002003');
    expect(missing.sqlState).toBe('42S02');
    expect(await status(e, s, 'CREATE STAGE IF NOT EXISTS ST')).toBe('Stage area ST successfully created.');
    expect(await status(e, s, 'CREATE ROLE IF NOT EXISTS R1')).toBe('Role R1 successfully created.');
    expect(await status(e, s, 'CREATE ROLE IF NOT EXISTS R1')).toBe('R1 already exists, statement succeeded.');
    expect(await status(e, s, 'GRANT ROLE R1 TO ROLE SYSADMIN')).toBe('Statement executed successfully.');
    expect(await status(e, s, 'DROP ROLE IF EXISTS R1')).toBe('R1 successfully dropped.');
    expect(await status(e, s, 'ALTER DATABASE RECO RENAME TO RECO2')).toBe('Statement executed successfully.');
    expect(s.database).toBe('RECO2');
    expect(await status(e, s, 'ALTER DATABASE RECO2 RENAME TO RECO')).toBe('Statement executed successfully.');
    const unsupported = await failure(e, s, 'UNDROP TABLE T');
    expect([unsupported.code, unsupported.message]).toEqual(['002040', 'SQL compilation error:\nUNDROP is not supported by papi local.']);
    expect(await status(e, s, 'DROP DATABASE IF EXISTS RECO')).toBe('RECO successfully dropped.');
    expect(s.database).toBeUndefined();
    expect(await status(e, s, 'DROP DATABASE IF EXISTS RECO')).toBe('Drop statement executed successfully (RECO already dropped).');
  });

  it('has a new account: COMPUTE_WH, system roles, the admin with ACCOUNTADMIN and a hashed password', async () => {
    const warehouses = await run(h.engine, h.admin, 'SHOW WAREHOUSES');
    expect(warehouses.map((w) => w.name)).toContain('COMPUTE_WH');
    const roles = (await run(h.engine, h.admin, 'SHOW ROLES')).map((r) => r.name);
    expect(roles).toEqual(expect.arrayContaining(['ACCOUNTADMIN', 'SECURITYADMIN', 'USERADMIN', 'SYSADMIN', 'PUBLIC']));
    const admin = h.engine.user('admin')!;
    expect(admin.defaultRole).toBe('ACCOUNTADMIN');
    expect(admin.passwordHash).not.toContain('admin-secret');
    expect(await verifyPassword('admin-secret', admin.passwordHash!)).toBe(true);
    expect(h.engine.userHasRole('ADMIN', 'SYSADMIN')).toBe(true);
    expect(h.engine.account()).toBe('PAPI');
  });

  it('swaps tables atomically, keeping grants with the table', async () => {
    const e = h.engine;
    const s = h.admin;
    await run(e, s, 'CREATE DATABASE D');
    await run(e, s, 'CREATE ROLE READER');
    await run(e, s, 'CREATE TABLE A (X NUMBER)');
    await run(e, s, 'CREATE TABLE B (Y NUMBER)');
    await run(e, s, 'GRANT SELECT ON TABLE B TO ROLE READER');
    await run(e, s, 'INSERT INTO A (X) VALUES (1)');
    await run(e, s, 'INSERT INTO B (Y) VALUES (2)');
    expect(await run(e, s, 'SELECT * FROM A')).toEqual([{ X: '1' }]);
    expect(await status(e, s, 'ALTER TABLE A SWAP WITH B')).toBe('Statement executed successfully.');
    // The same text again: the cached translation was dropped with the DDL.
    expect(await run(e, s, 'SELECT * FROM A')).toEqual([{ Y: '2' }]);
    const a = await run(e, s, 'DESCRIBE TABLE A');
    expect(a.map((c) => c.name)).toEqual(['Y']);
    const grants = await run(e, s, 'SHOW GRANTS TO ROLE READER');
    expect(grants.filter((g) => g.privilege === 'SELECT').map((g) => g.name)).toEqual(['D.PUBLIC.A']);
  });

  it('--no-hybrid-swap refuses SWAP WITH involving a hybrid table (0A000), and only that', async () => {
    await h.open({ refuseHybridSwap: true });
    const e = h.engine;
    const s = h.admin;
    await run(e, s, 'CREATE DATABASE D');
    await run(e, s, 'CREATE HYBRID TABLE H1 (ID NUMBER(38,0) PRIMARY KEY)');
    await run(e, s, 'CREATE HYBRID TABLE H2 (ID NUMBER(38,0) PRIMARY KEY)');
    await run(e, s, 'CREATE TABLE A (X NUMBER)');
    await run(e, s, 'CREATE TABLE B (X NUMBER)');
    const refused = await failure(e, s, 'ALTER TABLE H1 SWAP WITH H2');
    expect(refused).toMatchObject({ code: '002040', sqlState: '0A000', message: "SQL compilation error:\nUnsupported feature 'ALTER TABLE SWAP WITH on HYBRID TABLE'." });
    expect((await failure(e, s, 'ALTER TABLE A SWAP WITH H1')).sqlState).toBe('0A000');
    expect(await status(e, s, 'ALTER TABLE A SWAP WITH B')).toBe('Statement executed successfully.');
  });
});

describe('views, stages and pools', () => {
  it('creates views over tables and GETs staged files', async () => {
    const e = h.engine;
    const s = h.admin;
    await run(e, s, 'CREATE DATABASE V');
    await run(e, s, 'CREATE TABLE T (ID NUMBER(38,0), NAME VARCHAR)');
    await run(e, s, "INSERT INTO T (ID, NAME) VALUES (1, 'a'), (2, 'b')");
    expect(await status(e, s, 'CREATE OR REPLACE VIEW BIG AS SELECT ID, NAME FROM T WHERE ID > 1')).toBe('View BIG successfully created.');
    expect(await run(e, s, 'SELECT * FROM BIG')).toEqual([{ ID: '2', NAME: 'b' }]);
    // A view reads the table of that name now, with its owner's rights.
    await run(e, s, 'CREATE OR REPLACE TABLE T (ID NUMBER(38,0), NAME VARCHAR)');
    await run(e, s, "INSERT INTO T (ID, NAME) VALUES (3, 'c')");
    expect(await run(e, s, 'SELECT NAME FROM BIG')).toEqual([{ NAME: 'c' }]);
    await run(e, s, 'CREATE ROLE VIEWER');
    await run(e, s, 'GRANT USAGE ON DATABASE V TO ROLE VIEWER');
    await run(e, s, 'GRANT USAGE ON SCHEMA V.PUBLIC TO ROLE VIEWER');
    await run(e, s, 'GRANT USAGE ON WAREHOUSE COMPUTE_WH TO ROLE VIEWER');
    await run(e, s, 'GRANT SELECT ON VIEW V.PUBLIC.BIG TO ROLE VIEWER');
    await run(e, s, 'GRANT ROLE VIEWER TO USER ADMIN');
    const viewer = session('ADMIN', 'VIEWER', 'COMPUTE_WH');
    expect(await run(e, viewer, 'SELECT ID FROM V.PUBLIC.BIG')).toEqual([{ ID: '3' }]);
    expect((await failure(e, viewer, 'SELECT ID FROM V.PUBLIC.T')).code).toBe('002003');
    // CREATE OR REPLACE … COPY GRANTS keeps the replaced view's grants; without it they go with it.
    await run(e, s, 'CREATE OR REPLACE VIEW V.PUBLIC.BIG COPY GRANTS AS SELECT ID, NAME FROM T');
    expect(await run(e, viewer, 'SELECT ID FROM V.PUBLIC.BIG')).toEqual([{ ID: '3' }]);
    await run(e, s, 'CREATE OR REPLACE VIEW V.PUBLIC.BIG AS SELECT ID, NAME FROM T');
    expect((await failure(e, viewer, 'SELECT ID FROM V.PUBLIC.BIG')).code).toBe('002003');
    await run(e, s, 'GRANT SELECT ON VIEW V.PUBLIC.BIG TO ROLE VIEWER');
    expect((await run(e, s, 'SHOW VIEWS')).map((v) => v.name)).toEqual(['BIG']);
    const catalog = await run(e, s, "SELECT TABLE_NAME, TABLE_TYPE FROM V.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY TABLE_NAME");
    expect(catalog).toEqual([
      { TABLE_NAME: 'BIG', TABLE_TYPE: 'VIEW' },
      { TABLE_NAME: 'T', TABLE_TYPE: 'BASE TABLE' },
    ]);
    const columns = await run(e, s, "SELECT COLUMN_NAME, DATA_TYPE, NUMERIC_PRECISION FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'T' ORDER BY ORDINAL_POSITION");
    expect(columns).toEqual([
      { COLUMN_NAME: 'ID', DATA_TYPE: 'NUMBER', NUMERIC_PRECISION: '38' },
      { COLUMN_NAME: 'NAME', DATA_TYPE: 'TEXT', NUMERIC_PRECISION: null },
    ]);
    expect(await status(e, s, 'DROP VIEW BIG')).toBe('BIG successfully dropped.');

    await run(e, s, 'CREATE STAGE ST DIRECTORY = (ENABLE = TRUE)');
    const put = await e.execute(s, "PUT 'file:///tmp/f.csv' @ST/in/ AUTO_COMPRESS = FALSE OVERWRITE = TRUE", []);
    if (put.kind !== 'fileTransfer') throw new Error('file transfer expected');
    expect(put.data).toMatchObject({ command: 'UPLOAD', src_locations: ['/tmp/f.csv'], autoCompress: false, overwrite: true, sourceCompression: 'auto_detect' });
    writeFileSync(join((put.data.stageInfo as { location: string }).location, 'f.csv'), 'x\n');
    const get = await e.execute(s, "GET @ST/in/ 'file:///tmp/out/'", []);
    if (get.kind !== 'fileTransfer') throw new Error('file transfer expected');
    expect(get.data).toMatchObject({ command: 'DOWNLOAD', src_locations: ['in/f.csv'], localLocation: '/tmp/out/' });
    expect((await run(e, s, 'SHOW STAGES'))[0]?.directory_enabled).toBe('Y');
  });

  it('stops compute pools and refuses to drop one in use', async () => {
    const e = h.engine;
    await run(e, h.admin, 'CREATE COMPUTE POOL P MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS');
    expect(await status(e, h.admin, 'ALTER COMPUTE POOL P STOP ALL')).toBe('Statement executed successfully.');
    await run(e, h.admin, 'ALTER COMPUTE POOL P SUSPEND');
    expect((await run(e, h.admin, 'SHOW COMPUTE POOLS'))[0]?.state).toBe('SUSPENDED');
    expect(await status(e, h.admin, 'DROP COMPUTE POOL IF EXISTS P')).toBe('P successfully dropped.');
    expect(await status(e, h.admin, 'DROP COMPUTE POOL IF EXISTS P')).toBe('Drop statement executed successfully (P already dropped).');
  });
});

describe('users, keys and warehouses', () => {
  it('stores users with keys, fingerprints and ALTER USER SET/UNSET', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    const body = der.toString('base64');
    const e = h.engine;
    await run(e, h.admin, 'CREATE ROLE API_ROLE');
    expect(await status(e, h.admin, 'CREATE USER IF NOT EXISTS SVC TYPE = SERVICE DEFAULT_ROLE = API_ROLE DEFAULT_WAREHOUSE = COMPUTE_WH')).toBe(
      'User SVC successfully created.',
    );
    await run(e, h.admin, `ALTER USER SVC SET RSA_PUBLIC_KEY = '${body}'`);
    const props = Object.fromEntries((await run(e, h.admin, 'DESCRIBE USER SVC')).map((r) => [r.property, r.value]));
    expect(props.RSA_PUBLIC_KEY_FP).toBe(`SHA256:${createHash('sha256').update(der).digest('base64')}`);
    expect(props.TYPE).toBe('SERVICE');
    expect(e.user('svc')?.rsaPublicKey).toBe(body);
    await run(e, h.admin, 'ALTER USER SVC UNSET RSA_PUBLIC_KEY');
    expect(e.user('SVC')?.rsaPublicKey).toBeUndefined();
    expect((await failure(e, h.admin, "ALTER USER SVC SET RSA_PUBLIC_KEY = 'bm90IGEga2V5'")).code).not.toBe('');
    await run(e, h.admin, 'ALTER USER SVC SET DISABLED = TRUE');
    expect(e.user('SVC')?.disabled).toBe(true);
    await run(e, h.admin, 'GRANT ROLE API_ROLE TO USER SVC');
    expect(e.userHasRole('SVC', 'API_ROLE')).toBe(true);
    expect(e.userHasRole('SVC', 'ACCOUNTADMIN')).toBe(false);
  });

  it('creates warehouses suspended or started and makes them current', async () => {
    const s = h.admin;
    expect(await status(h.engine, s, 'CREATE WAREHOUSE IF NOT EXISTS WH WAREHOUSE_SIZE = XSMALL AUTO_SUSPEND = 60 AUTO_RESUME = TRUE INITIALLY_SUSPENDED = TRUE')).toBe(
      'Warehouse WH successfully created.',
    );
    expect(s.warehouse).toBe('WH');
    const [wh] = await run(h.engine, s, "SHOW WAREHOUSES LIKE 'WH'");
    expect(wh?.state).toBe('SUSPENDED');
    expect(wh?.size).toBe('X-Small');
    await run(h.engine, s, 'ALTER WAREHOUSE WH RESUME');
    expect((await run(h.engine, s, "SHOW WAREHOUSES LIKE 'WH'"))[0]?.state).toBe('STARTED');
  });

  it('lists compute pools and image repositories with their URL', async () => {
    const s = h.admin;
    await run(h.engine, s, 'CREATE DATABASE API');
    await run(h.engine, s, 'CREATE SCHEMA API.DATA');
    await run(h.engine, s, 'CREATE IMAGE REPOSITORY IF NOT EXISTS API.DATA.API');
    const [repo] = await run(h.engine, s, 'SHOW IMAGE REPOSITORIES IN SCHEMA API.DATA');
    expect(repo?.repository_url).toBe('127.0.0.1/api/data/api');
    await run(h.engine, s, 'CREATE COMPUTE POOL IF NOT EXISTS P MIN_NODES = 1 MAX_NODES = 2 INSTANCE_FAMILY = CPU_X64_XS');
    const [pool] = await run(h.engine, s, "SHOW COMPUTE POOLS LIKE 'P'");
    expect(pool?.state).toBe('IDLE');
    expect(pool?.max_nodes).toBe('2');
    const noRuntime = await failure(h.engine, s, 'CREATE SERVICE API.DATA.SVC IN COMPUTE POOL P FROM SPECIFICATION $$spec: {}$$');
    expect(noRuntime.message).toMatch(/SPCS runtime/);
    expect(h.engine.canUseImageRepository('ADMIN', { database: 'API', schema: 'DATA', name: 'API' }, 'WRITE')).toBe(true);
  });
});

describe('session rules', () => {
  it('refuses roles not granted to the user and unknown objects', async () => {
    const e = h.engine;
    await run(e, h.admin, 'CREATE ROLE OTHER');
    await run(e, h.admin, "CREATE USER BOB PASSWORD = 'x'");
    const bob = session('BOB', 'PUBLIC');
    const denied = await failure(e, bob, 'USE ROLE OTHER');
    expect(denied.sqlState).toBe('42501');
    expect(bob.role).toBe('PUBLIC');
    await run(e, h.admin, 'GRANT ROLE OTHER TO USER BOB');
    await run(e, bob, 'USE ROLE OTHER');
    expect(bob.role).toBe('OTHER');
    expect((await failure(e, h.admin, 'USE DATABASE NOPE')).code).toBe('002003');
    expect((await failure(e, h.admin, 'USE WAREHOUSE NOPE')).code).toBe('002043');
  });

  it('needs a current database for unqualified names', async () => {
    const err = await failure(h.engine, h.admin, 'CREATE TABLE T (X NUMBER)');
    expect(err.code).toBe('090105');
  });
});

describe('persistence', () => {
  it('keeps catalog and rows across a reopen, and two data directories apart', async () => {
    const s = h.admin;
    await run(h.engine, s, 'CREATE DATABASE P');
    await run(h.engine, s, 'CREATE TABLE T (ID NUMBER(38,0), NAME VARCHAR)');
    await run(h.engine, s, "INSERT INTO T (ID, NAME) VALUES (1, 'one'), (2, 'two')");
    await run(h.engine, s, 'CREATE ROLE KEEP');
    await h.open();
    const rows = await run(h.engine, s, 'SELECT ID, NAME FROM P.PUBLIC.T ORDER BY ID');
    expect(rows).toEqual([
      { ID: '1', NAME: 'one' },
      { ID: '2', NAME: 'two' },
    ]);
    expect((await run(h.engine, s, 'SHOW ROLES')).map((r) => r.name)).toContain('KEEP');
    const other = await harness();
    try {
      expect((await failure(other.engine, other.admin, 'USE DATABASE P')).code).toBe('002003');
    } finally {
      await other.cleanup();
    }
  });
});

// Conformance: papi local keeps everything in its data directory. Objects, rows, staged files, users,
// roles and grants made through the driver are all there after a stop and a start on the same
// directory, and the grants are still enforced (what was refused is still refused).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../snowflake/driver.js';
import { TUTORIAL_FILE_NAMES, writeTutorialFiles } from './fixtures/tutorial-files.js';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-persistence');
});

afterAll(async () => {
  await target?.close();
});

const appUser = () => connect({ account: target.local.account, accessUrl: target.local.accessUrl, user: 'READER', password: 'reader-pw', warehouse: 'KEEP_WH' });

async function withConnection<T>(open: () => Promise<Connection>, fn: (c: Connection) => Promise<T>): Promise<T> {
  const c = await open();
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

describe('a restart on the same data directory', () => {
  it('keeps data, staged files, users, roles and grants', async () => {
    const files = writeTutorialFiles(target.scratch);
    await withConnection(
      () => connectAdmin(target.local),
      async (c) => {
        for (const sql of [
          'CREATE WAREHOUSE KEEP_WH',
          'CREATE DATABASE KEEP',
          'CREATE SCHEMA KEEP.DATA',
          'CREATE TABLE KEEP.DATA.OPEN (ID NUMBER, LABEL VARCHAR, AT TIMESTAMP_NTZ, DOC VARIANT)',
          'CREATE TABLE KEEP.DATA.CLOSED (ID NUMBER)',
          'CREATE HYBRID TABLE KEEP.DATA.BY_ID (ID NUMBER PRIMARY KEY, DOC VARIANT)',
          'CREATE STAGE KEEP.DATA.FILES DIRECTORY = (ENABLE = true)',
          'CREATE ROLE READER_ROLE',
          'GRANT USAGE ON WAREHOUSE KEEP_WH TO ROLE READER_ROLE',
          'GRANT USAGE ON DATABASE KEEP TO ROLE READER_ROLE',
          'GRANT USAGE ON SCHEMA KEEP.DATA TO ROLE READER_ROLE',
          'GRANT SELECT ON TABLE KEEP.DATA.OPEN TO ROLE READER_ROLE',
          'GRANT SELECT ON FUTURE TABLES IN SCHEMA KEEP.DATA TO ROLE READER_ROLE',
          "CREATE USER READER PASSWORD = 'reader-pw' DEFAULT_ROLE = READER_ROLE",
          'GRANT ROLE READER_ROLE TO USER READER',
        ])
          await c.execute(sql);
        await c.execute("INSERT INTO KEEP.DATA.OPEN SELECT ?, ?, '2024-12-04 15:55:49', PARSE_JSON(?)", [1, 'one', '{"a":[1,2]}']);
        await c.execute('INSERT INTO KEEP.DATA.BY_ID SELECT ?, PARSE_JSON(?)', [7, '{"k":"v"}']);
        await c.execute(`PUT file://${files.titles} @KEEP.DATA.FILES AUTO_COMPRESS = FALSE`);
      },
    );

    await target.restart();

    await withConnection(
      () => connectAdmin(target.local),
      async (c) => {
        expect(await c.execute('SELECT ID, LABEL, DOC FROM KEEP.DATA.OPEN', [], { fetchAsString: ['Date'] })).toEqual([{ ID: 1, LABEL: 'one', DOC: { a: [1, 2] } }]);
        expect(await c.execute('SELECT AT FROM KEEP.DATA.OPEN', [], { fetchAsString: ['Date'] })).toEqual([{ AT: '2024-12-04 15:55:49.000' }]);
        expect(await c.execute('SELECT ID, DOC FROM KEEP.DATA.BY_ID')).toEqual([{ ID: 7, DOC: { k: 'v' } }]);
        // Still a hybrid table: the key is still enforced.
        expect((await driverFailure(c.execute('INSERT INTO KEEP.DATA.BY_ID (ID) VALUES (7)'))).code).toBe('200001');
        expect((await c.execute('LIST @KEEP.DATA.FILES')).map((r) => r.name)).toEqual([`files/${TUTORIAL_FILE_NAMES.titles}`]);
        await c.execute('CREATE TABLE KEEP.DATA.TITLES (ITEM_ID NUMBER, TITLE VARCHAR)');
        const [load] = await c.execute(`COPY INTO KEEP.DATA.TITLES FROM @KEEP.DATA.FILES FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE FIELD_OPTIONALLY_ENCLOSED_BY = '"') MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE`);
        expect(load).toMatchObject({ status: 'LOADED', rows_loaded: 8 });
        const [role] = await c.execute("SHOW ROLES LIKE 'READER_ROLE'");
        expect(role).toMatchObject({ name: 'READER_ROLE' });
        const grants = await c.execute<{ privilege: string; granted_on: string; name: string }>('SHOW GRANTS TO ROLE READER_ROLE');
        expect(grants.map((g) => `${g.privilege} ${g.granted_on} ${g.name}`)).toEqual(
          expect.arrayContaining(['USAGE WAREHOUSE KEEP_WH', 'USAGE DATABASE KEEP', 'USAGE SCHEMA KEEP.DATA', 'SELECT TABLE KEEP.DATA.OPEN']),
        );
      },
    );

    await withConnection(appUser, async (c) => {
      expect(await c.execute('SELECT CURRENT_ROLE() AS R')).toEqual([{ R: 'READER_ROLE' }]);
      expect(await c.execute('SELECT ID FROM KEEP.DATA.OPEN')).toEqual([{ ID: 1 }]);
      // The future grant made before the restart applies to a table created after it.
      expect(await c.execute('SELECT COUNT(*) AS N FROM KEEP.DATA.TITLES')).toEqual([{ N: 8 }]);
      expect((await driverFailure(c.execute('SELECT * FROM KEEP.DATA.CLOSED'))).code).toBe('002003');
    });
  });
});

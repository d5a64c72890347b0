// Conformance: every table has its own stage, @%table (or @db.schema.%table), for its owner: PUT,
// LIST, GET, COPY INTO and REMOVE work on it, and it goes with the table
// (https://docs.snowflake.com/en/user-guide/data-load-local-file-system-create-stage). LIST names a
// table stage's files by their path alone, a named stage's as stage_name/path.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../snowflake/driver.js';
import { adminParams, connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: Connection;
let csv: string;

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-table-stages');
  c = await connectAdmin(target.local);
  for (const sql of [
    'CREATE DATABASE TS',
    'CREATE SCHEMA TS.S',
    'CREATE WAREHOUSE TS_WH',
    'USE WAREHOUSE TS_WH',
    'USE SCHEMA TS.S',
    'CREATE TABLE T (ID NUMBER, NAME VARCHAR)',
    'CREATE ROLE READER',
    'GRANT USAGE ON DATABASE TS TO ROLE READER',
    'GRANT USAGE ON SCHEMA TS.S TO ROLE READER',
    'GRANT SELECT, INSERT ON TABLE TS.S.T TO ROLE READER',
    'GRANT USAGE ON WAREHOUSE TS_WH TO ROLE READER',
    "CREATE USER READER_USER PASSWORD = 'reader-pw' DEFAULT_ROLE = READER",
    'GRANT ROLE READER TO USER READER_USER',
  ])
    await c.execute(sql);
  csv = path.join(target.scratch, 'rows.csv');
  writeFileSync(csv, '1,one\n2,two\n');
});

afterAll(async () => {
  await c?.close();
  await target?.close();
});

const fileUrl = (p: string) => `file://${p}`;
const fileRows = (rows: Array<Record<string, unknown>>) => rows.map((r) => r.name);

describe('table stages', () => {
  it('PUT, LIST and COPY INTO through @%T and @TS.S.%T', async () => {
    const [put] = await c.execute(`PUT ${fileUrl(csv)} @%T AUTO_COMPRESS = FALSE`);
    expect(put).toMatchObject({ source: 'rows.csv', status: 'UPLOADED' });
    expect(fileRows(await c.execute('LIST @%T'))).toEqual(['rows.csv']);
    expect(fileRows(await c.execute('LIST @TS.S.%T'))).toEqual(['rows.csv']);
    await c.execute('COPY INTO T FROM @%T FILE_FORMAT = (TYPE = CSV)');
    expect(await c.execute('SELECT ID, NAME FROM T ORDER BY ID')).toEqual([
      { ID: 1, NAME: 'one' },
      { ID: 2, NAME: 'two' },
    ]);
  });

  it('COPY INTO without FROM loads from the table stage (files not loaded before)', async () => {
    const more = path.join(target.scratch, 'more.csv');
    writeFileSync(more, '3,three\n');
    await c.execute(`PUT ${fileUrl(more)} @%T AUTO_COMPRESS = FALSE`);
    await c.execute('COPY INTO TS.S.T');
    expect(await c.execute('SELECT ID FROM T ORDER BY ID')).toEqual([{ ID: 1 }, { ID: 2 }, { ID: 3 }]);
    await c.execute('REMOVE @%T/more.csv');
    await c.execute('DELETE FROM T WHERE ID = 3');
  });

  it('GET downloads and REMOVE empties it', async () => {
    const into = mkdtempSync(path.join(target.scratch, 'get-'));
    await c.execute(`GET @TS.S.%T ${fileUrl(into)}`);
    expect(readdirSync(into)).toEqual(['rows.csv']);
    await c.execute('REMOVE @%T');
    expect(await c.execute('LIST @%T')).toEqual([]);
  });

  it('belongs to the owner: another role may use the table but not its stage (003001)', async () => {
    const reader = await connect(adminParams(target.local, { user: 'READER_USER', password: 'reader-pw', warehouse: 'TS_WH' }));
    try {
      expect(await reader.execute('SELECT COUNT(*) AS N FROM TS.S.T')).toEqual([{ N: 2 }]);
      expect((await driverFailure(reader.execute('LIST @TS.S.%T'))).code).toBe('003001');
    } finally {
      await reader.close();
    }
  });

  it('goes with its table: a new table of the name starts with an empty stage', async () => {
    await c.execute(`PUT ${fileUrl(csv)} @%T AUTO_COMPRESS = FALSE`);
    await c.execute('DROP TABLE T');
    expect((await driverFailure(c.execute('LIST @%T'))).code).toBe('002003');
    await c.execute('CREATE TABLE T (ID NUMBER, NAME VARCHAR)');
    expect(await c.execute('LIST @%T')).toEqual([]);
  });
});

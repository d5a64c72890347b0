// papi local's primary-key lookups on hybrid tables (model/point-lookups.ts): a query that is exactly
// a projection of one hybrid table filtered by its key is answered from an in-memory index. These tests
// hold it to the usual DuckDB path: the same statement's result (columns, types, NULLs, every cell's
// encoding, row order) must be identical, and no index may answer after anything changed the table.
//   Hybrid tables, their primary key and point lookups: https://docs.snowflake.com/en/user-guide/tables-hybrid
//   Without ORDER BY Snowflake promises no row order (https://docs.snowflake.com/en/sql-reference/constructs/order-by);
//   the index gives the order DuckDB's own scan gives, so the two paths never differ.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalEngine } from './engine.js';
import type { TableEntry } from './model/catalog.js';
import { PointLookupIndexes, pointLookupOf } from './model/point-lookups.js';
import { Storage } from './model/storage.js';
import { parse } from './sql/parser.js';
import { failure, harness, run, session, type Harness } from './__tests__/harness.js';
import type { Bind, SessionState, StatementResult } from './types.js';

let h: Harness;
let s: SessionState;

const fixed = (...ids: Array<number | string>): Bind[] => ids.map((id) => ({ type: 'FIXED', value: String(id) }));
const text = (...ids: string[]): Bind[] => ids.map((id) => ({ type: 'TEXT', value: id }));
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

function indexes() {
  return (h.engine as unknown as LocalEngine).pointLookups;
}

/** The statement once the usual way (right after a change no index exists), then until an index answers it. */
async function bothPaths(sql: string, binds: Bind[], as: SessionState = s): Promise<{ usual: StatementResult; indexed: StatementResult }> {
  indexes().forget();
  const before = indexes().answered;
  const usual = await h.engine.execute(as, sql, binds);
  expect(indexes().answered, 'the first lookup after a change goes the usual way').toBe(before);
  let indexed = usual;
  for (let i = 0; i < 100 && indexes().answered === before; i++) indexed = await h.engine.execute(as, sql, binds);
  expect(indexes().answered, `the index answers ${sql}`).toBe(before + 1);
  return { usual, indexed };
}

/** The same result from both paths, byte for byte as the server would send it. */
async function same(sql: string, binds: Bind[], as: SessionState = s): Promise<StatementResult> {
  const { usual, indexed } = await bothPaths(sql, binds, as);
  expect(JSON.stringify(indexed)).toBe(JSON.stringify(usual));
  return indexed;
}

/** The statement answered without the index, however often it runs. */
async function neverIndexed(sql: string, binds: Bind[]): Promise<StatementResult> {
  indexes().forget();
  const before = indexes().answered;
  let result: StatementResult | undefined;
  for (let i = 0; i < 30; i++) result = await h.engine.execute(s, sql, binds);
  expect(indexes().answered, `no index answers ${sql}`).toBe(before);
  return result!;
}

/** Runs `sql` until the index answers it, then returns what the index answers. */
async function warm(sql: string, binds: Bind[]): Promise<StatementResult> {
  const before = indexes().answered;
  let result = await h.engine.execute(s, sql, binds);
  for (let i = 0; i < 100 && indexes().answered === before; i++) result = await h.engine.execute(s, sql, binds);
  expect(indexes().answered).toBeGreaterThan(before);
  return result;
}

const cells = (result: StatementResult) => (result.kind === 'rows' ? result.rows : []);

beforeEach(async () => {
  h = await harness();
  s = h.admin;
  await run(h.engine, s, 'CREATE DATABASE D');
  await run(
    h.engine,
    s,
    `CREATE HYBRID TABLE H (ID NUMBER(38,0) PRIMARY KEY, NAME VARCHAR, PRICE NUMBER(10,2), RATIO FLOAT, OK BOOLEAN, DAY DATE, AT TIME,
      NTZ TIMESTAMP_NTZ, LTZ TIMESTAMP_LTZ, TZ TIMESTAMP_TZ, DOC VARIANT, OBJ OBJECT, ARR ARRAY, BIN BINARY, BIG NUMBER(38,0))`,
  );
  // Inserted out of key order, then changed, so storage order is neither key order nor insertion order.
  for (const id of [7, 3, 11, 1, 9, 5, 2, 10, 4, 8, 6])
    await run(
      h.engine,
      s,
      `INSERT INTO H SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, PARSE_JSON(?), PARSE_JSON(?), PARSE_JSON(?), TO_BINARY(?, 'HEX'), ?`,
      [
        ...fixed(id),
        { type: 'TEXT', value: id === 4 ? null : `name ${id} é ☃ "q" \\ ` },
        { type: 'TEXT', value: id === 5 ? null : `${id}.25` },
        { type: 'REAL', value: id === 6 ? null : String(id / 3) },
        { type: 'BOOLEAN', value: id === 7 ? null : String(id % 2 === 0) },
        { type: 'TEXT', value: id === 8 ? null : `2024-0${(id % 9) + 1}-1${id % 10}` },
        { type: 'TEXT', value: `1${id % 10}:2${id % 10}:33.123456` },
        { type: 'TEXT', value: `2024-01-0${(id % 9) + 1} 12:34:56.789` },
        { type: 'TEXT', value: `2024-02-0${(id % 9) + 1} 01:02:03 +0900` },
        { type: 'TEXT', value: `2024-03-0${(id % 9) + 1} 04:05:06` },
        { type: 'TEXT', value: id === 9 ? null : JSON.stringify({ id, movies: [{ movie_id: id * 7, score: '9.50' }], nested: { n: null } }) },
        { type: 'TEXT', value: JSON.stringify({ k: id }) },
        { type: 'TEXT', value: JSON.stringify([id, 'x', null]) },
        { type: 'TEXT', value: id === 10 ? null : 'DEADBEEF' },
        { type: 'TEXT', value: id === 11 ? '-99999999999999999999999999999999999999' : '12345678901234567890123456789012345678' },
      ],
    );
  await run(h.engine, s, "UPDATE H SET NAME = 'renamed' WHERE ID IN (3, 9)");
  await run(h.engine, s, 'DELETE FROM H WHERE ID = 10');
  await run(h.engine, s, "INSERT INTO H (ID, NAME) VALUES (10, 'back')");
});
afterEach(async () => {
  await h.cleanup();
});

describe('the index answers exactly what DuckDB answers', () => {
  it('every column type, NULLs, one id and ten ids, missing and repeated ids, in the scan order', async () => {
    const star = await same('SELECT * FROM H WHERE ID IN (?)', fixed(1));
    expect(cells(star)).toHaveLength(1);
    expect(cells(await same('SELECT * FROM H WHERE ID IN (?)', fixed(99)))).toEqual([]);
    for (const ids of [[4], [5], [6], [7], [8], [9], [10], [11]]) await same('SELECT * FROM H WHERE ID IN (?)', fixed(...ids));
    const ten = await same(`SELECT * FROM H WHERE ID IN (${marks(10)})`, fixed(11, 3, 3, 99, 1, 10, 7, 2, 2, 0));
    expect(cells(ten).map((row) => row[0])).toHaveLength(6);
    // The order is DuckDB's own (what its scan gives), not the order of the binds.
    await same(`SELECT * FROM H WHERE ID IN (${marks(11)})`, fixed(11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1));
    // All ids missing, all the same.
    expect(cells(await same(`SELECT * FROM H WHERE ID IN (${marks(4)})`, fixed(0, -1, 12, 13)))).toEqual([]);
    await same(`SELECT * FROM H WHERE ID IN (${marks(4)})`, fixed(5, 5, 5, 5));
  });

  it('projections, aliases, = ? either way round, explicit bind numbers, padded lookups as the service sends them', async () => {
    await same('SELECT NAME, ID FROM H WHERE ID = ?', fixed(3));
    await same('SELECT DOC AS RECOMMENDATIONS, ID AS USER_ID, ID FROM H WHERE ? = ID', fixed(2));
    await same('SELECT ID, DOC FROM H AS R WHERE ID IN (:2, :1)', fixed(4, 6));
    await same('SELECT ID, DOC FROM D.PUBLIC.H WHERE ID IN (?, ?, ?, ?)', fixed(1, 2, 2, 2));
    await same(`SELECT ID, DOC FROM H WHERE ID IN (${marks(16)})`, fixed(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 11, 11, 11, 11));
    // Binds in other forms of the same integer.
    await same(`SELECT ID FROM H WHERE ID IN (${marks(3)})`, fixed('+1', ' 2 ', '0003'));
    // More binds than the statement takes are ignored, as the usual path does.
    await same('SELECT ID FROM H WHERE ID = ?', fixed(1, 2));
  });

  it('a text key: exact, case-sensitive equality; empty strings, spaces and other scripts', async () => {
    await run(h.engine, s, 'CREATE HYBRID TABLE T (K VARCHAR PRIMARY KEY, V NUMBER)');
    await run(h.engine, s, `INSERT INTO T VALUES ('a', 1), ('A', 2), ('a ', 3), ('', 4), ('☃', 5), ('42', 6), ('042', 7)`);
    await same(`SELECT * FROM T WHERE K IN (${marks(8)})`, text('a', 'A', 'a ', '', '☃', 'b', '42', 'a'));
    await same('SELECT V FROM T WHERE K = ?', text('042'));
    expect(cells(await same('SELECT V FROM T WHERE K = ?', text(' a')))).toEqual([]);
  });

  it('the session’s output settings apply to the index’s answer as to the usual one', async () => {
    const other = session('ADMIN', 'ACCOUNTADMIN', 'COMPUTE_WH');
    other.database = 'D';
    other.schema = 'PUBLIC';
    await run(h.engine, other, "ALTER SESSION SET TIMEZONE = 'Asia/Tokyo'");
    await run(h.engine, other, 'ALTER SESSION SET ENABLE_STRUCTURED_TYPES_IN_CLIENT_RESPONSE = TRUE');
    await same(`SELECT * FROM H WHERE ID IN (${marks(3)})`, fixed(1, 2, 3), other);
    // An index built for one session answers another in that other's settings.
    const sql = `SELECT * FROM H WHERE ID IN (${marks(3)})`;
    indexes().forget();
    const usual = await h.engine.execute(other, sql, fixed(4, 5, 6));
    await warm(sql, fixed(4, 5, 6));
    const before = indexes().answered;
    const indexed = await h.engine.execute(other, sql, fixed(4, 5, 6));
    expect(indexes().answered).toBe(before + 1);
    expect(JSON.stringify(indexed)).toBe(JSON.stringify(usual));
  });

  it('a key of a smaller NUMBER(p,0), and ids past its precision or past NUMBER(38,0)', async () => {
    await run(h.engine, s, 'CREATE HYBRID TABLE SMALL (ID NUMBER(5,0) PRIMARY KEY, V VARCHAR)');
    await run(h.engine, s, "INSERT INTO SMALL VALUES (1, 'one'), (99999, 'max'), (-99999, 'min')");
    await same(`SELECT * FROM SMALL WHERE ID IN (${marks(4)})`, fixed(1, 99999, -99999, 2));
    await same(`SELECT * FROM SMALL WHERE ID IN (${marks(2)})`, fixed(1, 123456));
    await same(`SELECT * FROM H WHERE ID IN (${marks(2)})`, fixed(1, '9'.repeat(38)));
    // Past NUMBER(38,0): the usual way, which refuses it (DuckDB's HUGEINT cannot hold the bind).
    const before = indexes().answered;
    expect((await failure(h.engine, s, `SELECT ID FROM H WHERE ID IN (${marks(2)})`, fixed(1, '9'.repeat(39)))).code).toBe('002040');
    expect(indexes().answered).toBe(before);
  });

  it('a bind whose comparison is not plain equality goes the usual way (and is still answered right)', async () => {
    // TEXT on a number key, a decimal, a NULL: DuckDB's casts decide these.
    await neverIndexed('SELECT ID FROM H WHERE ID IN (?)', text('1'));
    expect(cells(await neverIndexed('SELECT ID FROM H WHERE ID IN (?)', fixed('2.0')))).toEqual([['2']]);
    expect(cells(await neverIndexed('SELECT ID FROM H WHERE ID IN (?, ?)', [...fixed(1), { type: 'FIXED', value: null }]))).toEqual([['1']]);
    // Fewer binds than the statement takes: the usual error.
    expect((await failure(h.engine, s, 'SELECT ID FROM H WHERE ID IN (?, ?)', fixed(1))).code).toBe('002049');
  });

  it('every other shape goes the usual way and is answered right', async () => {
    const other = [
      'SELECT ID FROM H WHERE ID IN (?) ORDER BY ID',
      'SELECT ID FROM H WHERE ID IN (?) LIMIT 1',
      'SELECT DISTINCT ID FROM H WHERE ID IN (?)',
      'SELECT ID + 0 AS ID FROM H WHERE ID IN (?)',
      'SELECT TO_VARCHAR(ID) FROM H WHERE ID IN (?)',
      'SELECT H.ID FROM H WHERE ID IN (?)',
      'SELECT ID FROM H WHERE H.ID IN (?)',
      'SELECT ID FROM H WHERE ID IN (?) AND NAME IS NOT NULL',
      'SELECT ID FROM H WHERE ID IN (?) AND NOT ID IN (2)',
      'SELECT ID FROM H WHERE ID IN (?, 1)',
      'SELECT ID FROM H WHERE ID >= ? AND ID <= 1',
      'SELECT ID FROM H WHERE BIG IN (?) OR ID = 1',
      'SELECT COUNT(*) AS ID FROM H WHERE ID IN (?)',
      'SELECT ID FROM H WHERE ID IN (?) GROUP BY ID',
      'SELECT a.ID FROM H a JOIN H b ON a.ID = b.ID WHERE a.ID IN (?)',
      'WITH X AS (SELECT * FROM H) SELECT ID FROM X WHERE ID IN (?)',
      'SELECT ID FROM (SELECT * FROM H) WHERE ID IN (?)',
      'SELECT ID FROM H WHERE ID IN (?) UNION SELECT 1',
    ];
    for (const sql of other) expect(cells(await neverIndexed(sql, fixed(1))), sql).toEqual([['1']]);
    // A standard table and a view are never indexed, whatever the shape.
    await run(h.engine, s, 'CREATE TABLE STD (ID NUMBER(38,0) PRIMARY KEY, V VARCHAR)');
    await run(h.engine, s, "INSERT INTO STD VALUES (1, 'x')");
    expect(cells(await neverIndexed('SELECT ID, V FROM STD WHERE ID IN (?)', fixed(1)))).toEqual([['1', 'x']]);
    await run(h.engine, s, 'CREATE VIEW V AS SELECT * FROM H');
    expect(cells(await neverIndexed('SELECT ID FROM V WHERE ID IN (?)', fixed(1)))).toEqual([['1']]);
    // A composite key is not a one-column key.
    await run(h.engine, s, 'CREATE HYBRID TABLE C (A NUMBER, B NUMBER, PRIMARY KEY (A, B))');
    await run(h.engine, s, 'INSERT INTO C VALUES (1, 1), (1, 2)');
    expect(cells(await neverIndexed('SELECT A, B FROM C WHERE A IN (?)', fixed(1)))).toHaveLength(2);
  });
});

describe('no index answers after a change', () => {
  const LOOKUP = `SELECT ID, NAME FROM H WHERE ID IN (${marks(2)})`;
  const names = async () => cells(await h.engine.execute(s, LOOKUP, fixed(1, 12)));

  /** The index answers, `change` runs, and the next lookup (usual way) and the rebuilt index both see it. */
  async function follows(change: () => Promise<unknown>, expected: Array<Array<string | null>>): Promise<void> {
    await warm(LOOKUP, fixed(1, 12));
    await change();
    expect(await names()).toEqual(expected);
    expect(cells(await warm(LOOKUP, fixed(1, 12)))).toEqual(expected);
  }

  it('INSERT, UPDATE, DELETE, MERGE, TRUNCATE and INSERT OVERWRITE', async () => {
    await follows(() => run(h.engine, s, "INSERT INTO H (ID, NAME) VALUES (12, 'twelve')"), [['1', 'name 1 é ☃ "q" \\ '], ['12', 'twelve']]);
    await follows(() => run(h.engine, s, "UPDATE H SET NAME = 'one' WHERE ID = 1"), [['1', 'one'], ['12', 'twelve']]);
    await follows(() => run(h.engine, s, 'DELETE FROM H WHERE ID = 12'), [['1', 'one']]);
    await follows(
      () => run(h.engine, s, "MERGE INTO H USING (SELECT 12 AS ID, 'merged' AS NAME) src ON H.ID = src.ID WHEN NOT MATCHED THEN INSERT (ID, NAME) VALUES (src.ID, src.NAME)"),
      [['1', 'one'], ['12', 'merged']],
    );
    await follows(() => run(h.engine, s, 'TRUNCATE TABLE H'), []);
    await follows(() => run(h.engine, s, "INSERT OVERWRITE INTO H (ID, NAME) VALUES (12, 'over'), (1, 'uno')"), [['12', 'over'], ['1', 'uno']]);
  });

  it('COPY INTO', async () => {
    await run(h.engine, s, 'CREATE STAGE ST');
    const put = await h.engine.execute(s, "PUT 'file:///tmp/rows.csv' @ST/rows/", []);
    if (put.kind !== 'fileTransfer') throw new Error('PUT should answer a file transfer');
    writeFileSync(join((put.data.stageInfo as { location: string }).location, 'rows.csv'), '12,copied\n');
    await follows(() => run(h.engine, s, 'COPY INTO H (ID, NAME) FROM @ST/rows/'), [['1', 'name 1 é ☃ "q" \\ '], ['12', 'copied']]);
  });

  it('a failed write (a duplicate key) changes nothing, and a committed transaction shows', async () => {
    await follows(() => failure(h.engine, s, "INSERT INTO H (ID, NAME) VALUES (12, 'no'), (1, 'dup')"), [['1', 'name 1 é ☃ "q" \\ ']]);
    await follows(async () => {
      await run(h.engine, s, 'BEGIN');
      await run(h.engine, s, "INSERT INTO H (ID, NAME) VALUES (12, 'in a transaction')");
      await run(h.engine, s, 'COMMIT');
    }, [['1', 'name 1 é ☃ "q" \\ '], ['12', 'in a transaction']]);
  });

  it('CREATE OR REPLACE, ALTER TABLE ADD/DROP COLUMN, RENAME, SWAP, DROP and UNDROP-less re-CREATE', async () => {
    await follows(
      () => run(h.engine, s, "CREATE OR REPLACE HYBRID TABLE H (ID NUMBER(38,0) PRIMARY KEY, NAME VARCHAR) AS SELECT 1, 'replaced'"),
      [['1', 'replaced']],
    );
    await warm('SELECT * FROM H WHERE ID = ?', fixed(1));
    await run(h.engine, s, 'ALTER TABLE H ADD COLUMN EXTRA VARCHAR');
    expect(cells(await same('SELECT * FROM H WHERE ID = ?', fixed(1)))).toEqual([['1', 'replaced', null]]);
    await run(h.engine, s, 'ALTER TABLE H DROP COLUMN EXTRA');
    expect(cells(await same('SELECT * FROM H WHERE ID = ?', fixed(1)))).toEqual([['1', 'replaced']]);

    await run(h.engine, s, "CREATE HYBRID TABLE G (ID NUMBER(38,0) PRIMARY KEY, NAME VARCHAR) AS SELECT 12, 'from G'");
    await follows(() => run(h.engine, s, 'ALTER TABLE H SWAP WITH G'), [['12', 'from G']]);
    await follows(async () => {
      await run(h.engine, s, 'ALTER TABLE H RENAME TO OLD_H');
      await run(h.engine, s, 'ALTER TABLE G RENAME TO H');
    }, [['1', 'replaced']]);
    await warm(LOOKUP, fixed(1, 12));
    await run(h.engine, s, 'DROP TABLE H');
    expect((await failure(h.engine, s, LOOKUP, fixed(1, 12))).code).toBe('002003');
    await run(h.engine, s, "CREATE HYBRID TABLE H (ID NUMBER(38,0) PRIMARY KEY, NAME VARCHAR) AS SELECT 12, 'new'");
    expect(await names()).toEqual([['12', 'new']]);
  });

  it('a stored procedure and a task writing to the table', async () => {
    await run(
      h.engine,
      s,
      `CREATE PROCEDURE WRITE_H() RETURNS VARCHAR LANGUAGE JAVASCRIPT AS $$
        snowflake.execute({ sqlText: "SELECT ID FROM H WHERE ID IN (?, ?)", binds: [1, 12] });
        snowflake.execute({ sqlText: "INSERT INTO H (ID, NAME) VALUES (12, 'by a procedure')" });
        return 'done';
      $$`,
    );
    await follows(() => run(h.engine, s, 'CALL WRITE_H()'), [['1', 'name 1 é ☃ "q" \\ '], ['12', 'by a procedure']]);
    await run(h.engine, s, "CREATE TASK TK WAREHOUSE = COMPUTE_WH SCHEDULE = '60 MINUTE' AS UPDATE H SET NAME = 'by a task' WHERE ID = 12");
    await warm(LOOKUP, fixed(1, 12));
    await run(h.engine, s, 'EXECUTE TASK TK');
    // The task runs soon after (asynchronously, as Snowflake's): wait for its write, no timing asserted.
    for (let i = 0; i < 200 && (await names())[1]?.[1] !== 'by a task'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await names()).toEqual([['1', 'name 1 é ☃ "q" \\ '], ['12', 'by a task']]);
    expect(cells(await warm(LOOKUP, fixed(1, 12)))).toEqual([['1', 'name 1 é ☃ "q" \\ '], ['12', 'by a task']]);
  });

  it('privileges and USE: the checks of the usual path run before the index answers', async () => {
    await run(h.engine, s, 'CREATE ROLE APP');
    await run(h.engine, s, 'GRANT USAGE ON DATABASE D TO ROLE APP');
    await run(h.engine, s, 'GRANT USAGE ON SCHEMA D.PUBLIC TO ROLE APP');
    await run(h.engine, s, 'GRANT USAGE ON WAREHOUSE COMPUTE_WH TO ROLE APP');
    await run(h.engine, s, 'GRANT SELECT ON TABLE D.PUBLIC.H TO ROLE APP');
    await run(h.engine, s, 'CREATE USER U');
    await run(h.engine, s, 'GRANT ROLE APP TO USER U');
    const app = session('U', 'APP', 'COMPUTE_WH');
    const qualified = 'SELECT ID FROM D.PUBLIC.H WHERE ID = ?';
    await warm(qualified, fixed(1));
    expect(cells(await h.engine.execute(app, qualified, fixed(1)))).toEqual([['1']]);
    await run(h.engine, s, 'REVOKE SELECT ON TABLE D.PUBLIC.H FROM ROLE APP');
    expect(['002003', '003001']).toContain((await failure(h.engine, app, qualified, fixed(1))).code);
    await run(h.engine, s, 'GRANT SELECT ON TABLE D.PUBLIC.H TO ROLE APP');
    for (let i = 0; i < 20; i++) expect(cells(await h.engine.execute(app, qualified, fixed(1)))).toEqual([['1']]);
    await run(h.engine, app, 'USE ROLE PUBLIC');
    expect(['002003', '003001']).toContain((await failure(h.engine, app, qualified, fixed(1))).code);
    // No warehouse: the usual 000606, index or not.
    const noWarehouse = session('ADMIN', 'ACCOUNTADMIN');
    expect((await failure(h.engine, noWarehouse, qualified, fixed(1))).code).toBe('000606');
    // USE SCHEMA: the same unqualified text finds another table.
    await run(h.engine, s, 'CREATE SCHEMA D.OTHER');
    await run(h.engine, s, "CREATE HYBRID TABLE D.OTHER.H (ID NUMBER(38,0) PRIMARY KEY, NAME VARCHAR) AS SELECT 1, 'other'");
    await run(h.engine, s, 'USE SCHEMA D.PUBLIC');
    await warm(LOOKUP, fixed(1, 12));
    await run(h.engine, s, 'USE SCHEMA D.OTHER');
    expect(await names()).toEqual([['1', 'other']]);
    expect(cells(await warm(LOOKUP, fixed(1, 12)))).toEqual([['1', 'other']]);
  });
});

describe('when the index is built (#16.5)', () => {
  /** Lookups of `binds` answered the usual way before the index answers one (at most 100). */
  async function usualBeforeIndex(binds: Bind[]): Promise<number> {
    const before = indexes().answered;
    let usual = 0;
    for (; usual < 100 && indexes().answered === before; usual++) await h.engine.execute(s, `SELECT ID, NAME FROM H WHERE ID IN (${marks(binds.length)})`, binds);
    return usual - 1;
  }

  it('after as many keys as single-key lookups took: one lookup of many keys, then the index', async () => {
    indexes().forget();
    const single = await usualBeforeIndex(fixed(1));
    expect(single).toBeGreaterThan(1);
    indexes().forget();
    // A batch of misses (the service sends up to 100 ids a lookup) counts as its keys.
    expect(await usualBeforeIndex(fixed(...Array.from({ length: single + 1 }, (_, i) => i + 1)))).toBe(1);
  });

  it('SHOW, DESCRIBE, USE and ALTER SESSION keep the index: they change no rows', async () => {
    const LOOKUP = `SELECT ID, NAME FROM H WHERE ID IN (${marks(2)})`;
    await warm(LOOKUP, fixed(1, 12));
    for (const sql of ['SHOW TABLES', 'DESCRIBE TABLE H', 'USE ROLE ACCOUNTADMIN', "ALTER SESSION SET TIMEZONE = 'UTC'"]) {
      await run(h.engine, s, sql);
      const before = indexes().answered;
      await h.engine.execute(s, LOOKUP, fixed(1, 12));
      expect(indexes().answered, `the index answers right after ${sql}`).toBe(before + 1);
    }
  });
});

describe('the size bound', () => {
  it('a table past the row or text limit is never indexed: its lookups go the usual way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'papi-point-lookups-'));
    const storage = await Storage.open(dir);
    try {
      await storage.run('CREATE TABLE t1 (ID DECIMAL(38,0) PRIMARY KEY, V VARCHAR)');
      await storage.run("INSERT INTO t1 VALUES (1, 'one'), (2, 'two'), (3, 'three')");
      const table: TableEntry = {
        id: 1,
        name: 'T',
        owner: 'SYSADMIN',
        createdOn: '',
        kind: 'HYBRID',
        storage: 't1',
        columns: [
          { name: 'ID', type: 'NUMBER(38,0)', nullable: false },
          { name: 'V', type: 'VARCHAR', nullable: true },
        ],
        primaryKey: ['ID'],
      };
      const statement = parse('SELECT ID, V FROM T WHERE ID IN (?, ?)');
      if (statement.kind !== 'select') throw new Error('a query');
      const lookup = pointLookupOf(statement.query, table)!;
      const findAll = async (indexes: PointLookupIndexes) => {
        let found;
        for (let i = 0; i < 20; i++) found = await indexes.find(storage, lookup, fixed(3, 1));
        return found;
      };
      const fits = new PointLookupIndexes({ rows: 3, text: 1000 });
      expect((await findAll(fits))?.rows.map((row) => String(row[1]))).toEqual(['one', 'three']);
      expect(await findAll(new PointLookupIndexes({ rows: 2, text: 1000 }))).toBeUndefined();
      expect(await findAll(new PointLookupIndexes({ rows: 3, text: 50 }))).toBeUndefined();
    } finally {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

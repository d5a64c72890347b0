// Translator tests: Snowflake SQL is parsed, translated and executed on a real in-memory DuckDB; the
// results are checked against Snowflake's documented behaviour (or, for the recommendation query,
// against an independent implementation of the same algorithm in TypeScript).
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqlError } from '../../errors.js';
import type * as A from './ast.js';
import { papiSqlFiles } from './papi-sql.js';
import { parse, parseScript } from './parser.js';
import { quoteIdent, TIMESTAMP_MACROS } from './render.js';
import {
  translateDelete,
  translateInsert,
  translateMerge,
  translateQuery,
  translateUpdate,
  type ColumnInfo,
  type ResolvedRelation,
  type TranslateContext,
} from './translate.js';
import { duckType } from './types.js';

let instance: DuckDBInstance;
let db: DuckDBConnection;
let tables: Map<string, ResolvedRelation>;

const type = (text: string): A.DataType => {
  const m = /^([A-Z_]+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(text)!;
  return { name: m[1]!, args: [m[2], m[3]].filter((x) => x !== undefined).map(Number) };
};

const ctx: TranslateContext = {
  resolveTable(name) {
    const last = name.parts[name.parts.length - 1]!.name;
    const t = tables.get(last);
    if (!t) throw new SqlError('002003', '42S02', `SQL compilation error:\nObject '${last}' does not exist or not authorized.`);
    return t;
  },
  session: { role: 'ML_MODEL_ROLE', user: 'PAPI', database: 'MOVIE_RECOMMENDER_DB', schema: 'PUBLIC', warehouse: 'WH', account: 'PAPI', accountLocator: 'PAPI', region: 'LOCAL', version: '9.0.0' },
  systemFunction: (call) => ({ sql: `'${call.name} called with ${call.args.length}'` }),
};

/** Creates a DuckDB table standing for a Snowflake table with the given columns ("NAME TYPE"). */
async function table(name: string, columns: string[], rows: unknown[][] = []): Promise<void> {
  const cols: ColumnInfo[] = columns.map((c) => {
    const [col, t] = c.split(' ') as [string, string];
    return { name: col.replace(/^"|"$/g, ''), type: type(t) };
  });
  const storage = quoteIdent(`t_${name}`);
  await db.run(`CREATE OR REPLACE TABLE ${storage} (${cols.map((c) => `${quoteIdent(c.name)} ${duckType(c.type!)}`).join(', ')})`);
  for (const row of rows) {
    const values = row.map((v, i) => (v === null ? 'NULL' : typeof v === 'string' ? `CAST('${v.replace(/'/g, "''")}' AS ${duckType(cols[i]!.type!)})` : String(v)));
    await db.run(`INSERT INTO ${storage} VALUES (${values.join(', ')})`);
  }
  tables.set(name, { sql: storage, columns: cols });
}

/** Runs a Snowflake query; rows come back as JSON-friendly values (decimals and JSON as strings). */
async function query(sql: string, binds: unknown[] = []): Promise<{ names: string[]; rows: Array<Record<string, unknown>> }> {
  const stmt = parse(sql);
  if (stmt.kind !== 'select') throw new Error('not a query');
  const t = translateQuery(stmt.query, ctx);
  const reader = await db.runAndReadAll(t.sql, binds as never);
  expect(reader.columnNames()).toEqual(t.columns.map((c) => c.name));
  return { names: t.columns.map((c) => c.name), rows: reader.getRowObjectsJson() as Array<Record<string, unknown>> };
}

async function rows(sql: string, binds: unknown[] = []): Promise<unknown[][]> {
  const { names, rows: r } = await query(sql, binds);
  return r.map((row) => names.map((n) => row[n]));
}

/** Runs INSERT/UPDATE/DELETE through the translator. */
async function dml(sql: string, binds: unknown[] = []): Promise<void> {
  const stmt = parse(sql);
  const statements =
    stmt.kind === 'insert'
      ? translateInsert(stmt, ctx).statements
      : stmt.kind === 'update'
        ? [translateUpdate(stmt, ctx).sql]
        : stmt.kind === 'delete'
          ? [translateDelete(stmt, ctx).sql]
          : stmt.kind === 'merge'
            ? [translateMerge(stmt, ctx).sql]
            : [];
  if (!statements.length) throw new Error(`not DML: ${sql}`);
  for (const s of statements) await db.run(s, binds as never);
}

function sqlError(fn: () => unknown): SqlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error('expected a SqlError');
}

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  // As Storage.open sets up every connection of papi local.
  await db.run("SET TimeZone = 'UTC'");
  for (const macro of TIMESTAMP_MACROS) await db.run(macro);
});

afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

beforeEach(() => {
  tables = new Map();
});

describe('names and identifiers', () => {
  it("names columns as Snowflake does: unquoted upper case, quoted exact, expressions by their text", async () => {
    await table('T', ['A NUMBER(38,0)', 'B VARCHAR', 'V VARIANT'], [[1, 'x', '{"k":7}']]);
    const r = await query('select count(*), 1, a, a as "x", t.b, v:k, a+1 AS total from t group by all');
    expect(r.names).toEqual(['COUNT(*)', '1', 'A', 'x', 'B', 'V:K', 'TOTAL']);
    expect(r.rows).toEqual([{ 'COUNT(*)': '1', '1': 1, A: '1', x: '1', B: 'x', 'V:K': '7', TOTAL: '2' }]);
  });

  it('resolves quoted lower-case columns exactly and refuses them unquoted (000904)', async () => {
    await table('R', ['"user_id" NUMBER(38,0)'], [[5]]);
    expect(await rows('SELECT "user_id" FROM r')).toEqual([['5']]);
    const e = sqlError(() => translateQuery((parse('SELECT user_id FROM r') as A.SelectStatement).query, ctx));
    expect(e.code).toBe('000904');
    expect(e.message).toBe("SQL compilation error: error line 1 at position 7\ninvalid identifier 'USER_ID'");
  });

  it('reports ambiguous columns, unknown functions and missing tables', async () => {
    await table('X', ['ID NUMBER(38,0)']);
    await table('Y', ['ID NUMBER(38,0)']);
    const tr = (sql: string) => () => translateQuery((parse(sql) as A.SelectStatement).query, ctx);
    expect(sqlError(tr('SELECT id FROM x, y')).code).toBe('002028');
    expect(sqlError(tr('SELECT NO_SUCH_FN(1)')).code).toBe('002140');
    expect(sqlError(tr('SELECT * FROM nope')).code).toBe('002003');
    expect(sqlError(tr('SELECT ROW_NUMBER() FROM x')).code).toBe('002062');
    expect(await rows('SELECT x.id FROM x JOIN y USING (id)')).toEqual([]);
  });

  it('lets WHERE, GROUP BY, QUALIFY and later items use select aliases', async () => {
    await table('S', ['G NUMBER(38,0)', 'V NUMBER(38,0)'], [[1, 10], [1, 20], [2, 5]]);
    expect(await rows('SELECT g AS grp, SUM(v) AS total, total * 2 AS twice FROM s GROUP BY grp ORDER BY grp')).toEqual([
      ['1', '30', '60'],
      ['2', '5', '10'],
    ]);
    expect(await rows('SELECT g, v, ROW_NUMBER() OVER (PARTITION BY g ORDER BY v DESC) AS rn FROM s QUALIFY rn = 1 ORDER BY g')).toEqual([
      ['1', '20', '1'],
      ['2', '5', '1'],
    ]);
  });
});

describe('Snowflake semantics where DuckDB differs', () => {
  it('divides numbers into decimals with Snowflake scale and fails on division by zero', async () => {
    expect(await rows('SELECT 1/3, 7/2, 1.5/3, 10/4.0')).toEqual([['0.333333', '3.500000', '0.5000000', '2.500000']]);
    await expect(query('SELECT 1/0')).rejects.toThrow(/Division by zero/);
  });

  it('sorts NULLs last ascending and first descending by default', async () => {
    await table('N', ['A NUMBER(38,0)'], [[2], [null], [1]]);
    expect((await rows('SELECT a FROM n ORDER BY a')).flat()).toEqual(['1', '2', null]);
    expect((await rows('SELECT a FROM n ORDER BY a DESC')).flat()).toEqual([null, '2', '1']);
    expect((await rows('SELECT a FROM n ORDER BY a NULLS FIRST')).flat()).toEqual([null, '1', '2']);
  });

  it('concatenates with || after converting to text', async () => {
    expect(await rows("SELECT 'n=' || 5 || '/' || 1.50, 'a' || NULL, TO_VARCHAR(0.1::FLOAT + 0.2::FLOAT), 4.0::FLOAT::STRING")).toEqual([['n=5/1.50', null, '0.3', '4']]);
  });

  it('reads VARIANT with :, [ ] and casts out of it as values', async () => {
    await table('J', ['ID NUMBER(38,0)', 'V VARIANT'], [[1, '{"name":"Toy Story","id":5,"tags":["a","b"],"n":null}']]);
    expect(await rows('SELECT v:name, v:name::string, v:id::number + 1, v:tags[1], v[\'tags\'][0]::varchar, ARRAY_SIZE(v:tags), GET(v:tags, 0), v:n, v:n IS NULL, v:missing IS NULL FROM j')).toEqual([
      ['"Toy Story"', 'Toy Story', '6', '"b"', 'a', '2', '"a"', 'null', false, true],
    ]);
    expect(await rows("SELECT id FROM j WHERE v:id = 5 AND v:name = 'Toy Story' AND v:id IN (4, 5)")).toEqual([['1']]);
    expect((await rows("SELECT f.value AS n FROM TABLE(FLATTEN(PARSE_JSON('[10, 9, 100]'))) f ORDER BY n")).flat()).toEqual(['9', '10', '100']);
    expect((await rows("SELECT f.value FROM TABLE(FLATTEN(PARSE_JSON('[10, 9, 100]'))) f ORDER BY f.value DESC")).flat()).toEqual(['100', '10', '9']);
    expect(await rows('SELECT PARSE_JSON(\'{"a": [1, 2]}\'):a[1], TO_VARIANT(3)::number, PARSE_JSON(\'"x"\')::string')).toEqual([['2', '3', 'x']]);
  });

  it('builds objects and arrays like Snowflake: NULL values dropped, keys sorted', async () => {
    expect(await rows("SELECT OBJECT_CONSTRUCT('b', 1, 'a', 'x', 'c', NULL), OBJECT_CONSTRUCT_KEEP_NULL('b', 1, 'c', NULL), ARRAY_CONSTRUCT(1, 'two', NULL), ARRAY_CONSTRUCT(), OBJECT_CONSTRUCT('o', PARSE_JSON('{\"z\":1}'))")).toEqual([
      ['{"a":"x","b":1}', '{"b":1,"c":null}', '[1,"two",null]', '[]', '{"o":{"z":1}}'],
    ]);
  });

  it('aggregates arrays in WITHIN GROUP order, skipping NULLs', async () => {
    await table('G', ['K NUMBER(38,0)', 'V VARCHAR', 'O NUMBER(38,0)'], [[1, 'b', 2], [1, 'a', 1], [1, null, 3], [2, null, 1]]);
    expect(await rows('SELECT k, ARRAY_AGG(v) WITHIN GROUP (ORDER BY o DESC) FROM g GROUP BY k ORDER BY k')).toEqual([
      ['1', '["b","a"]'],
      ['2', '[]'],
    ]);
  });

  it('flattens arrays and objects with FLATTEN’s columns', async () => {
    await table('F', ['ID NUMBER(38,0)', 'RECS VARIANT'], [[1, '[{"m":10},{"m":20}]'], [2, '{"x":1}'], [3, null]]);
    expect(await rows('SELECT f.id, r.index, r.key, r.path, r.value:m, r.value FROM f, TABLE(FLATTEN(input => f.recs)) r ORDER BY f.id, r.index')).toEqual([
      ['1', '0', null, '[0]', '10', '{"m":10}'],
      ['1', '1', null, '[1]', '20', '{"m":20}'],
      ['2', null, 'x', 'x', null, '1'],
    ]);
    expect(await rows('SELECT f.id, r.value FROM f, LATERAL FLATTEN(f.recs, outer => TRUE) r WHERE f.id = 3')).toEqual([['3', null]]);
    expect(sqlError(() => translateQuery((parse('SELECT r.seq FROM f, TABLE(FLATTEN(f.recs)) r') as A.SelectStatement).query, ctx)).code).toBe('002040');
  });

  it("runs the tutorial's notebook queries on its MOVIE_RECOMMENDATIONS table", async () => {
    await table('MOVIE_RECOMMENDATIONS', ['"user_id" NUMBER(38,0)', '"recommendations" VARIANT'], [
      [1, '[{"movie_name":"A","movie_score":"3.40"},{"movie_name":"B","movie_score":"4.60"}]'],
      [2, '[{"movie_name":"C","movie_score":"1.00"}]'],
    ]);
    const sql = `SELECT t."user_id" as user_id, TRIM(PARSE_JSON(f.value):"movie_name", '"') as MOVIE_RECOMMENDATION,
        TRY_TO_NUMBER(TRIM(PARSE_JSON(f.value):"movie_score", '"')) as RECOMMENDATION_SCORE
      FROM MOVIE_RECOMMENDATIONS t, TABLE(FLATTEN(t."recommendations")) f
      QUALIFY ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY RECOMMENDATION_SCORE desc) = 1
      ORDER BY user_id asc`;
    expect(await rows(sql)).toEqual([
      ['1', 'B', '5'],
      ['2', 'C', '1'],
    ]);
  });

  it('evaluates the session functions from the context', async () => {
    expect(await rows('SELECT CURRENT_ROLE(), CURRENT_DATABASE(), CURRENT_SCHEMA(), CURRENT_WAREHOUSE(), CURRENT_USER(), CURRENT_ACCOUNT(), CURRENT_REGION(), CURRENT_VERSION()')).toEqual([
      ['ML_MODEL_ROLE', 'MOVIE_RECOMMENDER_DB', 'PUBLIC', 'WH', 'PAPI', 'PAPI', 'LOCAL', '9.0.0'],
    ]);
    expect(await rows("SELECT SYSTEM$GET_SERVICE_LOGS('s', 0, 'c', 10) AS LOGS")).toEqual([['SYSTEM$GET_SERVICE_LOGS called with 4']]);
  });

  it('covers the common scalar functions', async () => {
    expect(
      await rows(`SELECT ROUND(2.345, 2), SQRT(16), POWER(2, 10), ABS(-3), COALESCE(NULL, 2), IFF(1 < 2, 'y', 'n'), NVL(NULL, 'd'), IFNULL('v', 'd'),
                  UPPER('a'), LOWER('B'), TRIM('  x  '), SPLIT('a,b', ','), TO_NUMBER('12.6'), TRY_TO_NUMBER('x'), TO_NUMBER('1.255', 10, 2),
                  TO_VARCHAR(CAST(1.5 AS NUMBER(38,2))), TO_CHAR(42), TO_TIMESTAMP_NTZ('2024-01-15 10:30:00'), TO_TIMESTAMP(0),
                  DATEADD(day, 1, TO_DATE('2024-02-28')), DATEDIFF('day', TO_DATE('2024-01-01'), TO_DATE('2024-03-01')),
                  CASE WHEN 1 = 2 THEN 'a' WHEN 2 = 2 THEN 'b' END, 'abc' LIKE 'a%', 'ABC' ILIKE 'a%', 5 BETWEEN 1 AND 10,
                  TO_VARCHAR(TO_TIMESTAMP_NTZ('2024-01-15 10:30:00.5'))`),
    ).toEqual([
      ['2.35', 4, 1024, 3, 2, 'y', 'd', 'v', 'A', 'b', 'x', '["a","b"]', '13', null, '1.26', '1.50', '42', '2024-01-15 10:30:00', '1970-01-01 00:00:00', '2024-02-29', '60', 'b', true, true, true, '2024-01-15 10:30:00.500'],
    ]);
  });

  it('translates CTEs, UNION ALL, IN subqueries, EXISTS and joins', async () => {
    await table('P', ['ID NUMBER(38,0)', 'NAME VARCHAR'], [[1, 'a'], [2, 'b'], [3, 'c']]);
    await table('Q', ['PID NUMBER(38,0)'], [[1], [3]]);
    expect(
      await rows(`WITH sel AS (SELECT id FROM p WHERE id IN (SELECT pid FROM q))
                  SELECT name FROM p WHERE id IN (SELECT id FROM sel) UNION ALL SELECT 'z' ORDER BY 1`),
    ).toEqual([['a'], ['c'], ['z']]);
    expect(await rows('SELECT p.name, q.pid FROM p LEFT JOIN q ON q.pid = p.id ORDER BY p.id')).toEqual([
      ['a', '1'],
      ['b', null],
      ['c', '3'],
    ]);
    expect(await rows('SELECT name FROM p WHERE NOT EXISTS (SELECT 1 FROM q WHERE q.pid = p.id)')).toEqual([['b']]);
    expect(await rows('SELECT * FROM p WHERE id = ? OR name = ?', [2, 'c'])).toEqual([
      ['2', 'b'],
      ['3', 'c'],
    ]);
  });
});

describe('DML', () => {
  it('inserts, overwrites, updates and deletes with binds, converting into VARIANT columns', async () => {
    await table('STATE', ['NAME VARCHAR', 'VALUE VARCHAR', 'UPDATED_AT TIMESTAMP_NTZ']);
    await table('DOCS', ['ID NUMBER(38,0)', 'DOC VARIANT']);
    await dml("INSERT INTO docs (id, doc) VALUES (1, 'plain'), (2, NULL)");
    await dml('INSERT INTO docs SELECT 3, PARSE_JSON(?)', ['{"a":1}']);
    expect(await rows('SELECT id, doc FROM docs ORDER BY id')).toEqual([
      ['1', '"plain"'],
      ['2', null],
      ['3', '{"a":1}'],
    ]);
    const overwrite = (sql: string) => translateInsert(parse(sql) as A.InsertStatement, ctx);
    expect(overwrite('INSERT OVERWRITE INTO docs SELECT 1, NULL')).toMatchObject({ countStatement: 1, statements: [expect.stringMatching(/^DELETE/), expect.stringMatching(/^INSERT/)] });
    expect(overwrite('INSERT OVERWRITE INTO docs SELECT * FROM docs').statements).toHaveLength(4);
    await dml('INSERT OVERWRITE INTO docs (id, doc) SELECT id + 10, doc FROM docs WHERE id = 3');
    expect(await rows('SELECT id, doc:a FROM docs')).toEqual([['13', '1']]);
    // papi's own state statements (sql/state/write.sql)
    await dml('INSERT INTO state (NAME, VALUE, UPDATED_AT) SELECT ?, ?, CURRENT_TIMESTAMP()', ['data', 'abc']);
    await dml('DELETE FROM state WHERE NAME = ?', ['other']);
    await dml("UPDATE state SET VALUE = VALUE || '!' WHERE NAME = ?", ['data']);
    expect(await rows('SELECT NAME, VALUE, UPDATED_AT IS NOT NULL FROM state')).toEqual([['data', 'abc!', true]]);
    await dml('DELETE FROM state WHERE NAME = ?', ['data']);
    expect(await rows('SELECT COUNT(*) FROM state')).toEqual([['0']]);
    await dml("INSERT INTO state (NAME, VALUE) VALUES ('a', '1'), ('b', '2')");
    await dml(`MERGE INTO state t USING (SELECT 'b' AS name, '20' AS value UNION ALL SELECT 'c', '3') s ON t.name = s.name
               WHEN MATCHED THEN UPDATE SET value = s.value WHEN NOT MATCHED THEN INSERT (name, value) VALUES (s.name, s.value)`);
    expect(await rows('SELECT NAME, VALUE FROM state ORDER BY NAME')).toEqual([
      ['a', '1'],
      ['b', '20'],
      ['c', '3'],
    ]);
    expect(sqlError(() => translateInsert(parse('INSERT INTO docs (id) VALUES (1, 2)') as A.InsertStatement, ctx)).code).toBe('002020');
    expect(sqlError(() => translateInsert(parse('INSERT INTO docs (nope) VALUES (1)') as A.InsertStatement, ctx)).code).toBe('000904');
  });
});

/** The same user-based kNN as sql/recommend/user-knn.sql (packed by recommendations.sql), written directly in TypeScript. */
function referenceRecommendations(ratings: Array<[number, number, number]>, titles: Map<number, string>, k: number, topN: number, listed: Set<number>) {
  const byPair = new Map<string, number[]>();
  for (const [u, i, r] of ratings) {
    const key = `${u}:${i}`;
    byPair.set(key, [...(byPair.get(key) ?? []), r]);
  }
  const rating = new Map<number, Map<number, number>>();
  for (const [key, rs] of byPair) {
    const [u, i] = key.split(':').map(Number) as [number, number];
    if (!rating.has(u)) rating.set(u, new Map());
    rating.get(u)!.set(i, rs.reduce((a, b) => a + b, 0) / rs.length);
  }
  const users = [...rating.keys()].sort((a, b) => a - b);
  const norm = (u: number) => Math.sqrt([...rating.get(u)!.values()].reduce((a, r) => a + r * r, 0));
  const result = new Map<number, Array<{ movie_id: number; movie_name: string; movie_score: string }>>();
  for (const u of users.filter((id) => listed.has(id))) {
    const sims = users
      .filter((o) => o !== u)
      .map((o) => {
        let dot = 0;
        for (const [i, r] of rating.get(u)!) dot += r * (rating.get(o)!.get(i) ?? 0);
        return { o, sim: dot === 0 ? 0 : dot / (norm(u) * norm(o)) };
      })
      .sort((a, b) => b.sim - a.sim || a.o - b.o)
      .slice(0, k);
    const scores = new Map<number, number>();
    for (const { o } of sims) for (const [i, r] of rating.get(o)!) if (!rating.get(u)!.has(i)) scores.set(i, (scores.get(i) ?? 0) + r);
    const top = [...scores.entries()]
      .filter(([i]) => titles.has(i))
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, topN)
      .map(([i, s]) => ({ movie_id: i, movie_name: titles.get(i)!, movie_score: (Math.round(s * 100) / 100).toFixed(2) }));
    if (top.length) result.set(u, top);
  }
  return result;
}

describe("papi's recommendation SQL", () => {
  it('computes the same recommendations as a direct implementation', async () => {
    const ratings: Array<[number, number, number]> = [];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let u = 1; u <= 12; u++) for (let i = 1; i <= 15; i++) if (rand() < 0.45) ratings.push([u, i, 1 + Math.floor(rand() * 9) / 2]);
    ratings.push([1, 1, 5], [1, 1, 3]); // a repeated rating is averaged
    const titles = new Map(Array.from({ length: 15 }, (_, i) => [i + 1, `Movie "${i + 1}"`] as [number, string]));
    await table('P_RATINGS_TABLE', ['USER_ID NUMBER(38,0)', 'ITEM_ID NUMBER(38,0)', 'RATING FLOAT', 'TIMESTAMP TIMESTAMP_NTZ'], ratings.map(([u, i, r]) => [u, i, r, null]));
    await table('P_TITLES_TABLE', ['ITEM_ID NUMBER(38,0)', 'TITLE VARCHAR'], [...titles].map(([i, t]) => [i, t]));
    // recommendations are made for the users in "USER" only (user 12 rated but is not listed)
    const listed = new Set(Array.from({ length: 11 }, (_, i) => i + 1));
    await table('USER', ['ID NUMBER(38,0)'], [...listed].map((id) => [id]));
    // user-knn writes its top titles into a work table; recommendations.sql packs them per user.
    const ctas = (path: string) => {
      const file = papiSqlFiles().find(([p]) => p === path)!;
      return parseScript(file[1]).find((s): s is A.CreateTableStatement => s.kind === 'createTable')!;
    };
    const top = translateQuery(ctas('recommend/user-knn.sql').as!, ctx);
    expect(top.columns.map((c) => c.name)).toEqual(['USER_ID', 'ITEM_ID', 'SCORE', 'ITEM_RANK']);
    await db.run(`CREATE OR REPLACE TABLE ${quoteIdent('t_P_TOP_TABLE')} AS ${top.sql}`);
    tables.set('P_TOP_TABLE', { sql: quoteIdent('t_P_TOP_TABLE'), columns: top.columns });
    const t = translateQuery(ctas('recommend/recommendations.sql').as!, ctx);
    expect(t.columns.map((c) => c.name)).toEqual(['USER_ID', 'RECOMMENDATIONS']);
    const got = (await db.runAndReadAll(t.sql)).getRowObjectsJson() as Array<{ USER_ID: string; RECOMMENDATIONS: string }>;
    const expected = referenceRecommendations(ratings, titles, 3, 3, listed);
    expect(new Map(got.map((r) => [Number(r.USER_ID), JSON.parse(r.RECOMMENDATIONS)]))).toEqual(expected);
  });
});

describe("every query and DML statement of papi's sql/", () => {
  it('translates and runs on DuckDB against the tables papi creates', async () => {
    // evaluate/ reads the tables recommend/ writes: it runs last, as papi evaluate runs it after them.
    const files = papiSqlFiles().sort(([a], [b]) => Number(a.startsWith('evaluate/')) - Number(b.startsWith('evaluate/')));
    const scripts = files.map(([path, text]) => [path, parseScript(text)] as const);
    const create = (s: A.CreateTableStatement) =>
      table(s.name.parts[s.name.parts.length - 1]!.name, s.columns.map((c) => `${c.name.quoted ? `"${c.name.name}"` : c.name.name} ${c.type.name}${c.type.args.length ? `(${c.type.args.join(',')})` : ''}`));
    // every table first (setup/ comes after data/), then each file in order, re-creating as it does
    for (const [, statements] of scripts) for (const s of statements) if (s.kind === 'createTable' && s.columns.length) await create(s);
    let checked = 0;
    for (const [path, statements] of scripts) {
      for (const s of statements) {
        if (s.kind === 'createTable' && s.columns.length) await create(s);
        // A CREATE TABLE … AS without columns is made from its query, for the statements after it.
        if (s.kind === 'createTable' && !s.columns.length && s.as) {
          const name = s.name.parts[s.name.parts.length - 1]!.name;
          const t = translateQuery(s.as, ctx);
          await db.run(`CREATE OR REPLACE TABLE ${quoteIdent(`t_${name}`)} AS ${t.sql}`);
          tables.set(name, { sql: quoteIdent(`t_${name}`), columns: t.columns });
        }
        const bindCount = (JSON.stringify(s).match(/"kind":"bind"/g) ?? []).length;
        const binds = Array.from({ length: bindCount }, () => 'x');
        const sqls =
          // INFORMATION_SCHEMA functions read the catalog, which this test has none of (tasks.test.ts covers them).
          s.kind === 'select' && !JSON.stringify(s).includes('"system":true') && !JSON.stringify(s).includes('"INFORMATION_SCHEMA"')
            ? [translateQuery(s.query, ctx).sql]
            : s.kind === 'createTable' && s.as
              ? [translateQuery(s.as, ctx).sql]
              : s.kind === 'insert'
                ? translateInsert(s, ctx).statements
                : s.kind === 'update'
                  ? [translateUpdate(s, ctx).sql]
                  : s.kind === 'delete'
                    ? [translateDelete(s, ctx).sql]
                    : [];
        for (const sql of sqls) {
          await expect(db.run(sql, sqls.length === 1 ? (binds as never) : undefined), `${path}: ${sql}`).resolves.toBeDefined();
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(8);
  });
});

describe('assorted query shapes', () => {
  beforeEach(async () => {
    await table('E', ['ID NUMBER(38,0)', 'DEPT VARCHAR', 'SALARY NUMBER(38,2)', 'HIRED DATE'], [
      [1, 'a', '100.50', '2024-01-10'],
      [2, 'a', '200.00', '2024-02-20'],
      [3, 'b', '50.25', '2023-12-31'],
      [4, null, null, null],
    ]);
    await table('D', ['DEPT VARCHAR', 'TITLE VARCHAR'], [['a', 'Alpha'], ['b', 'Beta']]);
  });

  it('joins with USING, NATURAL, t.* and EXCLUDE', async () => {
    expect(await query('SELECT * FROM e JOIN d USING (dept) WHERE id = 1').then((r) => r.names)).toEqual(['ID', 'DEPT', 'SALARY', 'HIRED', 'TITLE']);
    expect(await rows('SELECT d.*, e.id FROM e NATURAL JOIN d ORDER BY e.id')).toEqual([
      ['a', 'Alpha', '1'],
      ['a', 'Alpha', '2'],
      ['b', 'Beta', '3'],
    ]);
    expect((await query('SELECT * EXCLUDE (salary, hired) FROM e WHERE id = 1')).names).toEqual(['ID', 'DEPT']);
    expect(await rows('SELECT DISTINCT e.dept FROM e ORDER BY e.dept DESC')).toEqual([[null], ['b'], ['a']]);
  });

  it('handles window frames, LAG, RANK, LISTAGG and HAVING', async () => {
    expect(
      await rows(`SELECT id, SUM(salary) OVER (PARTITION BY dept ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running,
                  LAG(id) OVER (ORDER BY id) AS prev, RANK() OVER (ORDER BY dept) AS r FROM e WHERE dept IS NOT NULL ORDER BY id`),
    ).toEqual([
      ['1', '100.50', null, '1'],
      ['2', '300.50', '1', '1'],
      ['3', '50.25', '2', '3'],
    ]);
    expect(await rows("SELECT dept, LISTAGG(id, '-') WITHIN GROUP (ORDER BY id DESC) FROM e GROUP BY dept HAVING COUNT(*) > 1")).toEqual([['a', '2-1']]);
    expect(await rows('SELECT dept, AVG(salary), COUNT(DISTINCT dept), MAX(hired) FROM e GROUP BY 1 ORDER BY 1 NULLS FIRST')).toEqual([
      [null, null, '0', null],
      ['a', '150.25000000', '1', '2024-02-20'],
      ['b', '50.25000000', '1', '2023-12-31'],
    ]);
  });

  it('handles nested set operations, VALUES, CTE column lists and LIMIT/OFFSET with binds', async () => {
    expect(await rows('(SELECT id FROM e WHERE id < 3 UNION SELECT id FROM e WHERE id > 3) EXCEPT SELECT 2 ORDER BY id DESC')).toEqual([['4'], ['1']]);
    expect(await rows('WITH c (x, y) AS (SELECT id, dept FROM e) SELECT y, x FROM c ORDER BY x LIMIT ? OFFSET ?', [2, 1])).toEqual([
      ['a', '2'],
      ['b', '3'],
    ]);
    expect(await rows('SELECT column1, column2 FROM (VALUES (1, \'x\'), (2, \'y\')) ORDER BY column1 DESC')).toEqual([
      [2, 'y'],
      [1, 'x'],
    ]);
    expect(await rows('SELECT v.a FROM (VALUES (1), (2)) AS v(a) WHERE v.a > 1')).toEqual([[2]]);
    expect(await rows('SELECT TOP 2 id FROM e ORDER BY id DESC')).toEqual([['4'], ['3']]);
  });

  it('does dates and big integer arithmetic like Snowflake', async () => {
    expect(await rows("SELECT DATE_TRUNC('month', hired), YEAR(hired), DATEADD(month, 1, hired), hired + 1 FROM e WHERE id = 2")).toEqual([['2024-02-01', '2024', '2024-03-20', '2024-02-21']]);
    expect(await rows('SELECT 1000000 * 1000000, 2147483647 + 1')).toEqual([['1000000000000', '2147483648']]);
    expect(await rows('SELECT GREATEST(1, 3, 2), GREATEST(1, NULL), LEAST(2, 1)')).toEqual([[3, null, 1]]);
    expect(await rows("SELECT TO_TIMESTAMP_NTZ('1705314600'), TO_TIMESTAMP(1705314600000), TO_TIMESTAMP_NTZ('2024-01-15 10:30:00')")).toEqual([
      ['2024-01-15 10:30:00', '2024-01-15 10:30:00', '2024-01-15 10:30:00'],
    ]);
    expect(await rows('SELECT COUNT(DISTINCT dept, salary > 60), COUNT(dept, salary) FROM e')).toEqual([['2', '3']]);
  });
});

describe('hooks for the executor', () => {
  it('reads staged files through resolveStage ($1, t.$2) and views given as subqueries', async () => {
    const stageCtx: TranslateContext = {
      ...ctx,
      resolveStage: (source) => {
        expect(source.stage.path).toBe('ratings/');
        return { sql: `(SELECT '7' AS "$1", '2.5' AS "$2")`, columns: [{ name: '$1', type: type('VARCHAR') }, { name: '$2', type: type('VARCHAR') }] };
      },
      resolveTable: () => ({ sql: '(SELECT 1 AS "A")', columns: [{ name: 'A', type: type('NUMBER(38,0)') }] }),
    };
    const copy = parse('COPY INTO t FROM (SELECT $1::NUMBER, t.$2::FLOAT FROM @s/ratings/ t)') as A.CopyIntoStatement;
    if (copy.source.kind !== 'query') throw new Error('expected a transform');
    const t = translateQuery(copy.source.query, stageCtx);
    expect(t.columns.map((c) => c.name)).toEqual(['$1::NUMBER', 'T.$2::FLOAT']);
    expect((await db.runAndReadAll(t.sql)).getRowObjectsJson()).toEqual([{ '$1::NUMBER': '7', 'T.$2::FLOAT': 2.5 }]);
    const view = translateQuery((parse('SELECT a + 1 AS b FROM v') as A.SelectStatement).query, stageCtx);
    expect((await db.runAndReadAll(view.sql)).getRowObjectsJson()).toEqual([{ B: '2' }]);
  });
});

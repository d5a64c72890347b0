// Parser tests: every statement kind, papi's own sql/ files and the tutorial's statements parse to the
// expected tree; syntax errors carry Snowflake's code, line and position; unsupported constructs are
// refused by name.
import { describe, expect, it } from 'vitest';
import { SqlError } from '../../errors.js';
import type * as A from './ast.js';
import { papiSqlFiles } from './papi-sql.js';
import { parse, parseScript, parseStageRef, parseTaskBody, splitStatements } from './parser.js';

const names = (n: A.ObjectName) => n.parts.map((p) => p.name);

function errorOf(sql: string): SqlError {
  try {
    parse(sql);
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error(`expected an error for: ${sql}`);
}

function as<K extends A.Statement['kind']>(sql: string, kind: K): Extract<A.Statement, { kind: K }> {
  const stmt = parse(sql);
  expect(stmt.kind).toBe(kind);
  return stmt as Extract<A.Statement, { kind: K }>;
}

/** The tutorial's statements (the quickstart this project grew from), re-typed as test cases. */
const TUTORIAL = [
  'USE ROLE ACCOUNTADMIN',
  'CREATE ROLE ML_MODEL_ROLE',
  'CREATE OR REPLACE DATABASE MOVIE_RECOMMENDER_DB',
  'CREATE OR REPLACE SCHEMA MOVIE_RECOMMENDER_SCHEMA',
  'GRANT ALL PRIVILEGES ON DATABASE MOVIE_RECOMMENDER_DB TO ROLE ML_MODEL_ROLE',
  'GRANT ALL PRIVILEGES ON SCHEMA MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA TO ROLE ML_MODEL_ROLE',
  'CREATE OR REPLACE STAGE MOVIE_STAGE DIRECTORY = (ENABLE = TRUE) ENCRYPTION = (TYPE = \'SNOWFLAKE_SSE\')',
  "PUT file://ma301_user_ratings.csv @MOVIE_STAGE AUTO_COMPRESS = FALSE OVERWRITE = TRUE",
  'CREATE OR REPLACE TABLE USER_RATINGS (USER_ID NUMBER, ITEM_ID NUMBER, RATING NUMBER, TIMESTAMP TIMESTAMP_NTZ)',
  "COPY INTO USER_RATINGS FROM @MOVIE_STAGE FILES = ('ma301_user_ratings.csv') FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1 FIELD_DELIMITER = ',' FIELD_OPTIONALLY_ENCLOSED_BY = '\"')",
  'CREATE OR REPLACE TABLE "USER" (ID NUMBER)',
  'CREATE OR REPLACE TABLE TITLE (ITEM_ID NUMBER, TITLE VARCHAR)',
  'DESC TABLE MOVIE_RECOMMENDATIONS',
  `SELECT t."user_id", TRIM(PARSE_JSON(f.value):"movie_name", '"') as MOVIE_RECOMMENDATION,
     TRY_TO_NUMBER(TRIM(PARSE_JSON(f.value):"movie_score", '"')) as RECOMMENDATION_SCORE
   FROM MOVIE_RECOMMENDATIONS t, TABLE(FLATTEN(t."recommendations")) f`,
  `SELECT t."user_id" as user_id, TRIM(PARSE_JSON(f.value):"movie_name", '"') as MOVIE_RECOMMENDATION,
     TRY_TO_NUMBER(TRIM(PARSE_JSON(f.value):"movie_score", '"')) as RECOMMENDATION_SCORE
   FROM MOVIE_RECOMMENDATIONS t, TABLE(FLATTEN(t."recommendations")) f
   QUALIFY ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY RECOMMENDATION_SCORE desc) = 1
   ORDER BY user_id asc`,
  'CREATE ROLE DATA_API_ROLE',
  'GRANT ROLE DATA_API_ROLE TO ROLE ACCOUNTADMIN',
  'CREATE DATABASE API',
  'CREATE SCHEMA API.DATA',
  'GRANT ALL ON DATABASE API TO ROLE DATA_API_ROLE',
  'GRANT ALL ON SCHEMA API.DATA TO ROLE DATA_API_ROLE',
  'GRANT USAGE ON WAREHOUSE DATA_API_WH TO ROLE DATA_API_ROLE',
  `CREATE OR REPLACE HYBRID TABLE API.DATA.HYBRID_MOVIE_RECOMMENDATIONS (
     USER_ID NUMBER(38,0) PRIMARY KEY, RECOMMENDATIONS VARIANT)
   AS SELECT "user_id", "recommendations" FROM MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.MOVIE_RECOMMENDATIONS`,
  'GRANT SELECT ON ALL TABLES IN SCHEMA API.DATA TO ROLE DATA_API_ROLE',
  'GRANT SELECT ON FUTURE TABLES IN SCHEMA API.DATA TO ROLE DATA_API_ROLE',
  'CREATE OR REPLACE IMAGE REPOSITORY API.PUBLIC.API',
  'GRANT READ ON IMAGE REPOSITORY API.PUBLIC.API TO ROLE DATA_API_ROLE',
  'SHOW IMAGE REPOSITORIES',
  'CREATE COMPUTE POOL API MIN_NODES = 1 MAX_NODES = 5 INSTANCE_FAMILY = CPU_X64_XS',
  'GRANT USAGE ON COMPUTE POOL API TO ROLE DATA_API_ROLE',
  'GRANT MONITOR ON COMPUTE POOL API TO ROLE DATA_API_ROLE',
  'GRANT BIND SERVICE ENDPOINT ON ACCOUNT TO ROLE DATA_API_ROLE',
  'USE ROLE DATA_API_ROLE',
  `CREATE SERVICE API.PUBLIC.API IN COMPUTE POOL API FROM SPECIFICATION $$
spec:
  containers:
  - name: api
    image: /api/public/api/dataapi:latest
  endpoints:
  - name: api
    port: 8001
    public: true
$$ QUERY_WAREHOUSE = DATA_API_WH`,
  "CALL SYSTEM$GET_SERVICE_STATUS('api')",
  "CALL SYSTEM$GET_SERVICE_LOGS('api.public.api', 0, 'api')",
  'SHOW ENDPOINTS IN SERVICE API',
  'SELECT USER_ID, RECOMMENDATIONS FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS WHERE USER_ID IN (?, ?)',
  'CREATE USER IF NOT EXISTS DATA_API_USER TYPE = SERVICE DEFAULT_ROLE = DATA_API_ROLE',
  "ALTER USER DATA_API_USER SET RSA_PUBLIC_KEY = 'MIIBIjANBgkq'",
  'GRANT ROLE DATA_API_ROLE TO USER DATA_API_USER',
  'GRANT SERVICE ROLE API.PUBLIC.API!ALL_ENDPOINTS_USAGE TO ROLE DATA_API_ROLE',
  'DROP SERVICE API.PUBLIC.API',
  'DROP COMPUTE POOL API',
  'DROP IMAGE REPOSITORY API.PUBLIC.API',
  'DROP DATABASE API',
  'DROP USER DATA_API_USER',
];

describe('papi and tutorial SQL', () => {
  it.each(papiSqlFiles())('parses every statement of sql/%s', (_, text) => {
    const statements = parseScript(text);
    expect(statements.length).toBeGreaterThan(0);
    expect(splitStatements(text)).toHaveLength(statements.length);
  });

  it.each(TUTORIAL.map((sql) => [sql.split('\n')[0]!.slice(0, 60), sql]))('parses the tutorial statement %s', (_, sql) => {
    expect(() => parse(sql)).not.toThrow();
  });
});

/** One example per statement kind; the Record type makes a new kind without an example a type error. */
const EXAMPLES: Record<A.StatementKind, string> = {
  select: 'SELECT 1',
  insert: 'INSERT INTO t VALUES (1)',
  insertAll: 'INSERT ALL INTO t INTO u (a) VALUES (x) SELECT 1 AS x',
  update: 'UPDATE t SET a = 1',
  delete: 'DELETE FROM t',
  truncate: 'TRUNCATE TABLE t',
  merge: 'MERGE INTO t USING s ON t.a = s.a WHEN MATCHED THEN DELETE',
  createTable: 'CREATE TABLE t (a INT)',
  createProcedure: "CREATE PROCEDURE p(x FLOAT) RETURNS FLOAT LANGUAGE JAVASCRIPT AS 'return X'",
  alterTable: 'ALTER TABLE t SWAP WITH u',
  createView: 'CREATE VIEW v AS SELECT 1',
  createDatabase: 'CREATE DATABASE d',
  createSchema: 'CREATE SCHEMA s',
  alterDatabase: 'ALTER DATABASE d SWAP WITH e',
  alterSchema: 'ALTER SCHEMA IF EXISTS s RENAME TO t',
  drop: 'DROP TABLE IF EXISTS t',
  undrop: 'UNDROP TABLE t',
  use: 'USE WAREHOUSE w',
  createRole: 'CREATE ROLE r',
  createUser: 'CREATE USER u',
  alterUser: 'ALTER USER u RENAME TO v',
  alterUserToken: 'ALTER USER ADD PAT t',
  createWarehouse: 'CREATE WAREHOUSE w',
  alterWarehouse: 'ALTER WAREHOUSE w ABORT ALL QUERIES',
  createStage: 'CREATE TEMPORARY STAGE s',
  alterStage: "ALTER STAGE s SET COMMENT = 'x'",
  createFileFormat: "CREATE FILE FORMAT f TYPE = CSV FIELD_DELIMITER = '|'",
  createImageRepository: 'CREATE IMAGE REPOSITORY r',
  createComputePool: 'CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 1 INSTANCE_FAMILY = CPU_X64_XS',
  createSecurityIntegration: 'CREATE SECURITY INTEGRATION IF NOT EXISTS SNOWSERVICES_INGRESS_OAUTH TYPE=oauth OAUTH_CLIENT=snowservices_ingress ENABLED=true',
  alterComputePool: 'ALTER COMPUTE POOL p SUSPEND',
  createService: "CREATE SERVICE s IN COMPUTE POOL p FROM @st SPECIFICATION_FILE = 'spec.yaml'",
  alterService: 'ALTER SERVICE s UNSET COMMENT',
  createTask: "CREATE TASK t WAREHOUSE = w SCHEDULE = '60 MINUTE' AS BEGIN SELECT 1; SELECT 2; END",
  alterTask: 'ALTER TASK t RESUME',
  executeTask: 'EXECUTE TASK t',
  grantPrivileges: 'GRANT USAGE ON DATABASE d TO ROLE r',
  revokePrivileges: 'REVOKE GRANT OPTION FOR USAGE ON DATABASE d FROM ROLE r CASCADE',
  grantRole: 'GRANT ROLE a TO ROLE b',
  revokeRole: 'REVOKE ROLE a FROM USER u',
  grantServiceRole: 'GRANT SERVICE ROLE s!ALL_ENDPOINTS_USAGE TO ROLE r',
  revokeServiceRole: 'REVOKE SERVICE ROLE s!ALL_ENDPOINTS_USAGE FROM ROLE r',
  grantOwnership: 'GRANT OWNERSHIP ON ALL TABLES IN SCHEMA s TO ROLE r',
  alterSession: 'ALTER SESSION SET TIMEZONE = \'UTC\'',
  show: 'SHOW WAREHOUSES',
  describe: 'DESC IMAGE REPOSITORY r',
  call: "CALL SYSTEM$GET_SERVICE_STATUS('s')",
  put: "PUT 'file:///tmp/a.csv' @s",
  get: "GET @s 'file:///tmp/'",
  list: 'LIST @s',
  remove: 'REMOVE @s',
  copyInto: 'COPY INTO t FROM @s',
  begin: 'BEGIN',
  commit: 'COMMIT',
  rollback: 'ROLLBACK',
  explain: 'EXPLAIN SELECT 1',
  comment: "COMMENT IF EXISTS ON COLUMN t.a IS 'x'",
};

describe('statement kinds', () => {
  it.each(Object.entries(EXAMPLES))('parses a %s statement', (kind, sql) => {
    expect(parse(sql).kind).toBe(kind);
  });
});

describe('names', () => {
  it('upper-cases unquoted identifiers and keeps quoted ones exactly, "" unescaped', () => {
    const s = as('SELECT a, "b", "x""y" FROM db.sch."My Table"', 'select');
    const sel = s.query.body as A.Select;
    expect(sel.items.map((i) => (i.expr as A.ColumnRef).parts[0])).toEqual([
      { name: 'A', quoted: false },
      { name: 'b', quoted: true },
      { name: 'x"y', quoted: true },
    ]);
    expect(names((sel.from[0] as A.TableRef).name)).toEqual(['DB', 'SCH', 'My Table']);
  });

  it('parses stage references of every form', () => {
    expect(parseStageRef('@s')).toMatchObject({ type: 'named', path: '' });
    expect(parseStageRef('@db.sch.s/ratings/')).toMatchObject({ type: 'named', path: 'ratings/', name: { parts: [{ name: 'DB' }, { name: 'SCH' }, { name: 'S' }] } });
    expect(parseStageRef('@"My Stage"/a/b.csv')).toMatchObject({ path: 'a/b.csv', name: { parts: [{ name: 'My Stage', quoted: true }] } });
    expect(parseStageRef('@~/x')).toMatchObject({ type: 'user', path: 'x' });
    expect(parseStageRef('@%t')).toMatchObject({ type: 'table', path: '', name: { parts: [{ name: 'T' }] } });
  });

  it('reads strings with doubled quotes, backslash escapes and $$ bodies', () => {
    const s = as("SELECT 'it''s', 'a\\nb', 'tab\\tq\\'', $$raw 'x' \\n$$", 'select');
    const values = (s.query.body as A.Select).items.map((i) => (i.expr as A.StringLiteral).value);
    expect(values).toEqual(["it's", 'a\nb', "tab\tq'", "raw 'x' \\n"]);
  });

  it('numbers ? binds in order and reads :N binds', () => {
    const s = as('SELECT * FROM t WHERE a = ? AND b = ? AND c = :1', 'select');
    const json = JSON.stringify(s);
    expect(json).toContain('"kind":"bind","index":1');
    expect(json).toContain('"kind":"bind","index":2');
  });
});

describe('queries', () => {
  it('parses the clauses of a select in order', () => {
    const s = as(
      `WITH x AS (SELECT 1 AS a) SELECT DISTINCT a, COUNT(*) AS n FROM x JOIN y USING (a) LEFT OUTER JOIN z ON z.a = x.a
       WHERE a BETWEEN 1 AND 3 AND b NOT IN (1, 2) AND c ILIKE 'x%' AND d IS NOT NULL
       GROUP BY a HAVING COUNT(*) > 1 QUALIFY ROW_NUMBER() OVER (PARTITION BY a ORDER BY n DESC NULLS LAST) = 1
       ORDER BY 1 LIMIT 10 OFFSET 5`,
      'select',
    );
    const q = s.query;
    expect(q.with?.ctes[0]?.name.name).toBe('X');
    expect(q.limit).toEqual({ kind: 'number', text: '10' });
    expect(q.offset).toEqual({ kind: 'number', text: '5' });
    const sel = q.body as A.Select;
    expect(sel.distinct).toBe(true);
    expect(sel.items[1]!.alias?.name).toBe('N');
    const join = sel.from[0] as A.JoinItem;
    expect(join.type).toBe('LEFT');
    expect((join.left as A.JoinItem).using?.[0]?.name).toBe('A');
    expect(sel.qualify?.kind).toBe('binary');
  });

  it('parses paths, casts, FLATTEN and ARRAY_AGG WITHIN GROUP', () => {
    const s = as(
      `SELECT f.value:"movie_name"::string AS name, recs:movie_id, v[0], v['k'].x,
              ARRAY_AGG(OBJECT_CONSTRUCT('a', 1)) WITHIN GROUP (ORDER BY b) AS arr
       FROM t, LATERAL FLATTEN(input => t.recs, outer => TRUE) f, TABLE(FLATTEN(t.other)) g`,
      'select',
    );
    const sel = s.query.body as A.Select;
    expect(sel.items[0]!.expr).toMatchObject({ kind: 'cast', style: '::', type: { name: 'STRING' }, operand: { kind: 'path', steps: [{ kind: 'field', name: 'movie_name' }] } });
    expect(sel.items[1]!.expr).toMatchObject({ kind: 'path', steps: [{ kind: 'field', name: 'movie_id' }] });
    expect(sel.items[1]!.text).toBe('recs:movie_id');
    expect(sel.items[3]!.expr).toMatchObject({ kind: 'path', steps: [{ kind: 'index' }, { kind: 'field', name: 'x' }] });
    expect(sel.items[4]!.expr).toMatchObject({ kind: 'function', name: 'ARRAY_AGG', withinGroup: [{ expr: { kind: 'column' } }] });
    expect(sel.from[1]).toMatchObject({ kind: 'tableFunction', name: 'FLATTEN', lateral: true, args: [{ name: 'INPUT' }, { name: 'OUTER' }] });
    expect(sel.from[2]).toMatchObject({ kind: 'tableFunction', name: 'FLATTEN', alias: { name: { name: 'G' } } });
  });

  it('parses UNION ALL, CASE, CAST, TRY_CAST, IFF and subqueries', () => {
    const s = as(
      `SELECT CASE WHEN a > 1 THEN 'x' ELSE 'y' END, CAST(a AS NUMBER(38,2)), TRY_CAST(b AS INT), IFF(a, 1, 2),
              (SELECT MAX(x) FROM u), EXISTS (SELECT 1 FROM u) FROM t
       UNION ALL SELECT 1, 2, 3, 4, 5, TRUE`,
      'select',
    );
    expect(s.query.body).toMatchObject({ kind: 'setOp', op: 'UNION', all: true });
    const left = (s.query.body as A.SetOperation).left as A.Select;
    expect(left.items[1]!.expr).toMatchObject({ kind: 'cast', style: 'CAST', type: { name: 'NUMBER', args: [38, 2] } });
    expect(left.items[4]!.expr.kind).toBe('subquery');
  });

  it('reads TOP n but keeps a column named TOP', () => {
    expect((as('SELECT TOP 5 a FROM t', 'select').query.body as A.Select).top).toEqual({ kind: 'number', text: '5' });
    const sel = as('SELECT top, x FROM t', 'select').query.body as A.Select;
    expect(sel.top).toBeUndefined();
    expect(sel.items).toHaveLength(2);
  });

  it('marks SYSTEM$ functions and keeps CURRENT_TIMESTAMP without parentheses', () => {
    const s = as("SELECT SYSTEM$WAIT_FOR_SERVICES(60, 'API.DATA.API'), CURRENT_TIMESTAMP, CURRENT_ROLE()", 'select');
    const items = (s.query.body as A.Select).items.map((i) => i.expr);
    expect(items[0]).toMatchObject({ kind: 'function', name: 'SYSTEM$WAIT_FOR_SERVICES', system: true });
    expect(items[1]).toMatchObject({ kind: 'function', name: 'CURRENT_TIMESTAMP', noParens: true });
    expect(items[2]).toMatchObject({ kind: 'function', name: 'CURRENT_ROLE', system: false });
  });
});

describe('DML', () => {
  it('parses INSERT VALUES, INSERT OVERWRITE … SELECT, UPDATE, DELETE, TRUNCATE, MERGE', () => {
    expect(as("INSERT INTO t (a, b) VALUES (1, 'x'), (2, ?)", 'insert')).toMatchObject({ overwrite: false, columns: [{ name: 'A' }, { name: 'B' }], source: { kind: 'values' } });
    expect(as('INSERT OVERWRITE INTO t SELECT * FROM u', 'insert')).toMatchObject({ overwrite: true, source: { kind: 'query' } });
    expect(as('INSERT INTO t (SELECT 1)', 'insert').columns).toBeUndefined();
    expect(as('UPDATE t SET a = 1, b = u.b FROM u WHERE t.id = u.id', 'update')).toMatchObject({ set: [{ column: { name: 'A' } }, { column: { name: 'B' } }] });
    expect(as('DELETE FROM t x USING u WHERE x.a = u.a', 'delete')).toMatchObject({ alias: { name: 'X' } });
    expect(as('TRUNCATE TABLE IF EXISTS t', 'truncate')).toMatchObject({ ifExists: true });
    expect(as('TRUNCATE t', 'truncate')).toMatchObject({ ifExists: false });
    const merge = as('MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v)', 'merge');
    expect(merge.matched[0]?.kind).toBe('update');
    expect(merge.notMatched[0]?.kind).toBe('insert');
  });
});

describe('DDL', () => {
  it('parses CREATE TABLE with every column and table option', () => {
    const t = as(
      `CREATE OR REPLACE HYBRID TABLE IF NOT EXISTS db.s.t (
         id NUMBER(38,0) NOT NULL PRIMARY KEY, name VARCHAR(100) DEFAULT 'x' COMMENT 'the name', v VARIANT,
         u INT UNIQUE, PRIMARY KEY (id), UNIQUE (name), INDEX idx_name (name) INCLUDE (v)
       ) COMMENT = 'hello'`,
      'createTable',
    );
    expect(t).toMatchObject({ orReplace: true, ifNotExists: true, tableType: 'HYBRID', comment: 'hello' });
    expect(t.columns[0]).toMatchObject({ name: { name: 'ID' }, type: { name: 'NUMBER', args: [38, 0] }, notNull: true, primaryKey: true });
    expect(t.columns[1]).toMatchObject({ default: { kind: 'string', value: 'x' }, comment: 'the name' });
    expect(t.constraints.map((c) => c.type)).toEqual(['PRIMARY KEY', 'UNIQUE']);
    expect(t.indexes[0]).toMatchObject({ name: { name: 'IDX_NAME' }, include: [{ name: 'V' }] });
    expect(as('CREATE TRANSIENT TABLE t AS SELECT 1 AS a', 'createTable')).toMatchObject({ tableType: 'TRANSIENT', columns: [], as: {} });
    expect(as('CREATE TEMPORARY TABLE t (a INT)', 'createTable').tableType).toBe('TEMPORARY');
    expect(as('CREATE TABLE t (a, b) AS SELECT 1, 2', 'createTable').columnNames?.map((c) => c.name)).toEqual(['A', 'B']);
  });

  it('parses ALTER TABLE actions', () => {
    expect(as('ALTER TABLE a SWAP WITH b', 'alterTable').action).toMatchObject({ kind: 'swapWith', target: { parts: [{ name: 'B' }] } });
    expect(as('ALTER TABLE IF EXISTS a RENAME TO b', 'alterTable')).toMatchObject({ ifExists: true, action: { kind: 'renameTo' } });
    expect(as('ALTER TABLE a ADD COLUMN c NUMBER DEFAULT 0', 'alterTable').action).toMatchObject({ kind: 'addColumns', columns: [{ name: { name: 'C' } }] });
    expect(as('ALTER TABLE a DROP COLUMN c', 'alterTable').action).toMatchObject({ kind: 'dropColumns' });
    expect(as('ALTER TABLE a RENAME COLUMN c TO d', 'alterTable').action).toMatchObject({ kind: 'renameColumn' });
  });

  it('parses databases, schemas, views and USE', () => {
    expect(as("CREATE OR REPLACE DATABASE d COMMENT = 'x'", 'createDatabase')).toMatchObject({ orReplace: true, comment: 'x' });
    expect(as('CREATE SCHEMA IF NOT EXISTS d.s', 'createSchema')).toMatchObject({ ifNotExists: true, name: { parts: [{ name: 'D' }, { name: 'S' }] } });
    expect(as('ALTER DATABASE d RENAME TO e', 'alterDatabase').action.kind).toBe('renameTo');
    expect(as("ALTER SCHEMA s SET COMMENT = 'c'", 'alterSchema').action.kind).toBe('set');
    expect(as('DROP SCHEMA IF EXISTS s CASCADE', 'drop')).toMatchObject({ objectType: 'SCHEMA', ifExists: true, cascade: true });
    const v = as('CREATE OR REPLACE SECURE VIEW v AS SELECT a FROM t', 'createView');
    expect(v).toMatchObject({ secure: true, queryText: 'SELECT a FROM t' });
    expect(as('USE ROLE r', 'use')).toMatchObject({ objectType: 'ROLE', name: { parts: [{ name: 'R' }] } });
    expect(as('USE d', 'use').objectType).toBe('DATABASE');
    expect(as('USE d.s', 'use').objectType).toBe('SCHEMA');
    expect(as('USE SCHEMA s', 'use').objectType).toBe('SCHEMA');
    expect(as('USE WAREHOUSE w', 'use').objectType).toBe('WAREHOUSE');
    expect(as('USE SECONDARY ROLES ALL', 'use').secondaryRoles).toEqual({ kind: 'ALL' });
  });

  it('parses roles, users and warehouses', () => {
    expect(as("CREATE OR REPLACE ROLE IF NOT EXISTS r COMMENT = 'x'", 'createRole')).toMatchObject({ ifNotExists: true, comment: 'x' });
    expect(as('DROP ROLE IF EXISTS r', 'drop').objectType).toBe('ROLE');
    const u = as(
      "CREATE USER u TYPE = SERVICE PASSWORD = 'p' LOGIN_NAME = 'u1' DEFAULT_ROLE = r DEFAULT_WAREHOUSE = w DEFAULT_NAMESPACE = api.data RSA_PUBLIC_KEY = 'k1' RSA_PUBLIC_KEY_2 = 'k2' DISABLED = FALSE COMMENT = 'c'",
      'createUser',
    );
    expect(u.properties.TYPE).toMatchObject({ kind: 'identifier', name: { parts: [{ name: 'SERVICE' }] } });
    expect(u.properties.DEFAULT_NAMESPACE).toMatchObject({ kind: 'identifier', name: { parts: [{ name: 'API' }, { name: 'DATA' }] } });
    expect(u.properties.DISABLED).toEqual({ kind: 'boolean', value: false });
    expect(u.properties.RSA_PUBLIC_KEY_2).toEqual({ kind: 'string', value: 'k2' });
    expect(as('ALTER USER u UNSET RSA_PUBLIC_KEY, RSA_PUBLIC_KEY_2', 'alterUser').action).toEqual({ kind: 'unset', names: ['RSA_PUBLIC_KEY', 'RSA_PUBLIC_KEY_2'] });
    expect(as('ALTER USER IF EXISTS u SET DEFAULT_ROLE = r', 'alterUser')).toMatchObject({ ifExists: true, action: { kind: 'set' } });
  });

  it('parses ALTER USER … ADD / REMOVE PROGRAMMATIC ACCESS TOKEN and SHOW USER PATS', () => {
    const add = as("ALTER USER IF EXISTS svc ADD PROGRAMMATIC ACCESS TOKEN IF NOT EXISTS demo ROLE_RESTRICTION = 'R' DAYS_TO_EXPIRY = 7 MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT = 5 COMMENT = 'c'", 'alterUserToken');
    expect(add).toMatchObject({ ifExists: true, user: { parts: [{ name: 'SVC' }] }, action: { kind: 'add', ifNotExists: true, token: { name: 'DEMO' } } });
    expect(add.action.kind === 'add' && Object.keys(add.action.properties)).toEqual(['ROLE_RESTRICTION', 'DAYS_TO_EXPIRY', 'MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT', 'COMMENT']);
    // Without a user name the statement is about the session's user.
    expect(as('ALTER USER ADD PAT t', 'alterUserToken')).toEqual({ kind: 'alterUserToken', ifExists: false, action: { kind: 'add', ifNotExists: false, token: { name: 'T', quoted: false }, properties: {} } });
    expect(as('ALTER USER u REMOVE PAT "t"', 'alterUserToken').action).toEqual({ kind: 'remove', token: { name: 't', quoted: true } });
    expect(as('ALTER USER REMOVE PROGRAMMATIC ACCESS TOKEN t', 'alterUserToken').user).toBeUndefined();
    expect(as('SHOW USER PATS', 'show')).toEqual({ kind: 'show', what: 'USER PROGRAMMATIC ACCESS TOKENS', terse: false });
    expect(as('SHOW USER PROGRAMMATIC ACCESS TOKENS FOR USER svc', 'show').in).toMatchObject({ objectType: 'USER', name: { parts: [{ name: 'SVC' }] } });
    expect(() => parse('ALTER USER u MODIFY PAT t RENAME TO v')).toThrow(/MODIFY/);
    const w = as('CREATE WAREHOUSE IF NOT EXISTS w WITH WAREHOUSE_SIZE = XSMALL AUTO_SUSPEND = 60 AUTO_RESUME = TRUE INITIALLY_SUSPENDED = TRUE', 'createWarehouse');
    expect(w.properties.AUTO_SUSPEND).toMatchObject({ kind: 'number', value: 60 });
    expect(as('ALTER WAREHOUSE w SUSPEND', 'alterWarehouse').action).toEqual({ kind: 'suspend' });
    expect(as('ALTER WAREHOUSE w RESUME IF SUSPENDED', 'alterWarehouse').action).toEqual({ kind: 'resume', ifSuspended: true });
    expect(as("ALTER WAREHOUSE w SET WAREHOUSE_SIZE = 'SMALL'", 'alterWarehouse').action.kind).toBe('set');
  });

  it('parses stages, image repositories, compute pools and services', () => {
    const st = as(
      "CREATE OR REPLACE STAGE IF NOT EXISTS s DIRECTORY = (ENABLE = TRUE) FILE_FORMAT = (TYPE = CSV NULL_IF = ('\\\\N', '')) ENCRYPTION = (TYPE = 'SNOWFLAKE_SSE') COMMENT = 'c'",
      'createStage',
    );
    expect(st.properties.DIRECTORY).toEqual({ kind: 'options', properties: { ENABLE: { kind: 'boolean', value: true } } });
    expect(st.properties.FILE_FORMAT).toMatchObject({ kind: 'options', properties: { NULL_IF: { kind: 'list', items: [{ value: '\\N' }, { value: '' }] } } });
    expect(as('DROP STAGE s', 'drop').objectType).toBe('STAGE');
    expect(as('CREATE IMAGE REPOSITORY IF NOT EXISTS a.b.r', 'createImageRepository').ifNotExists).toBe(true);
    const cp = as('CREATE COMPUTE POOL p MIN_NODES = 1 MAX_NODES = 2 INSTANCE_FAMILY = CPU_X64_XS AUTO_RESUME = TRUE INITIALLY_SUSPENDED = FALSE AUTO_SUSPEND_SECS = 3600', 'createComputePool');
    expect(Object.keys(cp.properties)).toEqual(['MIN_NODES', 'MAX_NODES', 'INSTANCE_FAMILY', 'AUTO_RESUME', 'INITIALLY_SUSPENDED', 'AUTO_SUSPEND_SECS']);
    expect(as('ALTER COMPUTE POOL p STOP ALL', 'alterComputePool').action).toEqual({ kind: 'stopAll' });
    expect(as('ALTER COMPUTE POOL p SET MAX_NODES = 3', 'alterComputePool').action.kind).toBe('set');
    const svc = as(
      'CREATE SERVICE IF NOT EXISTS api.data.api IN COMPUTE POOL p FROM SPECIFICATION $$spec: {}$$ AUTO_SUSPEND_SECS = 0 EXTERNAL_ACCESS_INTEGRATIONS = (ai) MIN_INSTANCES = 1 MIN_READY_INSTANCES = 1 MAX_INSTANCES = 2 LOG_LEVEL = INFO QUERY_WAREHOUSE = w AUTO_RESUME = TRUE COMMENT = \'c\'',
      'createService',
    );
    expect(svc.specification).toEqual({ kind: 'inline', text: 'spec: {}' });
    expect(svc.properties.EXTERNAL_ACCESS_INTEGRATIONS).toMatchObject({ kind: 'list', items: [{ kind: 'identifier' }] });
    expect(as('ALTER SERVICE s FROM SPECIFICATION $$x$$', 'alterService').action).toEqual({ kind: 'specification', specification: { kind: 'inline', text: 'x' } });
    expect(as('ALTER SERVICE IF EXISTS s SUSPEND', 'alterService').action).toEqual({ kind: 'suspend' });
    expect(as('ALTER SERVICE s RESUME', 'alterService').action).toEqual({ kind: 'resume' });
    expect(as('ALTER SERVICE s SET MIN_INSTANCES = 2', 'alterService').action.kind).toBe('set');
    expect(as('DROP SERVICE IF EXISTS s FORCE', 'drop')).toMatchObject({ objectType: 'SERVICE', force: true });
  });

  it('parses grants and revokes', () => {
    expect(as('GRANT USAGE, CREATE TABLE ON SCHEMA d.s TO ROLE r', 'grantPrivileges')).toMatchObject({ privileges: ['USAGE', 'CREATE TABLE'], on: { kind: 'object', objectType: 'SCHEMA' } });
    expect(as('GRANT BIND SERVICE ENDPOINT ON ACCOUNT TO ROLE r', 'grantPrivileges')).toMatchObject({ privileges: ['BIND SERVICE ENDPOINT'], on: { kind: 'account' } });
    expect(as('GRANT SELECT ON FUTURE TABLES IN SCHEMA s TO ROLE r', 'grantPrivileges').on).toMatchObject({ kind: 'future', pluralType: 'TABLES', in: { objectType: 'SCHEMA' } });
    expect(as('GRANT READ, WRITE ON STAGE s TO ROLE r', 'grantPrivileges').on).toMatchObject({ objectType: 'STAGE' });
    expect(as('GRANT USAGE ON COMPUTE POOL p TO ROLE r', 'grantPrivileges').on).toMatchObject({ objectType: 'COMPUTE POOL' });
    expect(as('GRANT SELECT ON VIEW v TO ROLE r WITH GRANT OPTION', 'grantPrivileges').withGrantOption).toBe(true);
    expect(as('REVOKE SELECT ON TABLE t FROM ROLE r', 'revokePrivileges').from.type).toBe('ROLE');
    expect(as('GRANT ROLE a TO USER u', 'grantRole').to).toMatchObject({ type: 'USER' });
    expect(as('REVOKE ROLE a FROM ROLE b', 'revokeRole').from).toMatchObject({ type: 'ROLE' });
    expect(as('GRANT SERVICE ROLE api.data.svc!ALL_ENDPOINTS_USAGE TO ROLE r', 'grantServiceRole')).toMatchObject({ serviceRole: { name: 'ALL_ENDPOINTS_USAGE' }, service: { parts: [{ name: 'API' }, { name: 'DATA' }, { name: 'SVC' }] } });
    expect(as('REVOKE SERVICE ROLE svc!ALL_ENDPOINTS_USAGE FROM ROLE r', 'revokeServiceRole').serviceRole.name).toBe('ALL_ENDPOINTS_USAGE');
    expect(as('GRANT OWNERSHIP ON TABLE t TO ROLE r COPY CURRENT GRANTS', 'grantOwnership').currentGrants).toBe('COPY');
    expect(as('GRANT OWNERSHIP ON SCHEMA s TO ROLE r REVOKE CURRENT GRANTS', 'grantOwnership').currentGrants).toBe('REVOKE');
  });

  it('parses ALTER SESSION, SHOW, DESCRIBE and CALL', () => {
    expect(as("ALTER SESSION SET QUERY_TAG = 'x' TIMEZONE = 'UTC'", 'alterSession').action).toMatchObject({ kind: 'set', properties: { QUERY_TAG: { value: 'x' }, TIMEZONE: { value: 'UTC' } } });
    expect(as('ALTER SESSION UNSET QUERY_TAG', 'alterSession').action).toEqual({ kind: 'unset', names: ['QUERY_TAG'] });
    for (const what of ['DATABASES', 'SCHEMAS', 'TABLES', 'HYBRID TABLES', 'VIEWS', 'COLUMNS', 'STAGES', 'ROLES', 'USERS', 'GRANTS', 'WAREHOUSES', 'COMPUTE POOLS', 'IMAGE REPOSITORIES', 'SERVICES', 'PARAMETERS'])
      expect(as(`SHOW ${what}`, 'show').what).toBe(what);
    expect(as("SHOW TERSE TABLES LIKE 'USER%' IN SCHEMA d.s STARTS WITH 'U' LIMIT 10", 'show')).toMatchObject({ terse: true, like: 'USER%', in: { objectType: 'SCHEMA' }, startsWith: 'U', limit: { rows: 10 } });
    expect(as('SHOW IMAGES IN IMAGE REPOSITORY a.b.r', 'show')).toMatchObject({ what: 'IMAGES', in: { objectType: 'IMAGE REPOSITORY' } });
    expect(as('SHOW SERVICE CONTAINERS IN SERVICE s', 'show')).toMatchObject({ what: 'SERVICE CONTAINERS', in: { objectType: 'SERVICE' } });
    expect(as('SHOW ENDPOINTS IN SERVICE s', 'show')).toMatchObject({ what: 'ENDPOINTS' });
    expect(as('SHOW SCHEMAS IN ACCOUNT', 'show').in).toEqual({ objectType: 'ACCOUNT' });
    expect(as('SHOW GRANTS TO ROLE r', 'show').grants).toMatchObject({ kind: 'to', grantee: { type: 'ROLE' } });
    expect(as('SHOW GRANTS TO USER u', 'show').grants).toMatchObject({ kind: 'to', grantee: { type: 'USER' } });
    expect(as('SHOW GRANTS ON TABLE t', 'show').grants).toMatchObject({ kind: 'on', target: { objectType: 'TABLE' } });
    expect(as('SHOW GRANTS OF ROLE r', 'show').grants).toMatchObject({ kind: 'of' });
    expect(as("SHOW PARAMETERS LIKE 'TIMEZONE' IN SESSION", 'show').in).toEqual({ objectType: 'SESSION' });
    for (const [sql, type] of [
      ['DESC TABLE t', 'TABLE'],
      ['DESCRIBE USER u', 'USER'],
      ['DESC SERVICE s', 'SERVICE'],
      ['DESCRIBE COMPUTE POOL p', 'COMPUTE POOL'],
      ['DESC STAGE s', 'STAGE'],
      ['DESC WAREHOUSE w', 'WAREHOUSE'],
      ['DESC DATABASE d', 'DATABASE'],
      ['DESC SCHEMA s', 'SCHEMA'],
      ['DESCRIBE t', 'TABLE'],
    ] as const)
      expect(as(sql, 'describe').objectType).toBe(type);
    expect(as("CALL SYSTEM$WAIT_FOR_SERVICES(30, 'a')", 'call').call).toMatchObject({ name: 'SYSTEM$WAIT_FOR_SERVICES', system: true, args: [{}, {}] });
  });

  it('parses PUT, GET, LIST, REMOVE and COPY INTO', () => {
    expect(as("PUT 'file:///tmp/a b.csv' @s/ratings/ AUTO_COMPRESS = FALSE OVERWRITE = TRUE SOURCE_COMPRESSION = NONE PARALLEL = 4", 'put')).toMatchObject({
      localPath: '/tmp/a b.csv',
      stage: { path: 'ratings/' },
      properties: { AUTO_COMPRESS: { value: false }, PARALLEL: { value: 4 } },
    });
    expect(as('PUT file:///tmp/x.csv @~', 'put')).toMatchObject({ localPath: '/tmp/x.csv', stage: { type: 'user' } });
    expect(as("GET @s/a.csv 'file:///tmp/out/'", 'get')).toMatchObject({ localPath: '/tmp/out/' });
    expect(as("LIST @s/ratings/ PATTERN = '.*csv'", 'list')).toMatchObject({ pattern: '.*csv' });
    expect(as('LS @%t', 'list').stage.type).toBe('table');
    expect(as("RM @s/x PATTERN = 'a.*'", 'remove')).toMatchObject({ pattern: 'a.*' });
    expect(as("REMOVE '@s/x y/'", 'remove').stage.path).toBe('x y/');
    const copy = as(
      "COPY INTO t (a, b) FROM @db.s.st/ratings/ FILES = ('a.csv', 'b.csv') PATTERN = '.*' FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = ',' SKIP_HEADER = 1 PARSE_HEADER = FALSE EMPTY_FIELD_AS_NULL = TRUE ERROR_ON_COLUMN_COUNT_MISMATCH = FALSE) MATCH_BY_COLUMN_NAME = NONE ON_ERROR = CONTINUE FORCE = TRUE PURGE = TRUE",
      'copyInto',
    );
    expect(copy.source).toMatchObject({ kind: 'stage', stage: { path: 'ratings/' } });
    expect(copy.properties.FILES).toMatchObject({ kind: 'list', items: [{ value: 'a.csv' }, { value: 'b.csv' }] });
    expect(copy.properties.FILE_FORMAT).toMatchObject({ kind: 'options', properties: { SKIP_HEADER: { value: 1 } } });
    const transform = as("COPY INTO t FROM (SELECT $1, t.$2 FROM @s t) FILE_FORMAT = (FORMAT_NAME = 'f')", 'copyInto');
    expect(transform.source.kind).toBe('query');
    expect(JSON.stringify(transform)).toContain('"kind":"positional","index":2');
  });

  it('parses transactions, EXPLAIN and COMMENT', () => {
    expect(parse('BEGIN').kind).toBe('begin');
    expect(parse('BEGIN TRANSACTION').kind).toBe('begin');
    expect(parse('START TRANSACTION').kind).toBe('begin');
    expect(parse('COMMIT').kind).toBe('commit');
    expect(parse('ROLLBACK WORK').kind).toBe('rollback');
    expect(as('EXPLAIN SELECT 1', 'explain').statement.kind).toBe('select');
    expect(as("COMMENT ON TABLE t IS 'x'", 'comment')).toMatchObject({ objectType: 'TABLE', comment: 'x' });
  });
});

describe('scripts', () => {
  it('splits on semicolons outside strings, comments and $$ bodies', () => {
    const script = "SELECT ';'; -- a ; comment\nCREATE SERVICE s IN COMPUTE POOL p FROM SPECIFICATION $$a; b$$; /* ; */ SELECT 2;";
    expect(parseScript(script).map((s) => s.kind)).toEqual(['select', 'createService', 'select']);
    expect(splitStatements(script).map((s) => s.text)).toEqual(["SELECT ';'", 'CREATE SERVICE s IN COMPUTE POOL p FROM SPECIFICATION $$a; b$$', 'SELECT 2']);
    expect(splitStatements("SELECT ?, '?'; SELECT ? + ?").map((s) => s.binds)).toEqual([1, 2]);
  });

  it('refuses several statements in parse()', () => {
    expect(errorOf('SELECT 1; SELECT 2').code).toBe('000008');
  });
});

describe('errors', () => {
  it('reports syntax errors like Snowflake, with line and position', () => {
    const e = errorOf('SELECT * FROM t WHERE FOO BAR BAZ');
    expect(e.code).toBe('001003');
    expect(e.sqlState).toBe('42000');
    expect(e.message).toBe("SQL compilation error:\nsyntax error line 1 at position 26 unexpected 'BAR'.");
    expect(errorOf('SELEC 1').message).toContain("line 1 at position 0 unexpected 'SELEC'");
    expect(errorOf('SELECT a\nFROM t\nWHERE )').message).toContain("line 3 at position 6 unexpected ')'");
    expect(errorOf('SELECT (1').message).toContain("unexpected '<EOF>'");
    expect(errorOf("SELECT 'abc").code).toBe('001003');
    expect(errorOf('CREATE TABLE ORDER (a INT)').message).toContain("unexpected 'ORDER'");
  });

  it('names unsupported constructs with 002040', () => {
    for (const [sql, feature] of [
      ['SELECT * FROM t LATERAL VIEW explode(x)', 'LATERAL VIEW'],
      ['SELECT * FROM t SAMPLE (10)', 'SAMPLE'],
      ['SELECT * FROM t PIVOT (SUM(a) FOR b IN (1))', 'PIVOT'],
      ['SELECT a::GEOGRAPHY FROM t', 'data type GEOGRAPHY'],
      ['CREATE TASK t AFTER u AS SELECT 1', 'CREATE TASK … AFTER'],
      ['SELECT * FROM TABLE(RESULT_SCAN(LAST_QUERY_ID()))', 'table function RESULT_SCAN'],
      ['INSERT FIRST WHEN a > 0 THEN INTO t SELECT 1 AS a', 'conditional multi-table INSERT'],
      ['SELECT a FROM t GROUP BY ROLLUP (a)', 'GROUP BY ROLLUP'],
      ['COPY INTO @s FROM t', 'COPY INTO <location>'],
      ['SET x = 1', 'session variables'],
    ] as const) {
      const e = errorOf(sql);
      expect(e.code, sql).toBe('002040');
      expect(e.sqlState).toBe('0A000');
      expect(e.message).toBe(`SQL compilation error:\nUnsupported feature '${feature}'.`);
    }
  });
});

// https://docs.snowflake.com/en/sql-reference/sql/create-task (the body: one statement or a Snowflake
// Scripting block) and https://docs.snowflake.com/en/developer-guide/snowflake-scripting/running-examples
describe('task bodies', () => {
  it('keeps an inline BEGIN … END block inside its CREATE TASK statement', () => {
    const sql = "CREATE TASK t WAREHOUSE = w SCHEDULE = '5 MINUTE' AS BEGIN INSERT INTO a SELECT 1; DELETE FROM b; END; SELECT 3";
    expect(splitStatements(sql).map((s) => s.text)).toEqual([
      "CREATE TASK t WAREHOUSE = w SCHEDULE = '5 MINUTE' AS BEGIN INSERT INTO a SELECT 1; DELETE FROM b; END",
      'SELECT 3',
    ]);
    const stmt = as(splitStatements(sql)[0]!.text, 'createTask');
    expect(stmt).toMatchObject({ schedule: '5 MINUTE', warehouse: { name: 'W' }, definition: 'BEGIN INSERT INTO a SELECT 1; DELETE FROM b; END' });
  });

  it('still splits BEGIN TRANSACTION and a BEGIN that is not a task body', () => {
    expect(splitStatements('BEGIN; SELECT 1; COMMIT')).toHaveLength(3);
  });

  it('reads a block, inline or in EXECUTE IMMEDIATE $$ … $$, as its statements in order', () => {
    const inline = parseTaskBody("BEGIN CREATE OR REPLACE TABLE a AS SELECT CASE WHEN 1 = 1 THEN 'x' END AS c; DROP TABLE IF EXISTS b; END");
    expect(inline.map((s) => s.text)).toEqual(["CREATE OR REPLACE TABLE a AS SELECT CASE WHEN 1 = 1 THEN 'x' END AS c", 'DROP TABLE IF EXISTS b']);
    const immediate = parseTaskBody('EXECUTE IMMEDIATE $$\nBEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\n$$');
    expect(immediate.map((s) => s.text)).toEqual(['SELECT 1', 'SELECT 2']);
    expect(parseTaskBody('INSERT INTO t VALUES (1)').map((s) => s.statement.kind)).toEqual(['insert']);
  });

  it.each([
    ['DECLARE x INT; BEGIN SELECT 1; END', 'DECLARE'],
    ['BEGIN LET x := 1; SELECT 1; END', 'LET'],
    ['BEGIN IF (TRUE) THEN SELECT 1; END IF; END', 'IF'],
    ['BEGIN FOR i IN 1 TO 3 DO SELECT 1; END FOR; END', 'FOR'],
    ['BEGIN SELECT 1; EXCEPTION WHEN OTHER THEN RETURN 1; END', 'EXCEPTION'],
    ['BEGIN BEGIN SELECT 1; END; END', 'BEGIN'],
    ['BEGIN x := 1; END', 'assignment'],
  ])('refuses the scripting construct in %s by name (002040)', (body, construct) => {
    expect(() => parseTaskBody(body)).toThrow(expect.objectContaining({ code: '002040', message: expect.stringContaining(construct) }));
  });

  it('refuses CREATE TASK properties it does not implement by name', () => {
    expect(() => parse("CREATE TASK t WAREHOUSE = w AFTER u AS SELECT 1")).toThrow(/Unsupported feature 'CREATE TASK … AFTER'/);
    expect(() => parse("CREATE TASK t WAREHOUSE = w SCHEDULE = '1 MINUTE' WHEN SYSTEM$STREAM_HAS_DATA('s') AS SELECT 1")).toThrow(/CREATE TASK … WHEN/);
  });
});

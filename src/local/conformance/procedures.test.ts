// Conformance: JavaScript stored procedures through the real snowflake-sdk.
//  - CREATE PROCEDURE (https://docs.snowflake.com/en/sql-reference/sql/create-procedure): LANGUAGE
//    JAVASCRIPT only, EXECUTE AS OWNER (default) | CALLER, a $$ or single-quoted body, overloads by
//    argument types (https://docs.snowflake.com/en/developer-guide/udf-stored-procedure-naming-conventions#overloading).
//  - CALL (https://docs.snowflake.com/en/sql-reference/sql/call): one row, one column named after the
//    procedure, the value converted to the RETURNS type; USAGE on the procedure.
//  - The JavaScript API (https://docs.snowflake.com/en/sql-reference/stored-procedures-api) and the
//    body's rules (https://docs.snowflake.com/en/developer-guide/stored-procedure/stored-procedures-javascript):
//    arguments as UPPER CASE variables, snowflake.execute / createStatement, Statement, ResultSet,
//    the SQL ↔ JavaScript type mapping, errors thrown by snowflake.execute (code, state, message,
//    stackTraceTxt) and caught in the body.
//  - DROP PROCEDURE (…/drop-procedure), SHOW PROCEDURES (…/show-procedures), DESCRIBE PROCEDURE
//    (…/desc-procedure), GRANT USAGE ON PROCEDURE name(types) (…/grant-privilege).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from '../../snowflake/driver.js';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: Connection;

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-procedures', { procedureMemoryMb: 64 });
  c = await connectAdmin(target.local);
  await c.execute('CREATE DATABASE P');
  await c.execute('CREATE SCHEMA P.S');
  await c.execute('USE SCHEMA P.S');
  await c.execute('CREATE WAREHOUSE PROC_WH');
  await c.execute('CREATE TABLE P.S.T (ID NUMBER, NAME VARCHAR, SCORE FLOAT, SEEN TIMESTAMP_NTZ, DOC VARIANT, OK BOOLEAN)');
  await c.execute(
    `INSERT INTO P.S.T SELECT 1, 'one', 1.5, '2024-01-15 10:30:00'::TIMESTAMP_NTZ, PARSE_JSON('{"a": [1, 2]}'), TRUE UNION ALL SELECT 2, 'two', 2.5, NULL, NULL, FALSE`,
  );
});

afterAll(async () => {
  await c?.close();
  await target?.close();
});

describe('CREATE PROCEDURE and CALL', () => {
  it('runs the docs example that returns a constant (stproc1 returns 3.1415926)', async () => {
    // https://docs.snowflake.com/en/developer-guide/stored-procedure/stored-procedures-javascript#basic-examples
    const [status] = await c.execute<{ status: string }>(`CREATE OR REPLACE PROCEDURE sp_pi()
      RETURNS FLOAT NOT NULL
      LANGUAGE JAVASCRIPT
      AS
      $$
      return 3.1415926;
      $$`);
    expect(status!.status).toBe('Function SP_PI successfully created.');
    expect(await c.execute('CALL sp_pi()')).toEqual([{ SP_PI: 3.1415926 }]);
  });

  it('reads a result set row by row (the docs read_result_set example)', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE read_result_set()
      RETURNS VARCHAR
      LANGUAGE JAVASCRIPT
      AS $$
        var my_sql_command = "SELECT ID, NAME FROM P.S.T ORDER BY ID";
        var statement1 = snowflake.createStatement( {sqlText: my_sql_command} );
        var result_set1 = statement1.execute();
        var out = [];
        while (result_set1.next())  {
          var column1 = result_set1.getColumnValue(1);
          var column2 = result_set1.getColumnValue(2);
          out.push(column1 + ':' + column2);
        }
        return out.join(',') + ' of ' + statement1.getRowCount() + ' rows, ' + statement1.getColumnCount() + ' columns; ' + statement1.getSqlText();
      $$`);
    expect(await c.execute('CALL read_result_set()')).toEqual([{ READ_RESULT_SET: '1:one,2:two of 2 rows, 2 columns; SELECT ID, NAME FROM P.S.T ORDER BY ID' }]);
  });

  it('reads a result larger than one transfer (300,000 cells) across the boundary, every row once', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE read_many() RETURNS VARIANT LANGUAGE JAVASCRIPT AS $$
      var rs = snowflake.execute({sqlText: 'SELECT SEQ4() AS I, SEQ4() * 2 AS J FROM TABLE(GENERATOR(ROWCOUNT => 150001)) ORDER BY I'});
      var n = 0, sum = 0, ordered = true, last = -1;
      while (rs.next()) {
        var i = rs.getColumnValue(1);
        if (i !== last + 1 || rs.getColumnValue('J') !== 2 * i) ordered = false;
        last = i; sum += i; n++;
      }
      return {n: n, sum: sum, ordered: ordered, rowCount: rs.getRowCount(), after: rs.next()};
    $$`);
    expect(await c.execute('CALL read_many()')).toEqual([{ READ_MANY: { n: 150001, sum: (150000 * 150001) / 2, ordered: true, rowCount: 150001, after: false } }]);
  });

  it('sees arguments as UPPER CASE variables and binds them into statements', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE name_of(id FLOAT, suffix VARCHAR)
      RETURNS VARCHAR
      LANGUAGE JAVASCRIPT
      AS $$
        var rs = snowflake.execute({sqlText: 'SELECT NAME FROM P.S.T WHERE ID = ?', binds: [ID]});
        if (!rs.next()) return null;
        return rs.getColumnValue('NAME') + SUFFIX + (typeof id);
      $$`);
    expect(await c.execute('CALL name_of(2, ?)', ['!'])).toEqual([{ NAME_OF: 'two!undefined' }]);
    expect(await c.execute('CALL name_of(?, ?)', [3, '?'])).toEqual([{ NAME_OF: null }]);
  });
});

describe('errors', () => {
  it('answers 100132 for an exception the body does not catch, naming the procedure and the line', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE boom()
      RETURNS VARCHAR
      LANGUAGE JAVASCRIPT
      AS $$
        var x = 1;
        throw new Error('it broke');
      $$`);
    const failure = await driverFailure(c.execute('CALL boom()'));
    expect(failure.code).toBe('100132');
    expect(failure.sqlState).toBe('P0000');
    expect(failure.message).toMatch(/^JavaScript execution error: Uncaught Error: it broke in BOOM at 'throw new Error\('it broke'\);' position \d+\nstackstrace: \nBOOM line: 3$/);
  });

  it('creates a body that does not compile, and fails its CALL with a JavaScript compilation error', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE no_compile() RETURNS VARCHAR LANGUAGE JAVASCRIPT AS $$
      var ok = 1;
      var x = ;
    $$`);
    const failure = await driverFailure(c.execute('CALL no_compile()'));
    expect([failure.code, failure.message]).toEqual(['100131', "JavaScript compilation error: Uncaught SyntaxError: Unexpected token ';' in NO_COMPILE at 'var x = ;'"]);
  });

  it('throws an SQL failure into the body as an exception with code, state and message, which it may catch', async () => {
    // https://docs.snowflake.com/en/developer-guide/stored-procedure/stored-procedures-javascript#catching-an-error-using-try-catch
    await c.execute(`CREATE OR REPLACE PROCEDURE broken_query()
      RETURNS VARCHAR
      LANGUAGE JAVASCRIPT
      AS $$
        try {
          snowflake.execute({sqlText: 'SELECT * FROM P.S.NO_SUCH_TABLE'});
          return 'Succeeded.';
        } catch (err) {
          return 'Failed: Code: ' + err.code + ' State: ' + err.state + ' Message: ' + err.message + ' Stack Trace: ' + err.stackTraceTxt;
        }
      $$`);
    const [row] = await c.execute<{ BROKEN_QUERY: string }>('CALL broken_query()');
    expect(row!.BROKEN_QUERY).toMatch(/^Failed: Code: 2003 State: 42S02 Message: SQL compilation error:\nObject 'P.S.NO_SUCH_TABLE' does not exist or not authorized\. Stack Trace: At Statement\.execute, line 3 position \d+$/);
  });

  it('answers 100183 for an SQL failure the body does not catch', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE uncaught_query()
      RETURNS VARCHAR
      LANGUAGE JAVASCRIPT
      AS $$
        snowflake.execute({sqlText: 'SELECT * FROM P.S.NO_SUCH_TABLE'});
      $$`);
    const failure = await driverFailure(c.execute('CALL uncaught_query()'));
    expect(failure.code).toBe('100183');
    expect(failure.message).toMatch(/^Execution error in store procedure UNCAUGHT_QUERY:\nSQL compilation error:\nObject 'P.S.NO_SUCH_TABLE' does not exist or not authorized\.\nAt Statement\.execute, line 2 position \d+$/);
  });

  it('refuses a CALL whose arguments fit no overload', async () => {
    const failure = await driverFailure(c.execute('CALL sp_pi(1)'));
    expect([failure.code, failure.message]).toEqual(['001044', "SQL compilation error:\nInvalid argument types for function 'SP_PI': (FIXED)"]);
  });

  it('answers 002141 for a procedure that does not exist', async () => {
    const failure = await driverFailure(c.execute('CALL no_such_proc(1)'));
    expect(failure.code).toBe('002141');
    expect(failure.message).toBe('SQL compilation error:\nUnknown user-defined function P.S.NO_SUCH_PROC.');
  });
});

describe('values both ways', () => {
  it('gives columns the JavaScript types the docs map SQL types to (NUMBER → number, TIMESTAMP → SfDate, VARIANT → object …)', async () => {
    // https://docs.snowflake.com/en/developer-guide/stored-procedure/stored-procedures-javascript#sql-and-javascript-data-type-mapping
    await c.execute(`CREATE OR REPLACE PROCEDURE types_of()
      RETURNS ARRAY
      LANGUAGE JAVASCRIPT
      AS $$
        var rs = snowflake.execute({sqlText: 'SELECT ID, NAME, SCORE, SEEN, DOC, OK FROM P.S.T WHERE ID = 1'});
        rs.next();
        var out = [];
        for (var i = 1; i <= rs.getColumnCount(); i++) {
          var v = rs.getColumnValue(i);
          out.push(typeof v + (v instanceof Date ? ':Date' : ''));
        }
        out.push(rs.getColumnValue(4).getEpochSeconds(), rs.getColumnValue('DOC').a[1], rs.DOC.a.length, rs.getColumnValueAsString(4), rs.getColumnValueAsString('OK'), rs.getColumnValueAsString(3));
        rs = snowflake.execute({sqlText: 'SELECT SEEN, DOC FROM P.S.T WHERE ID = 2'});
        rs.next();
        out.push(rs.getColumnValue(1), rs.getColumnValue(2), rs.getColumnValueAsString(1));
        return out;
      $$`);
    const [row] = await c.execute<{ TYPES_OF: unknown[] }>('CALL types_of()');
    expect(row!.TYPES_OF).toEqual(['number', 'string', 'number', 'object:Date', 'object', 'boolean', 1705314600, 2, 2, '2024-01-15 10:30:00.000', 'true', '1.5', null, null, '']);
  });

  it('converts the returned value to the RETURNS type', async () => {
    const cases: Array<[string, string, unknown]> = [
      ['VARCHAR', 'return 1.5;', '1.5'],
      ['VARCHAR', 'return true;', 'true'],
      ['NUMBER', 'return 2.6;', 3],
      ['NUMBER(10,2)', "return '2.555';", 2.56],
      ['FLOAT', "return '0.25';", 0.25],
      ['BOOLEAN', "return 'true';", true],
      ['VARIANT', 'return {a: [1, null, "x"]};', { a: [1, null, 'x'] }],
      ['VARIANT', "return 'text';", 'text'],
      ['ARRAY', 'return [1, 2];', [1, 2]],
      ['OBJECT', 'return {k: 1};', { k: 1 }],
      ['VARCHAR', 'return undefined;', null],
    ];
    for (const [returns, body, expected] of cases) {
      await c.execute(`CREATE OR REPLACE PROCEDURE ret() RETURNS ${returns} LANGUAGE JAVASCRIPT AS $$ ${body} $$`);
      const [row] = await c.execute<{ RET: unknown }>('CALL ret()');
      expect([returns, body, row!.RET]).toEqual([returns, body, expected]);
    }
    await c.execute(`CREATE OR REPLACE PROCEDURE ret() RETURNS VARCHAR NOT NULL LANGUAGE JAVASCRIPT AS $$ return null; $$`);
    expect((await driverFailure(c.execute('CALL ret()'))).message).toBe('NULL result in a non-nullable column');
  });

  it('takes a single-quoted body and arguments of every kind', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE args_of(n FLOAT, s VARCHAR, b BOOLEAN, v VARIANT, d DATE)
      RETURNS VARCHAR LANGUAGE JAVASCRIPT
      AS 'return [typeof N, N, S, typeof B, B, JSON.stringify(V), D instanceof Date, D.toISOString()].join(''|'');'`);
    const [row] = await c.execute<{ ARGS_OF: string }>(`CALL args_of(1.25, 'x', TRUE, PARSE_JSON('{"k": [1]}'), '2024-02-29')`);
    expect(row!.ARGS_OF).toBe('number|1.25|x|boolean|true|{"k":[1]}|true|2024-02-29T00:00:00.000Z');
  });

  it('runs the Node driver test of binds through a procedure (a VARIANT argument holding a string)', async () => {
    // snowflake-connector-nodejs test/integration/testStatement.js, TEST_SP_CALL_STMT_ENABLED
    await c.execute(`create or replace procedure
TEST_SP_CALL_STMT_ENABLED(in1 float, in2 variant)
returns string language javascript as $$
let res = snowflake.execute({sqlText: 'select ? c1, ? c2', binds:[IN1, JSON.stringify(IN2)]});
res.next();
return res.getColumnValueAsString(1) + ' ' + res.getColumnValueAsString(2) + ' ' + IN2;
$$;`);
    expect(await c.execute('call TEST_SP_CALL_STMT_ENABLED(?, to_variant(?))', [1, '[2,3]'])).toEqual([{ TEST_SP_CALL_STMT_ENABLED: '1 "[2,3]" [2,3]' }]);
    await c.execute('drop procedure if exists TEST_SP_CALL_STMT_ENABLED(float, variant)');
  });

  it('refuses to bind a value of a type the docs do not map (an object)', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE bad_bind() RETURNS VARCHAR LANGUAGE JAVASCRIPT AS $$
      try { snowflake.execute({sqlText: 'SELECT ?', binds: [{a: 1}]}); return 'bound'; } catch (e) { return e.message; }
    $$`);
    const [row] = await c.execute<{ BAD_BIND: string }>('CALL bad_bind()');
    expect(row!.BAD_BIND).toMatch(/^Invalid binds argument/);
  });
});

describe('statements in the caller\'s session', () => {
  it('commits what the body writes: the caller sees the rows, DDL included, even when the body fails afterwards', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE fill(n FLOAT, fail BOOLEAN)
      RETURNS FLOAT LANGUAGE JAVASCRIPT AS $$
        snowflake.execute({sqlText: 'CREATE TABLE IF NOT EXISTS P.S.FILLED (I NUMBER)'});
        var st = snowflake.createStatement({sqlText: 'INSERT INTO P.S.FILLED SELECT ?', binds: [N]});
        st.execute();
        if (FAIL) throw new Error('after the insert');
        return st.getNumRowsInserted();
      $$`);
    expect(await c.execute('CALL fill(7, FALSE)')).toEqual([{ FILL: 1 }]);
    expect((await driverFailure(c.execute('CALL fill(8, TRUE)'))).code).toBe('100132');
    expect(await c.execute('SELECT I FROM P.S.FILLED ORDER BY I')).toEqual([{ I: 7 }, { I: 8 }]);
  });

  it('writes many rows with one bound JSON text (PARSE_JSON + FLATTEN) and calls another procedure', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE save_scores(n FLOAT) RETURNS VARCHAR LANGUAGE JAVASCRIPT AS $$
      var rows = [];
      for (var i = 0; i < N; i++) rows.push({u: i, s: i / 2});
      snowflake.execute({sqlText: 'CREATE OR REPLACE TABLE P.S.SCORES (U NUMBER, S FLOAT)'});
      var st = snowflake.execute({sqlText: 'INSERT INTO P.S.SCORES SELECT value:u::NUMBER, value:s::FLOAT FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?)))', binds: [JSON.stringify(rows)]});
      st.next();
      var pi = snowflake.execute({sqlText: 'CALL sp_pi()'});
      pi.next();
      return 'saved ' + st.getColumnValue(1) + ', pi ' + pi.getColumnValue('SP_PI');
    $$`);
    expect(await c.execute('CALL save_scores(20000)')).toEqual([{ SAVE_SCORES: 'saved 20000, pi 3.1415926' }]);
    expect(await c.execute('SELECT COUNT(*) AS N, SUM(S) AS S FROM P.S.SCORES')).toEqual([{ N: 20000, S: 99995000 }]);
  });

  it('runs a caller\'s rights body in the caller\'s session: a USE inside stays after the CALL', async () => {
    await c.execute('CREATE SCHEMA IF NOT EXISTS P.OTHER');
    await c.execute('USE SCHEMA P.S');
    await c.execute(`CREATE OR REPLACE PROCEDURE P.S.move_on() RETURNS VARCHAR LANGUAGE JAVASCRIPT EXECUTE AS CALLER AS $$
      snowflake.execute({sqlText: 'USE SCHEMA P.OTHER'});
      var rs = snowflake.execute({sqlText: 'SELECT CURRENT_SCHEMA()'}); rs.next(); return rs.getColumnValue(1);
    $$`);
    expect(await c.execute('CALL move_on()')).toEqual([{ MOVE_ON: 'OTHER' }]);
    expect(await c.execute('SELECT CURRENT_SCHEMA() AS S')).toEqual([{ S: 'OTHER' }]);
    await c.execute('USE SCHEMA P.S');
  });

  it('offers no require, no process, and no way out of the sandbox through the API objects', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE sandbox() RETURNS VARCHAR LANGUAGE JAVASCRIPT AS $$
      var escaped;
      try { escaped = snowflake.createStatement.constructor('return typeof process')(); } catch (e) { escaped = 'threw'; }
      return [typeof require, typeof process, typeof globalThis.snowflake, escaped, this.constructor.constructor('return typeof process')()].join(',');
    $$`);
    expect(await c.execute('CALL sandbox()')).toEqual([{ SANDBOX: 'undefined,undefined,object,undefined,undefined' }]);
  });

  it('stops a body that uses more memory than a procedure may (100176)', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE hog() RETURNS VARCHAR LANGUAGE JAVASCRIPT AS $$
      var keep = [];
      for (;;) keep.push(new Array(100000).fill(Math.random()));
    $$`);
    const failure = await driverFailure(c.execute('CALL hog()'));
    expect(failure.code).toBe('100176');
    expect(failure.message).toMatch(/^JavaScript out of memory error/);
    // papi local carries on.
    expect(await c.execute('CALL sp_pi()')).toEqual([{ SP_PI: 3.1415926 }]);
  });
});

describe('DDL around procedures', () => {
  it('refuses every language but JavaScript by name (002040)', async () => {
    const python = await driverFailure(
      c.execute(`CREATE PROCEDURE py() RETURNS VARCHAR LANGUAGE PYTHON RUNTIME_VERSION = '3.11' PACKAGES = ('snowflake-snowpark-python') HANDLER = 'run' AS $$
def run(session):
  return 'x'
$$`),
    );
    expect([python.code, python.message]).toEqual(['002040', "SQL compilation error:\nUnsupported feature 'CREATE PROCEDURE … LANGUAGE PYTHON'."]);
    for (const [language, named] of [['JAVA', 'JAVA'], ['SCALA', 'SCALA'], ['SQL', 'SQL (Snowflake Scripting)']]) {
      const failure = await driverFailure(c.execute(`CREATE PROCEDURE other() RETURNS VARCHAR LANGUAGE ${language} AS 'x'`));
      expect([failure.code, failure.message]).toEqual(['002040', `SQL compilation error:\nUnsupported feature 'CREATE PROCEDURE … LANGUAGE ${named}'.`]);
    }
    // No LANGUAGE: Snowflake Scripting.
    expect((await driverFailure(c.execute(`CREATE PROCEDURE other() RETURNS VARCHAR AS 'BEGIN RETURN 1; END'`))).message).toContain('LANGUAGE SQL (Snowflake Scripting)');
  });

  it('keeps overloads apart, picks one by its argument types, drops one by its signature and shows them', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE ov(x FLOAT) RETURNS VARCHAR LANGUAGE JAVASCRIPT AS $$ return 'float ' + X; $$`);
    await c.execute(`CREATE OR REPLACE PROCEDURE ov(x VARCHAR) RETURNS VARCHAR LANGUAGE JAVASCRIPT COMMENT = 'text one' AS $$ return 'text ' + X; $$`);
    expect(await c.execute('CALL ov(1)')).toEqual([{ OV: 'float 1' }]);
    expect(await c.execute("CALL ov('a')")).toEqual([{ OV: 'text a' }]);
    const shown = await c.execute<Record<string, unknown>>("SHOW PROCEDURES LIKE 'OV'");
    expect(shown.map((r) => [r.name, r.arguments, r.description, r.min_num_arguments, r.schema_name, r.catalog_name, r.is_builtin])).toEqual([
      ['OV', 'OV(FLOAT) RETURN VARCHAR', 'user-defined procedure', 1, 'S', 'P', 'N'],
      ['OV', 'OV(VARCHAR) RETURN VARCHAR', 'text one', 1, 'S', 'P', 'N'],
    ]);
    const described = await c.execute<{ property: string; value: string }>('DESCRIBE PROCEDURE ov(VARCHAR)');
    expect(Object.fromEntries(described.map((r) => [r.property, r.value]))).toMatchObject({ signature: '(X VARCHAR)', returns: 'VARCHAR(16777216)', language: 'JAVASCRIPT', 'execute as': 'OWNER' });
    expect(await c.execute('DROP PROCEDURE ov(FLOAT)')).toEqual([{ status: 'OV successfully dropped.' }]);
    expect(await c.execute('CALL ov(1)')).toEqual([{ OV: 'text 1' }]);
    const again = await driverFailure(c.execute('DROP PROCEDURE ov(FLOAT)'));
    expect([again.code, again.message]).toEqual(['002003', "SQL compilation error:\nProcedure 'P.S.OV(FLOAT)' does not exist or not authorized."]);
    expect(await c.execute('DROP PROCEDURE IF EXISTS ov(FLOAT)')).toEqual([{ status: 'Drop statement executed successfully (OV(FLOAT) already dropped).' }]);
    expect(await c.execute(`CREATE PROCEDURE IF NOT EXISTS ov(x VARCHAR) RETURNS VARCHAR LANGUAGE JAVASCRIPT AS $$ return 'new'; $$`)).toEqual([{ status: 'OV already exists, statement succeeded.' }]);
    expect((await driverFailure(c.execute(`CREATE PROCEDURE ov(x VARCHAR) RETURNS VARCHAR LANGUAGE JAVASCRIPT AS $$ return 'new'; $$`))).code).toBe('002002');
  });

  it('needs CREATE PROCEDURE on the schema to create and USAGE on the procedure to call; owner\'s rights read what the caller cannot', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE count_t() RETURNS FLOAT LANGUAGE JAVASCRIPT AS $$
      var rs = snowflake.execute({sqlText: 'SELECT COUNT(*) FROM T'}); rs.next(); return rs.getColumnValue(1);
    $$`);
    await c.execute(`CREATE OR REPLACE PROCEDURE count_t_as_caller() RETURNS FLOAT LANGUAGE JAVASCRIPT EXECUTE AS CALLER AS $$
      var rs = snowflake.execute({sqlText: 'SELECT COUNT(*) FROM P.S.T'}); rs.next(); return rs.getColumnValue(1);
    $$`);
    for (const sql of [
      'CREATE ROLE CALLER_ROLE',
      'GRANT USAGE ON DATABASE P TO ROLE CALLER_ROLE',
      'GRANT USAGE ON SCHEMA P.S TO ROLE CALLER_ROLE',
      'GRANT USAGE ON WAREHOUSE PROC_WH TO ROLE CALLER_ROLE',
      "CREATE USER CALLER_USER PASSWORD = 'caller-pw-123' DEFAULT_ROLE = CALLER_ROLE DEFAULT_WAREHOUSE = PROC_WH DEFAULT_NAMESPACE = P.S",
      'GRANT ROLE CALLER_ROLE TO USER CALLER_USER',
    ])
      await c.execute(sql);
    const caller = await connect({ account: target.local.account, accessUrl: target.local.accessUrl, user: 'CALLER_USER', password: 'caller-pw-123' });
    try {
      const denied = await driverFailure(caller.execute(`CREATE PROCEDURE mine() RETURNS VARCHAR LANGUAGE JAVASCRIPT AS $$ return 1; $$`));
      expect([denied.code, denied.message]).toEqual(['003001', "SQL access control error:\nInsufficient privileges to operate on schema 'P.S'."]);
      // Without a grant the procedure is invisible to the role.
      expect((await driverFailure(caller.execute('CALL count_t()'))).code).toBe('002141');
      await c.execute('GRANT USAGE ON PROCEDURE P.S.count_t() TO ROLE CALLER_ROLE');
      await c.execute('GRANT USAGE ON PROCEDURE P.S.count_t_as_caller() TO ROLE CALLER_ROLE');
      // Owner's rights: the body reads T as the owner, in the procedure's schema.
      expect(await caller.execute('CALL count_t()')).toEqual([{ COUNT_T: 2 }]);
      // Caller's rights: the body has the caller's privileges, and the caller cannot read T.
      const failure = await driverFailure(caller.execute('CALL count_t_as_caller()'));
      expect(failure.code).toBe('100183');
      expect(failure.message).toContain("Object 'P.S.T' does not exist or not authorized.");
      const grants = await c.execute<{ privilege: string; granted_on: string; name: string }>('SHOW GRANTS ON PROCEDURE P.S.count_t()');
      expect(grants.map((g) => [g.privilege, g.granted_on, g.name])).toContainEqual(['USAGE', 'PROCEDURE', 'P.S.COUNT_T()']);
    } finally {
      await caller.close();
    }
  });

  it('grants USAGE on all procedures of a schema, and on future ones; refuses ALL of a kind it does not gather', async () => {
    // https://docs.snowflake.com/en/sql-reference/sql/grant-privilege: ON ALL | FUTURE PROCEDURES IN SCHEMA
    await c.execute('CREATE ROLE ALL_ROLE');
    await c.execute('GRANT USAGE ON ALL PROCEDURES IN SCHEMA P.S TO ROLE ALL_ROLE');
    const granted = await c.execute<{ granted_on: string; name: string }>('SHOW GRANTS TO ROLE ALL_ROLE');
    expect(granted.filter((g) => g.granted_on === 'PROCEDURE').map((g) => g.name)).toContain('P.S.SP_PI()');
    await c.execute('GRANT USAGE ON FUTURE PROCEDURES IN SCHEMA P.S TO ROLE ALL_ROLE');
    await c.execute(`CREATE PROCEDURE P.S.LATER() RETURNS FLOAT LANGUAGE JAVASCRIPT AS $$ return 1; $$`);
    const later = await c.execute<{ privilege: string; grantee_name: string }>('SHOW GRANTS ON PROCEDURE P.S.LATER()');
    expect(later.map((g) => [g.privilege, g.grantee_name])).toContainEqual(['USAGE', 'ALL_ROLE']);
    const refused = await driverFailure(c.execute('GRANT USAGE ON ALL FUNCTIONS IN SCHEMA P.S TO ROLE ALL_ROLE'));
    expect([refused.code, refused.message]).toEqual(['002040', 'SQL compilation error:\nGRANT … ON ALL FUNCTIONS is not supported by papi local.']);
  });

  it('keeps procedures across a restart, and stops a body that loops forever when papi local stops', async () => {
    await c.execute(`CREATE OR REPLACE PROCEDURE forever() RETURNS VARCHAR LANGUAGE JAVASCRIPT AS $$ for (;;) {} $$`);
    // On its own connection: the driver retries a request cut short for minutes, so nothing waits for it.
    const loop = await connectAdmin(target.local, { database: 'P', schema: 'S' });
    void loop.execute('CALL forever()').catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500)); // let the CALL start (a stop before it starts ends it too)
    // The test is that this returns: a body that never ends does not hold papi local's stop.
    await target.restart();
    await c.close().catch(() => undefined);
    c = await connectAdmin(target.local);
    await c.execute('USE SCHEMA P.S');
    expect(await c.execute('CALL sp_pi()')).toEqual([{ SP_PI: 3.1415926 }]);
  });
});

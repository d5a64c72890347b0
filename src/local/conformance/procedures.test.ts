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
import type { Connection } from '../../snowflake/driver.js';
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

  it('answers 002141 for a procedure that does not exist', async () => {
    const failure = await driverFailure(c.execute('CALL no_such_proc(1)'));
    expect(failure.code).toBe('002141');
    expect(failure.message).toBe('SQL compilation error:\nUnknown user-defined function P.S.NO_SUCH_PROC.');
  });
});

// Conformance: JSON as Snowflake reads it.
//   PARSE_JSON accepts object keys without quotes and strings in single quotes, and keeps numbers
//   exactly (https://docs.snowflake.com/en/sql-reference/functions/parse_json); values JSON cannot
//   hold (NaN, Infinity, undefined) are refused by name (002040), never stored as something else.
//   COPY INTO a one-VARIANT-column table loads JSON files (TYPE = JSON, STRIP_OUTER_ARRAY), through a
//   stage whose FILE_FORMAT names a file format
//   (https://docs.snowflake.com/en/sql-reference/sql/create-file-format,
//   https://docs.snowflake.com/en/sql-reference/sql/create-stage); a table of other columns is refused
//   with Snowflake's 002023.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../snowflake/driver.js';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: Connection;

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-json');
  c = await connectAdmin(target.local);
  for (const sql of ['CREATE DATABASE J', 'CREATE SCHEMA J.S', 'CREATE WAREHOUSE J_WH', 'USE WAREHOUSE J_WH', 'USE SCHEMA J.S']) await c.execute(sql);
});

afterAll(async () => {
  await c?.close();
  await target?.close();
});

describe('PARSE_JSON', () => {
  it('reads keys without quotes and single-quoted strings, numbers exactly', async () => {
    const [row] = await c.execute<{ V: string }>(
      "SELECT TO_VARCHAR(PARSE_JSON('{a : 1 , b :[1 , 2.50 , 12345678901234567890], c : {\\'d\\' : \\'x\\'}}')) AS V",
    );
    expect(JSON.parse(row!.V)).toEqual({ a: 1, b: [1, 2.5, 12345678901234567890], c: { d: 'x' } });
    expect(row!.V).toContain('12345678901234567890');
  });

  it('refuses NaN, Infinity and undefined by name; TRY_PARSE_JSON gives NULL for bad text', async () => {
    const refused = await driverFailure(c.execute("SELECT PARSE_JSON('[1, -Infinity]') AS V"));
    expect([refused.code, refused.message]).toEqual(['002040', expect.stringContaining('-Infinity')]);
    expect(await c.execute("SELECT TRY_PARSE_JSON('{a: }') AS V")).toEqual([{ V: null }]);
    expect((await driverFailure(c.execute("SELECT PARSE_JSON('{a: }') AS V"))).code).toBe('100069');
  });
});

describe('COPY INTO from JSON files', () => {
  it('loads one row per value through a stage whose FILE_FORMAT names a JSON format', async () => {
    await c.execute('CREATE FILE FORMAT JF TYPE = JSON');
    await c.execute('CREATE STAGE JS FILE_FORMAT = JF');
    await c.execute('CREATE TABLE DOCS (V VARIANT)');
    const file = path.join(target.scratch, 'docs.json');
    writeFileSync(file, '{name: "one", n: 1}\n{"name": "two", "n": 2}\n');
    await c.execute(`PUT file://${file} @JS AUTO_COMPRESS = FALSE`);
    const [load] = await c.execute('COPY INTO DOCS FROM @JS');
    expect(load).toMatchObject({ status: 'LOADED', rows_loaded: 2 });
    expect(await c.execute('SELECT V:name::VARCHAR AS NAME, V:n::NUMBER AS N FROM DOCS ORDER BY N')).toEqual([
      { NAME: 'one', N: 1 },
      { NAME: 'two', N: 2 },
    ]);
  });

  it('STRIP_OUTER_ARRAY makes each element a row', async () => {
    const file = path.join(target.scratch, 'array.json');
    writeFileSync(file, '[{"n": 3}, {"n": 4}]');
    await c.execute(`PUT file://${file} @JS AUTO_COMPRESS = FALSE`);
    await c.execute("COPY INTO DOCS FROM @JS FILES = ('array.json') FILE_FORMAT = (TYPE = JSON STRIP_OUTER_ARRAY = TRUE)");
    expect(await c.execute('SELECT V:n::NUMBER AS N FROM DOCS WHERE V:n > 2 ORDER BY N')).toEqual([{ N: 3 }, { N: 4 }]);
  });

  it('refuses a table that is not one VARIANT column (002023)', async () => {
    await c.execute('CREATE TABLE WIDE (A VARCHAR, B VARCHAR)');
    expect((await driverFailure(c.execute('COPY INTO WIDE FROM @JS'))).code).toBe('002023');
  });
});

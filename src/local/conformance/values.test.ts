// Conformance: values read back through the real snowflake-sdk are the values Snowflake would give —
// never a near miss. Each case here was a silent wrong answer found by the Node driver's own tests.
//   Timestamps before 1970 with fractions: the driver reads the wire value as one decimal number of
//   epoch seconds (https://docs.snowflake.com/en/sql-reference/data-types-datetime).
//   Text to BINARY: with the default BINARY_INPUT_FORMAT (HEX) 'ffff00' is three bytes, in literals,
//   binds and array binds, and BINARY prints as upper-case hex (BINARY_OUTPUT_FORMAT)
//   (https://docs.snowflake.com/en/sql-reference/binary-input-output); LENGTH of BINARY counts bytes
//   (https://docs.snowflake.com/en/sql-reference/functions/length).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BindValue, Connection } from '../../snowflake/driver.js';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: Connection;

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-values');
  c = await connectAdmin(target.local);
  for (const sql of ['CREATE DATABASE V', 'CREATE SCHEMA V.S', 'CREATE WAREHOUSE V_WH', 'USE WAREHOUSE V_WH', 'CREATE TABLE V.S.B (ID NUMBER, B BINARY)'])
    await c.execute(sql);
});

afterAll(async () => {
  await c?.close();
  await target?.close();
});

describe('timestamps before 1970', () => {
  it.each([
    ['1969-12-31 23:59:59.250', Date.UTC(1969, 11, 31, 23, 59, 59, 250)],
    ['1969-12-31 23:59:59.999', Date.UTC(1969, 11, 31, 23, 59, 59, 999)],
    ['1960-06-15 12:00:00.500', Date.UTC(1960, 5, 15, 12, 0, 0, 500)],
    ['0001-01-01 23:24:25.987', Date.UTC(1, 0, 1, 23, 24, 25, 987) - 0],
  ])('%s reads back as itself, as text and as a Date', async (text, epochMs) => {
    const [asText] = await c.execute<{ T: string }>(`SELECT '${text}'::TIMESTAMP_NTZ AS T`, [], { fetchAsString: ['Date'] });
    expect(asText!.T).toBe(text);
    const [asDate] = await c.execute<{ T: Date }>(`SELECT '${text}'::TIMESTAMP_NTZ AS T`);
    expect(new Date(asDate!.T as unknown as string | Date).getTime()).toBe(epochMs === Date.UTC(1, 0, 1, 23, 24, 25, 987) ? yearOne() : epochMs);
  });
});

/** Date.UTC maps years 0–99 to 1900–1999: build year 1 by hand. */
function yearOne(): number {
  const d = new Date(Date.UTC(2000, 0, 1, 23, 24, 25, 987));
  d.setUTCFullYear(1);
  return d.getTime();
}

describe('text to BINARY', () => {
  it("'ffff00'::BINARY is the three bytes the hex spells, in any case", async () => {
    const [row] = await c.execute<{ B: Buffer; L: Buffer }>("SELECT 'ffff00'::BINARY AS B, TO_VARCHAR('AbCd'::BINARY) AS L");
    expect(Buffer.from(row!.B).toString('hex')).toBe('ffff00');
    expect(row!.L).toBe('ABCD');
  });

  it('a text bind and an array bind into a BINARY column store the bytes the hex spells', async () => {
    await c.execute('INSERT INTO V.S.B VALUES (?, ?)', [1, 'ffff00']);
    // Array binding: one array of values per row.
    await c.execute('INSERT INTO V.S.B VALUES (?, ?)', [
      [2, '0a0b'],
      [3, 'CAFE'],
    ] as unknown as BindValue[]);
    const rows = await c.execute<{ ID: number; H: string; N: number }>('SELECT ID, TO_VARCHAR(B) AS H, LENGTH(B) AS N FROM V.S.B ORDER BY ID');
    expect(rows).toEqual([
      { ID: 1, H: 'FFFF00', N: 3 },
      { ID: 2, H: '0A0B', N: 2 },
      { ID: 3, H: 'CAFE', N: 2 },
    ]);
  });

  it('refuses text that is not hex (TRY_CAST gives NULL)', async () => {
    const failure = await driverFailure(c.execute("SELECT 'zz'::BINARY"));
    expect(failure.message).toContain("The following string is not a legal hex-encoded value: 'zz'");
    expect(failure.sqlState).toBe('22000');
    expect(await driverFailure(c.execute("SELECT 'abc'::BINARY"))).toMatchObject({ sqlState: '22000' });
    expect(await c.execute("SELECT TRY_CAST('zz' AS BINARY) AS B")).toEqual([{ B: null }]);
  });
});

describe('repeated column names', () => {
  // A query may return two columns of one name; each keeps its own values through * and joins.
  it.each([
    ['SELECT * FROM (SELECT 1 AS A, 2 AS A, 3 AS B)', [[1, 2, 3]]],
    ['SELECT X.* FROM (SELECT 1 AS A, 2 AS A) X', [[1, 2]]],
    ['WITH C AS (SELECT 1 AS A, 2 AS A) SELECT * FROM C', [[1, 2]]],
    ['SELECT B FROM (SELECT 1 AS A, 2 AS A, 3 AS B)', [[3]]],
  ])('%s', async (sql, expected) => {
    expect(await c.execute(sql, [], { rowMode: 'array' })).toEqual(expected);
  });
});

describe('FROM VALUES', () => {
  // An inline table in FROM, with or without parentheses; its columns are COLUMN1, COLUMN2, … unless
  // the alias names them (https://docs.snowflake.com/en/sql-reference/constructs/values).
  it.each([
    ["SELECT * FROM VALUES (1, 'one'), (2, 'two')", [[1, 'one'], [2, 'two']]],
    ["SELECT COLUMN2 FROM VALUES (1, 'one'), (2, 'two') WHERE COLUMN1 = 2", [['two']]],
    ["SELECT T.B FROM VALUES (1, 'one'), (2, 'two') AS T (A, B) ORDER BY T.A DESC", [['two'], ['one']]],
    ["SELECT * FROM (VALUES (3), (4)) X", [[3], [4]]],
  ])('%s', async (sql, expected) => {
    expect(await c.execute(sql, [], { rowMode: 'array' })).toEqual(expected);
  });
});

describe('TIME and PI', () => {
  // TO_TIME keeps the time of day (https://docs.snowflake.com/en/sql-reference/functions/to_time);
  // the driver prints it with TIME_OUTPUT_FORMAT, HH24:MI:SS by default.
  it('TO_TIME of text with nine fraction digits', async () => {
    const [row] = await c.execute<{ T: string; F: string }>("SELECT TO_TIME('12:34:56.789789789') AS T, TO_VARCHAR(TO_TIME('01:02:03')) AS F", [], {
      fetchAsString: ['Date'],
    });
    expect(row).toEqual({ T: '12:34:56', F: '01:02:03' });
    // (The driver shows a NULL TIME as the text 'NULL': ask SQL instead.)
    expect(await c.execute("SELECT TRY_TO_TIME('not a time') IS NULL AS N")).toEqual([{ N: true }]);
  });

  it('PI()', async () => {
    expect(await c.execute('SELECT PI() AS P')).toEqual([{ P: Math.PI }]);
  });
});

// A session's TIMEZONE (default America/Los_Angeles) is where TIMESTAMP_LTZ text without an offset
// is read and where LTZ values show (https://docs.snowflake.com/en/sql-reference/parameters#timezone);
// text in Snowflake's AUTO forms, RFC 2822 among them, converts to any timestamp type
// (https://docs.snowflake.com/en/sql-reference/date-time-input-output#supported-formats-for-auto-detection).
describe('time zones and timestamp text', () => {
  it("reads LTZ text in the session's TIMEZONE and prints it with the offset", async () => {
    const [row] = await c.execute<{ T: Date; S: string; H: number }>(
      "SELECT '2024-01-01 10:00:00'::TIMESTAMP_LTZ AS T, TO_VARCHAR('2024-01-01 10:00:00'::TIMESTAMP_LTZ) AS S, HOUR('2024-01-01 10:00:00'::TIMESTAMP_LTZ) AS H",
    );
    expect(new Date(row!.T).getTime()).toBe(Date.UTC(2024, 0, 1, 18));
    expect([row!.S, row!.H]).toEqual(['2024-01-01 10:00:00.000 -0800', 10]);
  });

  it('follows ALTER SESSION SET TIMEZONE, and refuses a zone that does not exist', async () => {
    await c.execute("ALTER SESSION SET TIMEZONE = 'Asia/Tokyo'");
    try {
      const [row] = await c.execute<{ T: Date }>("SELECT '2024-01-01 10:00:00'::TIMESTAMP_LTZ AS T");
      expect(new Date(row!.T).getTime()).toBe(Date.UTC(2024, 0, 1, 1));
      expect((await driverFailure(c.execute("ALTER SESSION SET TIMEZONE = 'Nowhere/Land'"))).message).toContain('TIMEZONE');
    } finally {
      await c.execute('ALTER SESSION UNSET TIMEZONE');
    }
  });

  it('reads RFC text and trailing offsets: NTZ keeps the wall time, LTZ the instant', async () => {
    const [row] = await c.execute<{ N: string; L: Date; Z: Date }>(
      "SELECT TO_VARCHAR(TO_TIMESTAMP_NTZ('Thu, 21 Jan 2016 06:32:44 -0800')) AS N, TO_TIMESTAMP_LTZ('Thu, 21 Jan 2016 06:32:44 -0800') AS L, '2016-01-21T14:32:44Z'::TIMESTAMP_LTZ AS Z",
    );
    expect(row!.N).toBe('2016-01-21 06:32:44.000');
    expect(new Date(row!.L).getTime()).toBe(Date.UTC(2016, 0, 21, 14, 32, 44));
    expect(new Date(row!.Z).getTime()).toBe(Date.UTC(2016, 0, 21, 14, 32, 44));
  });

  it("refuses a TIMESTAMP_TZ whose offset is not the session zone's (it would lose its offset), and text that is no timestamp (100035)", async () => {
    expect(await c.execute("SELECT TO_VARCHAR('2024-01-01 10:00:00 -0800'::TIMESTAMP_TZ) AS T")).toEqual([{ T: '2024-01-01 10:00:00.000 -0800' }]);
    const refused = await driverFailure(c.execute("SELECT '2024-01-01 10:00:00 +0100'::TIMESTAMP_TZ AS T"));
    expect([refused.code, refused.message]).toEqual(['002040', expect.stringContaining('TIMESTAMP_TZ')]);
    expect((await driverFailure(c.execute("SELECT 'not a time'::TIMESTAMP_NTZ AS T"))).code).toBe('100035');
    expect(await c.execute("SELECT TRY_TO_TIMESTAMP_TZ('2024-01-01 10:00:00 +0100') AS T")).toEqual([{ T: null }]);
  });
});

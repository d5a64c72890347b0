// Conformance: TABLE(INFORMATION_SCHEMA.QUERY_HISTORY_BY_SESSION()) lists the session's own latest
// statements, newest first, with the QUERY_TAG each ran under and how it ended
// (https://docs.snowflake.com/en/sql-reference/functions/query_history,
// https://docs.snowflake.com/en/sql-reference/parameters#query-tag). Another session's statements
// never show; the function's arguments are refused by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../snowflake/driver.js';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: Connection;

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-history');
  c = await connectAdmin(target.local);
  // The unqualified INFORMATION_SCHEMA is the current database's, as on Snowflake.
  await c.execute('CREATE DATABASE H');
});

afterAll(async () => {
  await c?.close();
  await target?.close();
});

const HISTORY = 'SELECT QUERY_TEXT, QUERY_TAG, EXECUTION_STATUS, ERROR_CODE, START_TIME <= END_TIME AS ORDERED FROM TABLE(INFORMATION_SCHEMA.QUERY_HISTORY_BY_SESSION())';

describe('QUERY_HISTORY_BY_SESSION', () => {
  it("lists this session's statements newest first, with their tag and outcome", async () => {
    await c.execute("ALTER SESSION SET QUERY_TAG = 'nightly load'");
    await c.execute('SELECT 1 AS ONE');
    await driverFailure(c.execute('SELECT * FROM NO_SUCH_TABLE'));
    const rows = await c.execute<Record<string, unknown>>(HISTORY);
    expect(rows[0]).toMatchObject({ QUERY_TEXT: HISTORY, QUERY_TAG: 'nightly load', EXECUTION_STATUS: 'RUNNING', ERROR_CODE: null });
    expect(rows[1]).toMatchObject({ QUERY_TEXT: 'SELECT * FROM NO_SUCH_TABLE', EXECUTION_STATUS: 'FAILED_WITH_ERROR', ERROR_CODE: '002003', ORDERED: true });
    expect(rows[2]).toMatchObject({ QUERY_TEXT: 'SELECT 1 AS ONE', QUERY_TAG: 'nightly load', EXECUTION_STATUS: 'SUCCESS' });
  });

  it('answers from the history as it is now when the same query runs again (never from a cached translation)', async () => {
    await c.execute('SELECT 2 AS TWO');
    const first = await c.execute<{ QUERY_TEXT: string }>(HISTORY);
    await c.execute('SELECT 3 AS THREE');
    const second = await c.execute<{ QUERY_TEXT: string }>(HISTORY);
    expect(second.length).toBe(first.length + 2);
    expect(second.slice(0, 3).map((r) => r.QUERY_TEXT)).toEqual([HISTORY, 'SELECT 3 AS THREE', HISTORY]);
  });

  it("never shows another session's statements; arguments are refused by name", async () => {
    const other = await connectAdmin(target.local, { database: 'H' });
    try {
      const rows = await other.execute<{ QUERY_TEXT: string }>('SELECT QUERY_TEXT FROM TABLE(INFORMATION_SCHEMA.QUERY_HISTORY_BY_SESSION())');
      expect(rows.map((r) => r.QUERY_TEXT).some((text) => text.includes('NO_SUCH_TABLE'))).toBe(false);
    } finally {
      await other.close();
    }
    const refused = await driverFailure(c.execute('SELECT * FROM TABLE(INFORMATION_SCHEMA.QUERY_HISTORY_BY_SESSION(RESULT_LIMIT => 5))'));
    expect([refused.code, refused.message]).toEqual(['002040', expect.stringContaining('QUERY_HISTORY_BY_SESSION')]);
  });
});

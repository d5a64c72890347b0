// Conformance: the query context Snowflake returns for hybrid tables, which the driver keeps in its
// query context cache (QUERY_CONTEXT_CACHE_SIZE entries, sent back with each request): a main entry
// and one per database whose hybrid tables the session used
// (https://docs.snowflake.com/en/user-guide/tables-hybrid-best-practices, the drivers' QCC).
// Standard tables add none.
import snowflake from 'snowflake-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalUnderTest, type LocalUnderTest } from './support.js';

let target: LocalUnderTest;
let c: snowflake.Connection;

/** Runs a statement and answers the size of the driver's query context cache after it. */
function cacheSizeAfter(sql: string): Promise<number> {
  return new Promise((resolve, reject) =>
    c.execute({
      sqlText: sql,
      complete: (error, statement) => (error ? reject(error) : resolve((statement as unknown as { getQueryContextCacheSize(): number }).getQueryContextCacheSize())),
    }),
  );
}

beforeAll(async () => {
  target = await startLocalUnderTest('conformance-qcc');
  snowflake.configure({ logLevel: 'OFF' });
  c = snowflake.createConnection({ accessUrl: target.local.accessUrl, account: target.local.account, username: target.local.user, password: target.local.password });
  await c.connectAsync(() => undefined);
  for (const sql of ['CREATE WAREHOUSE Q_WH', 'USE WAREHOUSE Q_WH', 'CREATE DATABASE Q1', 'CREATE DATABASE Q2']) await cacheSizeAfter(sql);
});

afterAll(async () => {
  await new Promise((resolve) => (c ? c.destroy(resolve) : resolve(undefined)));
  await target?.close();
});

describe('query context for hybrid tables', () => {
  it('grows by one entry per database whose hybrid tables the session uses, not for standard tables', async () => {
    expect(await cacheSizeAfter('CREATE TABLE Q1.PUBLIC.PLAIN (A INT)')).toBe(0);
    expect(await cacheSizeAfter('INSERT INTO Q1.PUBLIC.PLAIN VALUES (1)')).toBe(0);
    expect(await cacheSizeAfter('CREATE HYBRID TABLE Q1.PUBLIC.H (A INT PRIMARY KEY)')).toBe(2);
    expect(await cacheSizeAfter('CREATE HYBRID TABLE Q2.PUBLIC.H (A INT PRIMARY KEY)')).toBe(3);
    expect(await cacheSizeAfter('SELECT * FROM Q1.PUBLIC.H X, Q2.PUBLIC.H Y WHERE X.A = Y.A')).toBe(3);
  });
});

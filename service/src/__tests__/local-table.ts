// A small recommendations hybrid table on papi local, set up by the admin through the real driver,
// and a least-privilege role that may only read it: the shape papi's setup gives the API role.
import type { Connection } from '../../../src/snowflake/driver.js';

export const TABLE = 'PAPI_IT.DATA.RECS';
/** Same columns and rows as TABLE, but never granted to the reader role. */
export const ADMIN_ONLY_TABLE = 'PAPI_IT.DATA.ADMIN_ONLY';
export const READER_ROLE = 'RECS_READER_ROLE';
export const READER_WAREHOUSE = 'RECS_WH';
/** A user that logs in with a password, holding only the reader role. */
export const READER_USER = 'RECS_READER';
/** A service user (no password; OAuth token logins, as in SPCS) with the reader role by default. */
export const SERVICE_USER = 'RECS_SVC';
export const BIG_ID = '12345678901234567890123456789012345678';

export const SEED: ReadonlyArray<readonly [string, unknown[]]> = [
  ['1', [{ movie_id: 10, movie_name: 'Heat (1995)', movie_score: '4.50' }]],
  ['2', [{ movie_id: 11, movie_name: 'Amélie — «Le fabuleux destin» 🎬', movie_score: '4.00' }]],
  ['3', [{ movie_id: 12, movie_name: 'O\'Brien "quoted"', movie_score: '3.00' }]],
  ['4', []],
  ['5', [{ movie_id: 13, movie_name: 'Five', movie_score: '1.00' }]],
  ['22', [{ movie_id: 297, movie_name: 'Songs of the Poet (1994)', movie_score: '37.00' }, { movie_id: 716, movie_name: 'Year of the Poet (1989)', movie_score: '37.00' }]],
  ['196', [{ movie_id: 1, movie_name: 'Toy Story (1995)', movie_score: '12.00' }]],
  [BIG_ID, [{ movie_id: 2, movie_name: 'Big', movie_score: '2.00' }]],
];

/** Creates the warehouse, database, tables, role and users, and loads SEED. */
export async function createRecommendationsTable(admin: Connection, readerPassword: string): Promise<void> {
  for (const sql of [
    `CREATE WAREHOUSE ${READER_WAREHOUSE}`,
    'CREATE DATABASE PAPI_IT',
    'CREATE SCHEMA PAPI_IT.DATA',
    `CREATE HYBRID TABLE ${TABLE} (USER_ID NUMBER(38,0) PRIMARY KEY, RECOMMENDATIONS VARIANT)`,
    `CREATE TABLE ${ADMIN_ONLY_TABLE} (USER_ID NUMBER(38,0), RECOMMENDATIONS VARIANT)`,
    `CREATE ROLE ${READER_ROLE}`,
    // A fixed test password in a throwaway papi local; quoted by the test, never user input.
    `CREATE USER ${READER_USER} PASSWORD = '${readerPassword.replace(/'/g, "''")}' DEFAULT_ROLE = ${READER_ROLE}`,
    `CREATE USER ${SERVICE_USER} TYPE = SERVICE DEFAULT_ROLE = ${READER_ROLE} DEFAULT_WAREHOUSE = ${READER_WAREHOUSE}`,
    `GRANT ROLE ${READER_ROLE} TO USER ${READER_USER}`,
    `GRANT ROLE ${READER_ROLE} TO USER ${SERVICE_USER}`,
    `GRANT USAGE ON WAREHOUSE ${READER_WAREHOUSE} TO ROLE ${READER_ROLE}`,
    `GRANT USAGE ON DATABASE PAPI_IT TO ROLE ${READER_ROLE}`,
    `GRANT USAGE ON SCHEMA PAPI_IT.DATA TO ROLE ${READER_ROLE}`,
    `GRANT SELECT ON TABLE ${TABLE} TO ROLE ${READER_ROLE}`,
  ])
    await admin.execute(sql);
  for (const [id, recommendations] of SEED) {
    for (const table of [TABLE, ADMIN_ONLY_TABLE])
      await admin.execute(`INSERT INTO ${table} (USER_ID, RECOMMENDATIONS) SELECT ?, PARSE_JSON(?)`, [id, JSON.stringify(recommendations)]);
  }
}

/** The table's rows as the admin reads them, by id (exact digits). */
export async function adminRows(admin: Connection): Promise<Map<string, unknown>> {
  const rows = await admin.execute<{ USER_ID: string; RECOMMENDATIONS: unknown }>(`SELECT USER_ID, RECOMMENDATIONS FROM ${TABLE}`, [], {
    fetchAsString: ['Number'],
  });
  return new Map(rows.map((row) => [String(row.USER_ID), row.RECOMMENDATIONS]));
}

// puresvd as Snowflake runs it: papi's statements (sql/recommend/puresvd.sql: CREATE PROCEDURE … LANGUAGE
// JAVASCRIPT, then CALL) through the real snowflake-sdk against papi local, which runs the procedure's
// JavaScript; its top table against the exact PureSVD of src/recommend/reference.ts (Jacobi on R·Rᵀ)
// on a slice of the generated sample, with NUMBER and with VARCHAR user ids.
// JavaScript procedures: https://docs.snowflake.com/en/developer-guide/stored-procedure/stored-procedures-javascript
// IDENTIFIER(?) with a bound name: https://docs.snowflake.com/en/sql-reference/identifier-literal
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAdmin, driverFailure, startLocalUnderTest, type LocalUnderTest } from '../local/conformance/support.js';
import { DEFAULT_OBJECTS, DEFAULTS } from '../config/defaults.js';
import type { PapiConfig } from '../config/types.js';
import type { Connection } from '../snowflake/driver.js';
import { resolveNames, setupPlan, teardownPlan } from '../snowflake/plan.js';
import { qualified } from '../snowflake/template.js';
import { algorithmStatements } from './algorithms.js';
import { pureSvdReference, type Scored } from './reference.js';
import { sampleSlice, type SliceData } from './sample-slice.js';

const table = (name: string) => qualified(['ALGO', 'TEST', name]);
const TABLES = { ratings: table('USER_RATINGS'), titles: table('TITLE'), users: table('USERS'), top: table('TOP'), procedure: table('PAPI_PURESVD') };
let target: LocalUnderTest;
let c: Connection;

beforeAll(async () => {
  target = await startLocalUnderTest('puresvd');
  c = await connectAdmin(target.local);
  for (const sql of ['CREATE WAREHOUSE ALGO_WH', 'CREATE DATABASE ALGO', 'CREATE SCHEMA ALGO.TEST']) await c.execute(sql);
});
afterAll(async () => {
  await c?.close();
  await target?.close();
});

/** Loads the data (user ids as `idType`), runs puresvd's statements, returns user → top list with the column's own user ids. */
async function pureSvdTop(data: SliceData, idType: 'NUMBER(38,0)' | 'VARCHAR(64)', userId: (user: number) => string | number, settings: { factors: number; iterations: number; topN: number }) {
  await c.execute(`CREATE OR REPLACE TABLE ALGO.TEST.USER_RATINGS (USER_ID ${idType}, ITEM_ID NUMBER(38,0), RATING FLOAT, TIMESTAMP TIMESTAMP_NTZ)`);
  await c.execute('CREATE OR REPLACE TABLE ALGO.TEST.TITLE (ITEM_ID NUMBER(38,0), TITLE VARCHAR)');
  await c.execute(`CREATE OR REPLACE TABLE ALGO.TEST.USERS (ID ${idType})`);
  const json = JSON.stringify(data.ratings.map((r) => ({ u: String(userId(r.user as number)), i: r.item, r: r.rating })));
  await c.execute(`INSERT INTO ALGO.TEST.USER_RATINGS SELECT f.value:u::${idType}, f.value:i::NUMBER, f.value:r::FLOAT, NULL FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f`, [json]);
  await c.execute('INSERT INTO ALGO.TEST.TITLE SELECT f.value::NUMBER, \'Movie\' FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f', [JSON.stringify(data.titles)]);
  await c.execute(`INSERT INTO ALGO.TEST.USERS SELECT f.value::${idType} FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f`, [JSON.stringify(data.users.map((u) => String(userId(u))))]);
  for (const statement of algorithmStatements('puresvd', { neighbors: 10, halfLife: 0, ...settings }, settings.topN, TABLES)) await c.execute(statement.sql);
  const rows = await c.execute<{ USER_ID: number | string; ITEM_ID: number; SCORE: number; ITEM_RANK: number }>('SELECT USER_ID, ITEM_ID, SCORE, ITEM_RANK FROM ALGO.TEST.TOP ORDER BY USER_ID, ITEM_RANK');
  const result = new Map<number | string, Scored[]>();
  for (const row of rows) {
    const list = result.get(row.USER_ID) ?? [];
    expect(row.ITEM_RANK).toBe(list.length + 1);
    list.push({ item: Number(row.ITEM_ID), score: Number(row.SCORE) });
    result.set(row.USER_ID, list);
  }
  return result;
}

/** Same users, same items in the same order, scores within `tolerance`. */
function expectClose(actual: Map<number | string, Scored[]>, expected: Map<number | string, Scored[]>, tolerance: number) {
  expect([...actual.keys()].map(String).sort()).toEqual([...expected.keys()].map(String).sort());
  for (const [user, list] of expected) {
    const got = actual.get(user)!;
    expect(got.map((e) => e.item), `user ${user}`).toEqual(list.map((e) => e.item));
    got.forEach((e, rank) => expect(Math.abs(e.score - list[rank]!.score), `user ${user} rank ${rank + 1}`).toBeLessThan(tolerance));
  }
}

describe('puresvd procedure equals the exact PureSVD', () => {
  it('on 40 users of the generated sample (NUMBER ids)', async () => {
    const data = sampleSlice(40);
    const exact = pureSvdReference(data.ratings, new Set(data.titles), data.users, { factors: 8, topN: 10 });
    const top = await pureSvdTop(data, 'NUMBER(38,0)', (u) => u, { factors: 8, iterations: 60, topN: 10 });
    expect(top.size).toBe(40);
    expect(typeof [...top.keys()][0]).toBe('number');
    expectClose(top, exact, 1e-6);
  });

  it('with VARCHAR ids: the same lists, the ids written back as text', async () => {
    const data = sampleSlice(40);
    const id = (u: number) => `user-${String(u).padStart(3, '0')}`;
    const exact = pureSvdReference(
      data.ratings.map((r) => ({ ...r, user: id(r.user as number) })),
      new Set(data.titles),
      data.users.map(id),
      { factors: 8, topN: 10 },
    );
    const top = await pureSvdTop(data, 'VARCHAR(64)', id, { factors: 8, iterations: 60, topN: 10 });
    expect([...top.keys()]).toContain('user-001');
    expectClose(top, exact, 1e-6);
  });
});

const config = { version: 1, target: 'local', connection: {}, snowflake: structuredClone(DEFAULT_OBJECTS), data: { ...DEFAULTS.data }, recommender: { ...DEFAULTS.recommender, algorithm: 'puresvd' }, service: structuredClone(DEFAULTS.service), local: { ...DEFAULTS.local }, projectDir: '.' } as PapiConfig;

describe("puresvd in papi's schema", () => {
  it('the admin role papi creates may create and call the procedure (CREATE PROCEDURE on the schema); teardown drops it', async () => {
    const names = resolveNames(config.snowflake);
    for (const planned of setupPlan(config, { skipData: true })) for (const statement of planned.statements) await c.execute(statement.sql, statement.binds);
    const data = sampleSlice(10);
    const { database, schema } = config.snowflake.recommender;
    await c.execute(`INSERT INTO ${database}.${schema}.USER_RATINGS (USER_ID, ITEM_ID, RATING) SELECT f.value[0]::NUMBER, f.value[1]::NUMBER, f.value[2]::FLOAT FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f`, [JSON.stringify(data.ratings.map((r) => [r.user, r.item, r.rating]))]);
    await c.execute(`INSERT INTO ${database}.${schema}.TITLE SELECT f.value::NUMBER, 'Movie' FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f`, [JSON.stringify(data.titles)]);
    await c.execute(`INSERT INTO ${database}.${schema}."USER" SELECT f.value::NUMBER FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f`, [JSON.stringify(data.users)]);
    await c.execute(`GRANT ROLE ${config.snowflake.adminRole} TO USER ${target.local.user}`);
    const admin = await connectAdmin(target.local, { role: config.snowflake.adminRole, warehouse: config.snowflake.warehouse.name });
    try {
      const tables = { ratings: names.ratings, titles: names.titles, users: names.users, top: names.recommendationsTop, procedure: names.pureSvdProcedure };
      for (const statement of algorithmStatements('puresvd', { ...DEFAULTS.recommender, factors: 3, iterations: 10 }, 5, tables)) await admin.execute(statement.sql);
      const [count] = await admin.execute<{ N: number }>(`SELECT COUNT(DISTINCT USER_ID) AS N FROM ${database}.${schema}.MOVIE_RECOMMENDATIONS_TOP`);
      expect(count!.N).toBe(10);
    } finally {
      await admin.close();
    }
    const call = algorithmStatements('puresvd', { ...DEFAULTS.recommender }, 5, { ratings: names.ratings, titles: names.titles, users: names.users, top: names.recommendationsTop, procedure: names.pureSvdProcedure }).at(-1)!;
    expect(call.sql).toMatch(/^CALL /);
    const drop = teardownPlan(config, { keepData: true }).find((s) => s.id === 'procedure')!;
    for (const statement of drop.statements) await c.execute(statement.sql);
    expect((await driverFailure(c.execute(call.sql))).message).toMatch(/Unknown user-defined function/);
  });

  it("runs in the scheduled refresh: the task's body creates and calls the procedure, then publishes", async () => {
    // The task body holds the procedure's $$ body: papi quotes the whole block as a string (scriptBlock).
    const plan = setupPlan({ ...config, recommender: { ...config.recommender, schedule: '60 minutes' } });
    const schedule = plan.find((s) => s.id === 'schedule')!;
    for (const statement of schedule.statements) await c.execute(statement.sql);
    const task = 'MOVIE_RECOMMENDER_DB.MOVIE_RECOMMENDER_SCHEMA.REFRESH_RECOMMENDATIONS';
    try {
      await c.execute(`EXECUTE TASK ${task}`);
      let run: { STATE: string; ERROR_MESSAGE: string | null } | undefined;
      while (!run) {
        [run] = await c.execute<{ STATE: string; ERROR_MESSAGE: string | null }>(
          "SELECT STATE, ERROR_MESSAGE FROM TABLE(MOVIE_RECOMMENDER_DB.INFORMATION_SCHEMA.TASK_HISTORY(TASK_NAME => 'REFRESH_RECOMMENDATIONS')) WHERE STATE IN ('SUCCEEDED', 'FAILED')",
        );
        if (!run) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(run).toEqual({ STATE: 'SUCCEEDED', ERROR_MESSAGE: null });
      const published = await c.execute<{ USER_ID: number; RECOMMENDATIONS: Array<{ movie_id: number; movie_name: string; movie_score: string }> }>('SELECT USER_ID, RECOMMENDATIONS FROM API.DATA.HYBRID_MOVIE_RECOMMENDATIONS ORDER BY USER_ID');
      expect(published.map((r) => r.USER_ID)).toEqual(sampleSlice(10).users);
      for (const row of published) {
        expect(row.RECOMMENDATIONS).toHaveLength(config.recommender.topN);
        expect(row.RECOMMENDATIONS[0]).toEqual({ movie_id: expect.any(Number), movie_name: 'Movie', movie_score: expect.stringMatching(/^-?\d+\.\d\d$/) });
      }
    } finally {
      await c.execute(`DROP TASK IF EXISTS ${task}`);
    }
  });
});

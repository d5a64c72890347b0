// Each recommender's SQL (sql/recommend/), run by papi local's engine, against an independent
// TypeScript computation of the same algorithm (src/recommend/reference.ts, src/data/reference-knn.ts)
// on small data: hand-made cases (ties, undated and repeated ratings) and a slice of the generated sample.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceRecommendations } from '../data/reference-knn.js';
import { harness, run, type Harness } from '../local/engine/__tests__/harness.js';
import { step } from '../snowflake/plan.js';
import { identifier, integer, qualified } from '../snowflake/template.js';
import { algorithmStatements, type AlgorithmSettings, type RecommenderAlgorithm } from './algorithms.js';
import { itemKnnReference, popularityReference, type DatedRating, type Ranked } from './reference.js';
import { sampleSlice } from './sample-slice.js';

const table = (name: string) => qualified(['ALGO', 'TEST', name]);
const TABLES = { ratings: table('USER_RATINGS'), titles: table('TITLE'), users: table('USERS'), top: table('TOP'), procedure: table('PAPI_PURESVD') };
let h: Harness;

beforeAll(async () => {
  h = await harness();
  for (const sql of ['CREATE DATABASE ALGO', 'CREATE SCHEMA ALGO.TEST']) await run(h.engine, h.admin, sql);
});
afterAll(async () => {
  await h?.cleanup();
});


/** Loads the data into fresh tables (numbers only, written by the test), returns user → top list from the SQL. */
async function sqlTop(
  algorithm: RecommenderAlgorithm,
  settings: AlgorithmSettings,
  data: { ratings: DatedRating[]; titles: number[]; users: number[] },
  topN: number,
): Promise<Map<string, Ranked[]>> {
  const exec = (sql: string) => run(h.engine, h.admin, sql);
  await exec('CREATE OR REPLACE TABLE ALGO.TEST.USER_RATINGS (USER_ID NUMBER(38,0), ITEM_ID NUMBER(38,0), RATING FLOAT, TIMESTAMP TIMESTAMP_NTZ)');
  await exec('CREATE OR REPLACE TABLE ALGO.TEST.TITLE (ITEM_ID NUMBER(38,0), TITLE VARCHAR)');
  await exec('CREATE OR REPLACE TABLE ALGO.TEST.USERS (ID NUMBER(38,0))');
  // One JSON bind, flattened (an INSERT … VALUES of thousands of rows is slow on papi local).
  const json = JSON.stringify(data.ratings.map((r) => ({ u: r.user, i: r.item, r: r.rating, t: r.at === null ? null : new Date(r.at * 1000).toISOString().slice(0, 19) })));
  await run(
    h.engine,
    h.admin,
    'INSERT INTO ALGO.TEST.USER_RATINGS SELECT f.value:u::NUMBER, f.value:i::NUMBER, f.value:r::FLOAT, f.value:t::TIMESTAMP_NTZ FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f',
    [{ type: 'TEXT', value: json }],
  );
  await exec(`INSERT INTO ALGO.TEST.TITLE VALUES ${data.titles.map((t) => `(${t}, 'Movie ${t}')`).join(', ')}`);
  await exec(`INSERT INTO ALGO.TEST.USERS VALUES ${data.users.map((u) => `(${u})`).join(', ')}`);
  for (const statement of algorithmStatements(algorithm, settings, topN, TABLES)) await exec(statement.sql);
  const rows = await exec('SELECT USER_ID, ITEM_ID, SCORE FROM ALGO.TEST.TOP ORDER BY USER_ID, ITEM_RANK');
  const result = new Map<string, Ranked[]>();
  for (const row of rows) {
    const list = result.get(row.USER_ID!) ?? [];
    list.push({ item: Number(row.ITEM_ID), score: Number(row.SCORE).toFixed(2) });
    result.set(row.USER_ID!, list);
  }
  return result;
}

const keyed = (map: Map<number | string, Ranked[]>) => new Map([...map].map(([user, list]) => [String(user), list]));

// Five users, six titles. Hand-checked: items 1 and 2 are rated by users 1, 2 and 3.
const T = (day: number) => Date.UTC(2024, 0, day) / 1000;
const HAND: DatedRating[] = [
  { user: 1, item: 1, rating: 5, at: T(1) },
  { user: 1, item: 2, rating: 3, at: T(2) },
  { user: 1, item: 3, rating: 4, at: T(3) },
  { user: 2, item: 1, rating: 4, at: T(1) },
  { user: 2, item: 2, rating: 2, at: T(1) }, // same time as item 1: the higher id is the newer
  { user: 2, item: 4, rating: 1, at: null }, // undated
  { user: 3, item: 2, rating: 5, at: T(5) },
  { user: 3, item: 5, rating: 3, at: T(6) },
  { user: 3, item: 5, rating: 5, at: T(7) }, // rated twice: counts once, at its latest time
  { user: 3, item: 1, rating: 2, at: T(4) },
  { user: 4, item: 6, rating: 4, at: T(2) },
  { user: 4, item: 3, rating: 4, at: T(3) },
  { user: 5, item: 7, rating: 4, at: T(1) }, // a title-less item
  { user: 5, item: 4, rating: 4, at: T(2) },
];
const HAND_DATA = { ratings: HAND, titles: [1, 2, 3, 4, 5, 6], users: [1, 2, 3, 4, 5, 6] };

describe('item-knn SQL equals the TypeScript reference', () => {
  it('by hand: the newest ratings weigh most, undated ones fully, repeated ones once', async () => {
    for (const halfLife of [0, 1, 2]) {
      const reference = itemKnnReference(HAND, new Set(HAND_DATA.titles), HAND_DATA.users, { halfLife, topN: 3 });
      expect(await sqlTop('item-knn', { neighbors: 10, halfLife, factors: 20, iterations: 10 }, HAND_DATA, 3), `halfLife ${halfLife}`).toEqual(keyed(reference));
    }
    // User 1 (3 newest, then 2, then 1), halfLife 1: item 5 is similar to 2 and 1 (user 3 rated all
    // three): 0.5 · 1/√(3·1) + 0.25 · 1/√(3·1) ≈ 0.43; item 4 to 2 and 1 via user 2: 0.75/√(3·2) ≈ 0.31;
    // item 6 to 3 via user 4: 1/√(2·1) ≈ 0.71.
    const one = (await sqlTop('item-knn', { neighbors: 10, halfLife: 1, factors: 20, iterations: 10 }, HAND_DATA, 3)).get('1');
    expect(one).toEqual([
      { item: 6, score: '0.71' },
      { item: 5, score: '0.43' },
      { item: 4, score: '0.31' },
    ]);
  });

  it('on 40 users of the generated sample, with and without decay', async () => {
    const data = sampleSlice(40);
    for (const halfLife of [0, 3]) {
      const reference = itemKnnReference(data.ratings, new Set(data.titles), data.users, { halfLife, topN: 10 });
      const sql = await sqlTop('item-knn', { neighbors: 10, halfLife, factors: 20, iterations: 10 }, data, 10);
      expect(sql.size).toBe(40);
      expect(sql, `halfLife ${halfLife}`).toEqual(keyed(reference));
    }
  });
});

describe('popularity SQL equals the TypeScript reference', () => {
  it('by hand and on 40 users of the sample', async () => {
    expect(await sqlTop('popularity', { neighbors: 10, halfLife: 0, factors: 20, iterations: 10 }, HAND_DATA, 3)).toEqual(keyed(popularityReference(HAND, new Set(HAND_DATA.titles), HAND_DATA.users, 3)));
    // User 6 rated nothing: the three most rated titles, 1 and 2 (three users each), then 3 (two, lower id than 5's two).
    expect((await sqlTop('popularity', { neighbors: 10, halfLife: 0, factors: 20, iterations: 10 }, HAND_DATA, 3)).get('6')).toEqual([
      { item: 1, score: '3.00' },
      { item: 2, score: '3.00' },
      { item: 3, score: '2.00' },
    ]);
    const data = sampleSlice(40);
    expect(await sqlTop('popularity', { neighbors: 10, halfLife: 0, factors: 20, iterations: 10 }, data, 10)).toEqual(keyed(popularityReference(data.ratings, new Set(data.titles), data.users, 10)));
  });
});

describe('user-knn SQL equals the TypeScript reference', () => {
  it('on 40 users of the sample (neighbors 9, the notebook, and 10)', async () => {
    const data = sampleSlice(40);
    const titles = new Map(data.titles.map((t) => [t, `Movie ${t}`]));
    for (const neighbors of [9, 10]) {
      const reference = referenceRecommendations(data.ratings.map((r) => ({ user: Number(r.user), item: r.item, rating: r.rating })), titles, { neighbors, topN: 10 });
      const expected = new Map([...reference].map(([user, list]) => [String(user), list.map((r) => ({ item: r.movie_id, score: r.movie_score }))]));
      expect(await sqlTop('user-knn', { neighbors, halfLife: 0, factors: 20, iterations: 10 }, data, 10), `neighbors ${neighbors}`).toEqual(expected);
    }
  });
});

describe('the published rows (sql/recommend/recommendations.sql)', () => {
  it("pack each user's top list, and give users without ratings the most popular titles", async () => {
    await sqlTop('item-knn', { neighbors: 10, halfLife: 1, factors: 20, iterations: 10 }, HAND_DATA, 3);
    const [create, drop, grant] = step('r', 'r', 'recommend', 'recommend/recommendations.sql', {
      recommendations_table: table('RECS'),
      top_table: TABLES.top,
      ratings_table: TABLES.ratings,
      titles_table: TABLES.titles,
      user_table: TABLES.users,
      top_n: integer(3),
      admin_role: identifier('SYSADMIN'),
    }).statements;
    await run(h.engine, h.admin, create!.sql);
    await run(h.engine, h.admin, drop!.sql);
    await run(h.engine, h.admin, grant!.sql);
    const rows = await run(h.engine, h.admin, 'SELECT USER_ID, RECOMMENDATIONS FROM ALGO.TEST.RECS ORDER BY USER_ID');
    const recs = new Map(rows.map((r) => [r.USER_ID, JSON.parse(r.RECOMMENDATIONS!) as Array<{ movie_id: number; movie_name: string; movie_score: string }>]));
    expect(recs.get('1')).toEqual([
      { movie_id: 6, movie_name: 'Movie 6', movie_score: '0.71' },
      { movie_id: 5, movie_name: 'Movie 5', movie_score: '0.43' },
      { movie_id: 4, movie_name: 'Movie 4', movie_score: '0.31' },
    ]);
    expect(recs.get('6')).toEqual([
      { movie_id: 1, movie_name: 'Movie 1', movie_score: '3.00' },
      { movie_id: 2, movie_name: 'Movie 2', movie_score: '3.00' },
      { movie_id: 3, movie_name: 'Movie 3', movie_score: '2.00' },
    ]);
    // The work table is gone.
    expect(await run(h.engine, h.admin, "SHOW TABLES LIKE 'TOP' IN SCHEMA ALGO.TEST")).toEqual([]);
  });
});

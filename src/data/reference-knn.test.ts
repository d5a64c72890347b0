import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { splitStatements } from '../snowflake/splitter.js';
import { integer, qualified, renderFile } from '../snowflake/template.js';
import { referenceRecommendations, twoDecimals, type RatingRow } from './reference-knn.js';
import { generateSample } from './sample.js';

const rows = (...triples: Array<[number, number, number]>): RatingRow[] => triples.map(([user, item, rating]) => ({ user, item, rating }));
const titled = (...items: number[]) => new Map(items.map((i) => [i, `Movie ${i}`]));
const ids = (recs: Map<number, Array<{ movie_id: number; movie_score: string }>>, user: number) =>
  recs.get(user)?.map((r) => `${r.movie_id}:${r.movie_score}`);

// Four users, five movies; similarities worked out by hand:
//   user 1 (5, 3, -, -, -)   |u1| = √34
//   user 2 (5, 3, 4, -, -)   sim(1,2) = 34 / (√34·√50) ≈ 0.82
//   user 3 (-, -, -, 2, 5)   sim(1,3) = 0 (nothing shared)
//   user 4 (1, -, -, 4, 4)   sim(1,4) = 5 / (√34·√33) ≈ 0.15;  sim(3,4) = 28 / (√29·√33) ≈ 0.90
const TINY = rows([1, 1, 5], [1, 2, 3], [2, 1, 5], [2, 2, 3], [2, 3, 4], [3, 4, 2], [3, 5, 5], [4, 1, 1], [4, 4, 4], [4, 5, 4]);

describe('referenceRecommendations on a hand-checked matrix', () => {
  it('k = 1: the most similar user only', () => {
    const recs = referenceRecommendations(TINY, titled(1, 2, 3, 4, 5), { neighbors: 1, topN: 10 });
    expect(ids(recs, 1)).toEqual(['3:4.00']); // from user 2
    expect(ids(recs, 3)).toEqual(['1:1.00']); // from user 4; movies 4 and 5 are rated already
  });

  it('k = 2: equal scores go to the lower movie id, then top-N cuts', () => {
    const recs = referenceRecommendations(TINY, titled(1, 2, 3, 4, 5), { neighbors: 2, topN: 2 });
    // Users 2 and 4 give movies 3, 4 and 5 a score of 4 each.
    expect(ids(recs, 1)).toEqual(['3:4.00', '4:4.00']);
  });

  it('k = 3: users sharing nothing count too (similarity 0), and scores add up', () => {
    const recs = referenceRecommendations(TINY, titled(1, 2, 3, 4, 5), { neighbors: 3, topN: 10 });
    expect(ids(recs, 1)).toEqual(['5:9.00', '4:6.00', '3:4.00']);
  });

  it('equal similarities go to the lower user id (at 0 and above 0)', () => {
    // User 3 shares nothing with users 1 and 2 (both similarity 0): with k = 2 it takes user 4, then user 1.
    const recs = referenceRecommendations(TINY, titled(1, 2, 3, 4, 5), { neighbors: 2, topN: 10 });
    expect(ids(recs, 3)).toEqual(['1:6.00', '2:3.00']);
    // Users 7 and 8 are exactly as similar to user 6 (12 / (√18·5) each): k = 1 takes user 7.
    const tie = rows([6, 1, 3], [6, 2, 3], [7, 1, 4], [7, 6, 3], [8, 2, 4], [8, 7, 3]);
    expect(ids(referenceRecommendations(tie, titled(1, 2, 6, 7), { neighbors: 1, topN: 10 }), 6)).toEqual(['6:3.00']);
    // The same data with the ids swapped: still the lower id wins.
    const swapped = rows([6, 1, 3], [6, 2, 3], [8, 1, 4], [8, 6, 3], [7, 2, 4], [7, 7, 3]);
    expect(ids(referenceRecommendations(swapped, titled(1, 2, 6, 7), { neighbors: 1, topN: 10 }), 6)).toEqual(['7:3.00']);
  });

  it('leaves out movies without a title, and users with nothing to recommend', () => {
    const recs = referenceRecommendations(TINY, titled(1, 2, 4, 5), { neighbors: 1, topN: 10 });
    expect(recs.has(1)).toBe(false); // user 2's movie 3 has no title
    expect(recs.get(3)).toEqual([{ movie_id: 1, movie_name: 'Movie 1', movie_score: '1.00' }]);
  });

  it('averages repeated ratings of one movie, restricts to the given users', () => {
    const recs = referenceRecommendations([...TINY, { user: 2, item: 3, rating: 1 }], titled(1, 2, 3, 4, 5), {
      neighbors: 1,
      topN: 10,
      forUsers: [1],
    });
    expect([...recs.keys()]).toEqual([1]);
    expect(ids(recs, 1)).toEqual(['3:2.50']);
  });

  it('formats scores with two decimals', () => {
    expect([9, 2.5, 1.005, 0.125, 12.3456].map(twoDecimals)).toEqual(['9.00', '2.50', '1.01', '0.13', '12.35']);
  });
});

const sample = generateSample();
const sampleRatings: RatingRow[] = sample.ratings
  .trimEnd()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [user, item, rating] = line.split(',').map(Number);
    return { user: user!, item: item!, rating: rating! };
  });
const sampleTitles = new Map(
  sample.titles
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => {
      const comma = line.indexOf(',');
      return [Number(line.slice(0, comma)), JSON.parse(line.slice(comma + 1).replaceAll('""', '\\"')) as string] as const;
    }),
);

/**
 * The tutorial notebook's loop, transcribed: NearestNeighbors(metric='cosine', n_neighbors=10) on
 * the dense user × movie matrix, queried with the user's own row; for every movie the user has not
 * rated (a 0 cell), add each of the 10 rows' cell; sort by score (stable, so ties keep column order,
 * the lower movie id); top 3. Equal distances are taken in row order here (scikit-learn leaves
 * their order to its partial sort).
 */
function notebook(ratings: RatingRow[], users: number[], topN: number): Map<number, Array<[number, number]>> {
  const userIds = [...new Set(ratings.map((r) => r.user))].sort((a, b) => a - b);
  const itemIds = [...new Set(ratings.map((r) => r.item))].sort((a, b) => a - b);
  const column = new Map(itemIds.map((id, i) => [id, i]));
  const matrix = userIds.map(() => new Float64Array(itemIds.length));
  const row = new Map(userIds.map((id, i) => [id, i]));
  for (const r of ratings) matrix[row.get(r.user)!]![column.get(r.item)!] = r.rating;
  const norm = matrix.map((m) => Math.sqrt(m.reduce((s, x) => s + x * x, 0)));

  const result = new Map<number, Array<[number, number]>>();
  for (const user of users) {
    const me = matrix[row.get(user)!]!;
    const distances = matrix.map((other, index) => {
      let dot = 0;
      for (let c = 0; c < me.length; c++) dot += me[c]! * other[c]!;
      return { index, distance: 1 - dot / (norm[row.get(user)!]! * norm[index]!) };
    });
    const nearest = distances.sort((a, b) => a.distance - b.distance || a.index - b.index).slice(0, 10);
    const scores: Array<[number, number]> = [];
    for (let c = 0; c < itemIds.length; c++) {
      if (me[c] !== 0) continue;
      let score = 0;
      for (const { index } of nearest) score += matrix[index]![c]!;
      scores.push([itemIds[c]!, score]);
    }
    result.set(user, scores.sort((a, b) => b[1] - a[1]).slice(0, topN));
  }
  return result;
}

describe('neighbors: 9 reproduces the tutorial notebook', () => {
  it("on the sample data, for the notebook's 50 users and N = 3", () => {
    const users = Array.from({ length: 50 }, (_, i) => i + 1);
    const expected = notebook(sampleRatings, users, 3);
    const papi = referenceRecommendations(sampleRatings, sampleTitles, { neighbors: 9, topN: 3, forUsers: users });
    for (const user of users) {
      const theirs = expected.get(user)!;
      expect(theirs.every(([, score]) => score > 0), `user ${user}: the notebook padded with unseen movies`).toBe(true);
      expect(papi.get(user)!.map((r) => [r.movie_id, r.movie_score]), `user ${user}`).toEqual(theirs.map(([id, s]) => [id, twoDecimals(s)]));
    }
    // And 10 neighbours is a different answer for some of them: the count matters.
    const ten = referenceRecommendations(sampleRatings, sampleTitles, { neighbors: 10, topN: 3, forUsers: users });
    expect(users.some((u) => JSON.stringify(ten.get(u)) !== JSON.stringify(papi.get(u)))).toBe(true);
  });
});

/** The SQL run on DuckDB: `user:item:score` rows. */
async function sqlRecommendations(ratings: RatingRow[], titles: Map<number, string>, neighbors: number, topN: number): Promise<string[]> {
  const table = (name: string) => qualified(['MEMORY', 'MAIN', name]);
  const rendered = renderFile('recommend/user-knn.sql', {
    top_table: table('TOP'),
    ratings_table: table('USER_RATINGS'),
    titles_table: table('TITLE'),
    user_table: table('USER'),
    neighbors: integer(neighbors),
    neighbors_plus_one: integer(neighbors + 1),
    top_n: integer(topN),
  });
  // The query of its one CREATE … AS statement is plain SQL that DuckDB runs as it is.
  const create = splitStatements(rendered)[0]!.text;
  const core = `SELECT USER_ID, ITEM_ID, SCORE FROM (${create.slice(create.indexOf('WITH ratings AS'))}) ORDER BY USER_ID, ITEM_RANK`;

  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run('CREATE TABLE USER_RATINGS (USER_ID BIGINT, ITEM_ID BIGINT, RATING DOUBLE, TIMESTAMP TIMESTAMP)');
    await db.run('CREATE TABLE TITLE (ITEM_ID BIGINT, TITLE VARCHAR)');
    const appender = await db.createAppender('USER_RATINGS');
    for (const r of ratings) {
      appender.appendBigInt(BigInt(r.user));
      appender.appendBigInt(BigInt(r.item));
      appender.appendDouble(r.rating);
      appender.appendNull();
      appender.endRow();
    }
    appender.closeSync();
    const titleAppender = await db.createAppender('TITLE');
    for (const [id, title] of titles) {
      titleAppender.appendBigInt(BigInt(id));
      titleAppender.appendVarchar(title);
      titleAppender.endRow();
    }
    titleAppender.closeSync();
    // Recommendations are made for the users in "USER": here, everyone who rated.
    await db.run('CREATE TABLE "USER" AS SELECT DISTINCT USER_ID AS ID FROM USER_RATINGS');
    return (await db.runAndReadAll(core)).getRowsJS().map(([user, item, score]) => `${user}:${item}:${twoDecimals(Number(score))}`);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

const flat = (recs: Map<number, Array<{ movie_id: number; movie_score: string }>>) =>
  [...recs].flatMap(([user, list]) => list.map((r) => `${user}:${r.movie_id}:${r.movie_score}`));

describe('sql/recommend/user-knn.sql agrees with the reference', () => {
  it('on the hand-checked matrices, ties included (equal similarity: lower user id first)', async () => {
    const tie = rows([6, 1, 3], [6, 2, 3], [7, 1, 4], [7, 6, 3], [8, 2, 4], [8, 7, 3]);
    for (const data of [TINY, tie, [...TINY, ...tie]])
      for (const k of [1, 2, 3])
        for (const n of [1, 2, 10]) {
          const titles = titled(1, 2, 3, 4, 5, 6, 7);
          expect(await sqlRecommendations(data, titles, k, n), `k=${k} n=${n}`).toEqual(flat(referenceRecommendations(data, titles, { neighbors: k, topN: n })));
        }
  });

  it('on the whole sample data set (k = 10, N = 10)', async () => {
    const sql = await sqlRecommendations(sampleRatings, sampleTitles, 10, 10);
    expect(sql.length).toBe(943 * 10);
    expect(sql).toEqual(flat(referenceRecommendations(sampleRatings, sampleTitles, { neighbors: 10, topN: 10 })));
  });
});

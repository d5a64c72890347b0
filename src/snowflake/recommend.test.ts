// The recommendation SQL (sql/recommend/) checked against a brute-force user-based kNN written in
// plain TypeScript. The query's relational core (everything up to the ranked top-N) runs on DuckDB
// as it is; only the final VARIANT packing (OBJECT_CONSTRUCT, ARRAY_AGG … WITHIN GROUP) is Snowflake-
// specific and left to papi local's translator.
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { splitStatements } from './splitter.js';
import { identifier, integer, qualified, renderFile } from './template.js';

interface Rating {
  user: number;
  item: number;
  rating: number;
}

function random(seed: number): () => number {
  // mulberry32: a tiny deterministic generator, so a failure can be replayed.
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sampleRatings(seed: number): Rating[] {
  const next = random(seed);
  const ratings: Rating[] = [];
  for (let user = 1; user <= 40; user++) {
    const count = Math.floor(next() * 9);
    const items = new Set<number>();
    while (items.size < count) items.add(1 + Math.floor(next() * 30));
    for (const item of items) ratings.push({ user, item, rating: (1 + Math.floor(next() * 10)) / 2 });
  }
  // Ties on purpose: user 50 copies user 7, user 51 copies user 8. Users 0 (the lowest id) and 60
  // share no movie with anyone: their neighbours are all similarity-0 users, lowest ids first.
  for (const r of ratings.filter((r) => r.user === 7)) ratings.push({ ...r, user: 50 });
  for (const r of ratings.filter((r) => r.user === 8)) ratings.push({ ...r, user: 51 });
  ratings.push({ user: 60, item: 99, rating: 4 }, { user: 0, item: 98, rating: 3 });
  return ratings;
}

/** The definition, spelled out: cosine on the user x item matrix (missing = 0), k other users by
 * similarity then lower id, score = sum of neighbours' ratings of unrated movies, top-N by score
 * then lower movie id. */
function bruteForce(ratings: Rating[], titled: Set<number>, k: number, n: number): Array<[number, number, number, number]> {
  const byUser = new Map<number, Map<number, number>>();
  for (const r of ratings) {
    if (!byUser.has(r.user)) byUser.set(r.user, new Map());
    byUser.get(r.user)!.set(r.item, r.rating);
  }
  const users = [...byUser.keys()].sort((a, b) => a - b);
  const norm = new Map(users.map((u) => [u, Math.sqrt([...byUser.get(u)!.values()].reduce((s, x) => s + x * x, 0))]));
  const rows: Array<[number, number, number, number]> = [];
  for (const u of users) {
    const mine = byUser.get(u)!;
    const similarity = (v: number) => {
      let dot = 0;
      for (const [item, rating] of byUser.get(v)!) dot += (mine.get(item) ?? 0) * rating;
      return dot === 0 ? 0 : dot / (norm.get(u)! * norm.get(v)!);
    };
    const neighbors = users
      .filter((v) => v !== u)
      .map((v) => ({ v, s: similarity(v) }))
      .sort((a, b) => b.s - a.s || a.v - b.v)
      .slice(0, k);
    const scores = new Map<number, number>();
    for (const { v } of neighbors)
      for (const [item, rating] of byUser.get(v)!)
        if (!mine.has(item) && titled.has(item)) scores.set(item, (scores.get(item) ?? 0) + rating);
    [...scores]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, n)
      .forEach(([item, score], i) => rows.push([u, item, score, i + 1]));
  }
  return rows;
}

/** The rendered statement's WITH … part, finished with a plain SELECT of the ranked top-N. */
function relationalCore(neighbors: number, topN: number): string {
  const table = (name: string) => qualified(['MEMORY', 'MAIN', name]);
  const rendered = renderFile('recommend/01-recommendations.sql', {
    recommendations_table: table('MOVIE_RECOMMENDATIONS'),
    ratings_table: table('USER_RATINGS'),
    titles_table: table('TITLE'),
    neighbors: integer(neighbors),
    neighbors_plus_one: integer(neighbors + 1),
    top_n: integer(topN),
    admin_role: identifier('ML_MODEL_ROLE'),
  });
  const create = splitStatements(rendered)[0]!.text;
  const withAt = create.indexOf('WITH ratings AS');
  const finalSelect = create.lastIndexOf('\nSELECT\n');
  expect(withAt).toBeGreaterThan(0);
  expect(finalSelect).toBeGreaterThan(withAt);
  return `${create.slice(withAt, finalSelect)}\nSELECT USER_ID, ITEM_ID, SCORE, ITEM_RANK FROM top_scores ORDER BY USER_ID, ITEM_RANK`;
}

describe('sql/recommend: user-based kNN', () => {
  it.each([
    { seed: 1, neighbors: 3, topN: 4 },
    { seed: 2, neighbors: 10, topN: 10 },
    { seed: 3, neighbors: 1, topN: 2 },
    { seed: 4, neighbors: 45, topN: 5 },
  ])('matches the brute-force definition (seed $seed, k=$neighbors, top $topN)', async ({ seed, neighbors, topN }) => {
    const ratings = sampleRatings(seed);
    const titled = new Set(Array.from({ length: 27 }, (_, i) => i + 1)); // movies 28..30, 98 and 99 have no title
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      await db.run('CREATE TABLE USER_RATINGS (USER_ID BIGINT, ITEM_ID BIGINT, RATING DOUBLE, TIMESTAMP TIMESTAMP)');
      await db.run('CREATE TABLE TITLE (ITEM_ID BIGINT, TITLE VARCHAR)');
      const values = ratings.map((r) => `(${r.user}, ${r.item}, ${r.rating}, NULL)`).join(', ');
      await db.run(`INSERT INTO USER_RATINGS VALUES ${values}`);
      await db.run(`INSERT INTO TITLE VALUES ${[...titled].map((i) => `(${i}, 'Movie ${i}')`).join(', ')}`);
      const result = await db.runAndReadAll(relationalCore(neighbors, topN));
      const rows = result.getRowsJS().map((row) => row.map(Number));
      expect(rows).toEqual(bruteForce(ratings, titled, neighbors, topN));
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      db.closeSync();
      instance.closeSync();
    }
  });
});

// papi's recommenders spelled out in plain TypeScript, so tests can check the SQL in sql/recommend/
// against an independent computation (same ratings in, same top lists out). References, not fast
// paths. user-knn's is src/data/reference-knn.ts.
import { twoDecimals } from '../data/reference-knn.js';

export interface DatedRating {
  user: number | string;
  item: number;
  rating: number;
  /** Seconds, or null for a rating without a timestamp. */
  at: number | null;
}

export interface Ranked {
  item: number;
  score: string;
}

type Id = number | string;
const byId = (a: Id, b: Id) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);

/** Each user's rated items with their latest time (repeated ratings count once). */
function rated(ratings: Iterable<DatedRating>): Map<Id, Map<number, number | null>> {
  const users = new Map<Id, Map<number, number | null>>();
  for (const { user, item, at } of ratings) {
    if (!users.has(user)) users.set(user, new Map());
    const items = users.get(user)!;
    const before = items.get(item);
    items.set(item, before === undefined ? at : before === null ? at : at === null ? before : Math.max(before, at));
  }
  return users;
}

function top(scores: Map<number, number>, topN: number): Ranked[] {
  return [...scores]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, topN)
    .map(([item, score]) => ({ item, score: twoDecimals(score) }));
}

/**
 * item-knn: cosine similarity of items over who rated what; a user's ratings newest first by
 * (time, item id), the one `age` ratings older than the newest weighing 0.5^(age / halfLife)
 * (halfLife 0: all weigh 1), only the 3 · halfLife newest counted, undated ones always, weighing 1;
 * score(j) = Σ weight(i) · similarity(i, j) over items j the user has not rated and that have a title.
 */
export function itemKnnReference(
  ratings: Iterable<DatedRating>,
  titles: ReadonlySet<number>,
  forUsers: Iterable<Id>,
  options: { halfLife: number; topN: number },
): Map<Id, Ranked[]> {
  const users = rated(ratings);
  const raters = new Map<number, Set<Id>>();
  for (const [user, items] of users)
    for (const item of items.keys()) {
      if (!raters.has(item)) raters.set(item, new Set());
      raters.get(item)!.add(user);
    }
  // Users who rated both i and j, for every j, counted from i's raters' items (once per item i).
  const bothRated = new Map<number, Map<number, number>>();
  const row = (i: number) => {
    let counts = bothRated.get(i);
    if (!counts) {
      counts = new Map();
      for (const user of raters.get(i)!) for (const j of users.get(user)!.keys()) if (j !== i) counts.set(j, (counts.get(j) ?? 0) + 1);
      bothRated.set(i, counts);
    }
    return counts;
  };
  const result = new Map<Id, Ranked[]>();
  for (const user of forUsers) {
    const mine = users.get(user);
    if (!mine) continue;
    // Newest first, undated last, equal times to the higher item id (the reverse of (time, item id)).
    const newestFirst = [...mine].sort(([ia, ta], [ib, tb]) => (ta === tb ? 0 : ta === null ? 1 : tb === null ? -1 : tb - ta) || ib - ia);
    const scores = new Map<number, number>();
    newestFirst.forEach(([item, at], age) => {
      const h = options.halfLife;
      if (at !== null && h > 0 && age >= 3 * h) return;
      const weight = at === null || h === 0 ? 1 : 0.5 ** (age / h);
      for (const [other, both] of row(item)) {
        if (mine.has(other) || !titles.has(other)) continue;
        const similarity = both / Math.sqrt(raters.get(item)!.size * raters.get(other)!.size);
        scores.set(other, (scores.get(other) ?? 0) + weight * similarity);
      }
    });
    // As the SQL: sums rounded to 9 decimals, so equal sums tie and go to the lower id.
    for (const [item, score] of scores) scores.set(item, Math.round(score * 1e9) / 1e9);
    const best = top(scores, options.topN);
    if (best.length > 0) result.set(user, best);
  }
  return result;
}

/** popularity: the titles rated by the most users that the user has not rated, ties to the lower id. */
export function popularityReference(ratings: Iterable<DatedRating>, titles: ReadonlySet<number>, forUsers: Iterable<Id>, topN: number): Map<Id, Ranked[]> {
  const users = rated(ratings);
  const counts = new Map<number, number>();
  for (const items of users.values()) for (const item of items.keys()) if (titles.has(item)) counts.set(item, (counts.get(item) ?? 0) + 1);
  const result = new Map<Id, Ranked[]>();
  for (const user of [...new Set(forUsers)].sort(byId)) {
    const mine = users.get(user) ?? new Map();
    const best = top(new Map([...counts].filter(([item]) => !mine.has(item))), topN);
    if (best.length > 0) result.set(user, best);
  }
  return result;
}

// The recommender of issue 4, spelled out in plain TypeScript so tests can check the SQL in
// sql/recommend/ against it (same ratings in, same rows out). It is the reference, not a fast path:
// every user is compared with every other user.
//
// The algorithm (the tutorial notebook's, made deterministic):
//  1. The user × item matrix holds each rating as it is (a user's repeated ratings of one item are
//     averaged, as the SQL does); a missing rating is 0.
//  2. similarity(u, v) = cosine of their rows = dot(u, v) / (|u| · |v|); 0 when they share no item.
//  3. u's neighbours are the `neighbors` OTHER users with the highest similarity. Ties are broken
//     by the LOWER user id first, including at similarity 0: a user who shares items with fewer
//     than `neighbors` users is topped up with the lowest-id users who share nothing.
//  4. score(u, m) = the sum of the neighbours' ratings of m, for every movie m that u has not rated
//     and at least one neighbour has; movies without a title are left out.
//  5. The `topN` movies by score, ties to the lower movie id; movie_score is the score with two
//     decimals ("9.00"), as the notebook's f"{score:.2f}".
//
// How the notebook counts neighbours: it asks scikit-learn's NearestNeighbors (cosine, brute
// force) for the 10 nearest rows of the user's own row. The user is at distance 0 from itself, so
// the first of the 10 is the user, and the sum only adds 0 for it (it skips movies the user rated):
// the notebook really uses the user plus 9 others. papi's `neighbors` counts others, so
// `neighbors: 9` reproduces the notebook. Where the notebook is not deterministic papi picks one
// answer: scikit-learn orders equal distances as its partial sort happens to leave them (papi: lower
// user id), and when another user's row points exactly the same way as the user's (distance 0 too)
// the user itself may be pushed out of its own 10 (papi always takes 9 others). The notebook also
// pads the top 3 with never-seen movies of score 0; papi recommends only movies a neighbour rated.

export interface RatingRow {
  user: number;
  item: number;
  rating: number;
}

export interface Recommendation {
  movie_id: number;
  movie_name: string;
  movie_score: string;
}

export interface KnnOptions {
  /** Other users per user (papi's recommender.neighbors; 9 = the notebook). */
  neighbors: number;
  /** Movies per user (recommender.topN). */
  topN: number;
  /** Only these users get recommendations (all users with ratings are still neighbours). Default: all. */
  forUsers?: Iterable<number>;
}

/** user id → recommendations, best first; users with nothing to recommend are absent. */
export function referenceRecommendations(
  ratings: Iterable<RatingRow>,
  titles: ReadonlyMap<number, string>,
  options: KnnOptions,
): Map<number, Recommendation[]> {
  const rows = userRows(ratings);
  const users = [...rows.keys()].sort((a, b) => a - b);
  const norms = users.map((u) => Math.sqrt(sumOfSquares(rows.get(u)!)));
  // Who rated each item, so a user's dot products come from the items they rated (fast enough for
  // 100,000 ratings) rather than from every pair of users.
  const raters = new Map<number, Array<[index: number, rating: number]>>();
  users.forEach((u, index) => {
    for (const [item, rating] of rows.get(u)!) {
      if (!raters.has(item)) raters.set(item, []);
      raters.get(item)!.push([index, rating]);
    }
  });
  const targets = options.forUsers ? [...new Set(options.forUsers)].sort((a, b) => a - b) : users;
  const result = new Map<number, Recommendation[]>();

  for (const user of targets) {
    const mine = rows.get(user);
    if (!mine) continue;
    const self = users.indexOf(user);
    const dots = new Float64Array(users.length);
    for (const [item, rating] of mine) for (const [other, theirs] of raters.get(item)!) dots[other]! += rating * theirs;
    // As the SQL computes it, DOT / (NORM_u * NORM_v), so equal inputs give bit-equal similarities.
    const neighbors = users
      .map((other, index) => ({ other, index, similarity: dots[index] === 0 ? 0 : dots[index]! / (norms[self]! * norms[index]!) }))
      .filter((n) => n.index !== self)
      .sort((a, b) => b.similarity - a.similarity || a.other - b.other)
      .slice(0, options.neighbors);

    const scores = new Map<number, number>();
    for (const { other } of neighbors)
      for (const [item, rating] of rows.get(other)!)
        if (!mine.has(item) && titles.has(item)) scores.set(item, (scores.get(item) ?? 0) + rating);
    const best = [...scores]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, options.topN)
      .map(([item, score]) => ({ movie_id: item, movie_name: titles.get(item)!, movie_score: twoDecimals(score) }));
    if (best.length > 0) result.set(user, best);
  }
  return result;
}

/** Each user's ratings by item, repeated ratings of an item averaged. */
export function userRows(ratings: Iterable<RatingRow>): Map<number, Map<number, number>> {
  const sums = new Map<number, Map<number, { sum: number; count: number }>>();
  for (const { user, item, rating } of ratings) {
    let row = sums.get(user);
    if (!row) sums.set(user, (row = new Map()));
    const cell = row.get(item);
    if (cell) {
      cell.sum += rating;
      cell.count += 1;
    } else row.set(item, { sum: rating, count: 1 });
  }
  return new Map([...sums].map(([user, row]) => [user, new Map([...row].map(([item, c]) => [item, c.sum / c.count]))]));
}

function sumOfSquares(row: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const rating of row.values()) total += rating * rating;
  return total;
}

/** Two decimals, halves away from zero (Snowflake's ROUND(x, 2) on NUMBER). */
export function twoDecimals(score: number): string {
  return (Math.round(score * 100 + (score >= 0 ? 1e-9 : -1e-9)) / 100).toFixed(2);
}

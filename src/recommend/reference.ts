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

export interface Scored {
  item: number;
  score: number;
}

/**
 * puresvd, exactly: R is users × items (a user's repeated ratings of an item count once, as their
 * average); Q holds the top `factors` right singular vectors of R; score(u, j) = (r_u · Q · Qᵀ)_j for
 * titles j the user has not rated, rounded to 9 decimals, ties to the lower id. Computed another way
 * than the procedure (sql/recommend/puresvd-math.js): a full eigen-decomposition of the small
 * users × users matrix R·Rᵀ by Jacobi rotations, whose eigenvectors u_k give Q = Rᵀ·u_k / σ_k.
 * Dense, O(users³): small data only.
 */
export function pureSvdReference(ratings: Iterable<DatedRating>, titles: ReadonlySet<number>, forUsers: Iterable<Id>, options: { factors: number; topN: number }): Map<Id, Scored[]> {
  const sums = new Map<Id, Map<number, { sum: number; count: number }>>();
  for (const { user, item, rating } of ratings) {
    if (!sums.has(user)) sums.set(user, new Map());
    const cell = sums.get(user)!.get(item) ?? { sum: 0, count: 0 };
    cell.sum += rating;
    cell.count += 1;
    sums.get(user)!.set(item, cell);
  }
  const users = [...sums.keys()].sort(byId);
  const items = [...new Set([...sums.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const R = users.map((u) => items.map((i) => {
    const cell = sums.get(u)!.get(i);
    return cell ? cell.sum / cell.count : 0;
  }));
  const m = users.length;
  const RRt = R.map((a) => R.map((b) => a.reduce((s, x, j) => s + x * b[j]!, 0)));
  const { values, vectors } = jacobiEigen(RRt);
  // Strongest first; directions with σ² = 0 carry nothing.
  const order = values.map((v, k) => [v, k] as const).sort((a, b) => b[0] - a[0]).filter(([v]) => v > 1e-9 * Math.max(...values, 0));
  const k = Math.min(options.factors, order.length);
  const Q = items.map((_, j) => order.slice(0, k).map(([value, c]) => {
    let s = 0;
    for (let u = 0; u < m; u++) s += R[u]![j]! * vectors[u]![c]!;
    return s / Math.sqrt(value);
  }));
  const result = new Map<Id, Scored[]>();
  for (const user of forUsers) {
    const row = users.indexOf(user);
    if (row < 0) continue;
    const r = R[row]!;
    const profile = Array.from({ length: k }, (_, c) => r.reduce((s, x, j) => s + x * Q[j]![c]!, 0));
    const scores: Scored[] = [];
    items.forEach((item, j) => {
      if (sums.get(user)!.has(item) || !titles.has(item)) return;
      const score = profile.reduce((s, p, c) => s + p * Q[j]![c]!, 0);
      scores.push({ item, score: Math.round(score * 1e9) / 1e9 });
    });
    const best = scores.sort((a, b) => b.score - a.score || a.item - b.item).slice(0, options.topN);
    if (best.length > 0) result.set(user, best);
  }
  return result;
}

/** Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric matrix, by cyclic Jacobi rotations. */
export function jacobiEigen(matrix: number[][]): { values: number[]; vectors: number[][] } {
  const n = matrix.length;
  const a = matrix.map((row) => [...row]);
  const v = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j): number => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 200; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        total += a[i]![j]! ** 2;
        if (j > i) off += a[i]![j]! ** 2;
      }
    if (off <= 1e-30 * total) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (a[p]![q] === 0) continue;
        // The rotation that zeroes a[p][q] (Golub & Van Loan, 8.5.2).
        const tau = (a[q]![q]! - a[p]![p]!) / (2 * a[p]![q]!);
        const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.hypot(1, tau));
        const c = 1 / Math.hypot(1, t);
        const s = t * c;
        for (const row of a) [row[p], row[q]] = [c * row[p]! - s * row[q]!, s * row[p]! + c * row[q]!];
        [a[p], a[q]] = [a[p]!.map((x, l) => c * x - s * a[q]![l]!), a[p]!.map((x, l) => s * x + c * a[q]![l]!)];
        for (const row of v) [row[p], row[q]] = [c * row[p]! - s * row[q]!, s * row[p]! + c * row[q]!];
      }
  }
  return { values: a.map((row, i) => row[i]!), vectors: v };
}

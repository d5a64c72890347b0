// puresvd's linear algebra (sql/recommend/puresvd-math.js, the first half of the procedure's body),
// run alone, against the exact PureSVD of src/recommend/reference.ts (a full Jacobi eigen-decomposition
// of R·Rᵀ, another route to the same singular vectors). The procedure as Snowflake runs it — reading
// and writing tables through the driver — is tested in puresvd.test.ts.
import { describe, expect, it } from 'vitest';
import { loadScript } from '../snowflake/template.js';
import { pureSvdBody } from './algorithms.js';
import { jacobiEigen, pureSvdReference, type DatedRating, type Scored } from './reference.js';
import { sampleSlice } from './sample-slice.js';

interface Sparse {
  rows: number;
  columns: number;
}
interface PureSvdMath {
  sparseRows(rows: ArrayLike<number>, columns: ArrayLike<number>, values: ArrayLike<number>, rowCount: number, columnCount: number): Sparse;
  topRightSingularVectors(matrix: Sparse, factors: number, iterations: number, seed: number): { block: Float64Array; width: number };
  userTop(matrix: Sparse, u: number, q: Float64Array, width: number, candidate: ArrayLike<number>, topN: number, rated: Uint8Array): Array<{ column: number; score: number }>;
  symmetricEigen(matrix: Float64Array, size: number): { values: Float64Array; vectors: Float64Array };
  orthonormalize(block: Float64Array, length: number, width: number): void;
}

// The file's functions, as the procedure's body defines them (no Snowflake object is involved).
const math = new Function(`${loadScript('recommend/puresvd-math.js')}\nreturn { sparseRows, topRightSingularVectors, userTop, symmetricEigen, orthonormalize };`)() as PureSvdMath;

/** The math's top lists for every user, computed as the procedure does (rows by user, columns by item id). */
function mathTop(ratings: DatedRating[], titles: number[], factors: number, iterations: number, topN: number): Map<number, Scored[]> {
  const cells = new Map<string, { user: number; item: number; sum: number; count: number }>();
  for (const r of ratings) {
    const key = `${r.user}:${r.item}`;
    const cell = cells.get(key) ?? { user: r.user as number, item: r.item, sum: 0, count: 0 };
    cell.sum += r.rating;
    cell.count += 1;
    cells.set(key, cell);
  }
  const sorted = [...cells.values()].sort((a, b) => a.user - b.user || a.item - b.item);
  const users = [...new Set(sorted.map((c) => c.user))];
  const items = [...new Set(sorted.map((c) => c.item))].sort((a, b) => a - b);
  const row = new Map(users.map((u, i) => [u, i]));
  const column = new Map(items.map((item, i) => [item, i]));
  const matrix = math.sparseRows(
    sorted.map((c) => row.get(c.user)!),
    sorted.map((c) => column.get(c.item)!),
    sorted.map((c) => c.sum / c.count),
    users.length,
    items.length,
  );
  const q = math.topRightSingularVectors(matrix, factors, iterations, 20100926);
  const titled = new Set(titles);
  const candidate = items.map((item) => (titled.has(item) ? 1 : 0));
  const result = new Map<number, Scored[]>();
  const rated = new Uint8Array(items.length);
  users.forEach((user, u) => {
    const best = math.userTop(matrix, u, q.block, q.width, candidate, topN, rated).map((e) => ({ item: items[e.column]!, score: e.score }));
    if (best.length > 0) result.set(user, best);
  });
  return result;
}

/** Same users, same items in the same order, scores within `tolerance`. */
function expectClose(actual: Map<number | string, Scored[]>, expected: Map<number | string, Scored[]>, tolerance: number) {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [user, list] of expected) {
    const got = actual.get(user)!;
    expect(got.map((e) => e.item), `user ${user}`).toEqual(list.map((e) => e.item));
    got.forEach((e, rank) => expect(Math.abs(e.score - list[rank]!.score), `user ${user} rank ${rank + 1}`).toBeLessThan(tolerance));
  }
}

describe("puresvd's procedure body", () => {
  it('fits between $$ … $$ unchanged and within the code size Snowflake recommends', () => {
    // https://docs.snowflake.com/en/developer-guide/udf/javascript/udf-javascript-limitations (Code Size):
    // Snowflake recommends at most 100 KB of JavaScript source.
    const body = pureSvdBody();
    expect(body).not.toContain('$');
    expect(Buffer.byteLength(body)).toBeLessThan(100_000);
  });
});

describe('puresvd math against the exact PureSVD', () => {
  it('Jacobi: eigenpairs of a small symmetric matrix, strongest first', () => {
    const m = [
      [4, 1, 0],
      [1, 3, 1],
      [0, 1, 2],
    ];
    const { values, vectors } = math.symmetricEigen(Float64Array.from(m.flat()), 3);
    const exact = jacobiEigen(m).values.sort((a, b) => b - a);
    expect([...values].map((v) => v.toFixed(10))).toEqual(exact.map((v) => v.toFixed(10)));
    // A·v = λ·v for each column.
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < 3; i++) {
        const av = m[i]!.reduce((s, x, j) => s + x * vectors[j * 3 + c]!, 0);
        expect(av).toBeCloseTo(values[c]! * vectors[i * 3 + c]!, 10);
      }
  });

  it('on 40 users of the generated sample: the same top 10, scores within 1e-6', () => {
    const data = sampleSlice(40);
    for (const factors of [3, 8]) {
      const exact = pureSvdReference(data.ratings, new Set(data.titles), data.users, { factors, topN: 10 });
      expect(exact.size).toBe(40);
      expectClose(mathTop(data.ratings, data.titles, factors, 60, 10), exact, 1e-6);
    }
  });

  it('more factors than the data has directions: the extra ones are dropped, not made up', () => {
    const data = sampleSlice(4);
    const exact = pureSvdReference(data.ratings, new Set(data.titles), data.users, { factors: 20, topN: 5 });
    expectClose(mathTop(data.ratings, data.titles, 20, 30, 5), exact, 1e-6);
  });

  it('the same output on every run (seeded); orthonormalised columns', () => {
    const data = sampleSlice(40);
    const first = mathTop(data.ratings, data.titles, 8, 5, 10);
    expect(mathTop(data.ratings, data.titles, 8, 5, 10)).toEqual(first);
    const q = new Float64Array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]);
    math.orthonormalize(q, 4, 3);
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) expect([0, 1, 2, 3].reduce((s, i) => s + q[i * 3 + a]! * q[i * 3 + b]!, 0)).toBeCloseTo(a === b ? 1 : 0, 12);
  });
});

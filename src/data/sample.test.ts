import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readCsvWithDuckDB, tempDir } from './__tests__/support.js';
import { prepareData, type PreparedData } from './index.js';
import { GENRES, generateSample, SAMPLE_SHAPE, SAMPLE_SHAPES, sampleLines } from './sample.js';

const sha256 = (...texts: string[]) => {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(text);
  return hash.digest('hex');
};

/**
 * The sample's bytes, pinned: the same on every machine and every Node version papi supports. Any
 * change to the generator changes it (and with it every recommendation papi local shows); update
 * it on purpose only.
 */
const PINNED_SHA256 = '90e0b3e428f21155c1ed578255247336574ac5481517fa07d2d7212363bef3fb';

interface Row {
  user: number;
  item: number;
  rating: number;
  timestamp: string;
}

function parse(text: string): { header: string; rows: string[][] } {
  const [header, ...lines] = text.trimEnd().split('\n');
  return { header: header!, rows: lines.map((l) => l.split(',')) };
}

const sample = generateSample();
const ratings: Row[] = parse(sample.ratings).rows.map(([user, item, rating, timestamp]) => ({
  user: Number(user),
  item: Number(item),
  rating: Number(rating),
  timestamp: timestamp!,
}));

describe('sample data', () => {
  it('is the same bytes on every run', () => {
    const again = generateSample();
    expect(sha256(again.users, again.ratings, again.titles)).toBe(sha256(sample.users, sample.ratings, sample.titles));
    expect(sha256(sample.users, sample.ratings, sample.titles)).toBe(PINNED_SHA256);
  });

  it("has MovieLens 100K's shape: 943 users, 1,682 titles, 100,000 ratings of 1 to 5 in 1997-1998", () => {
    expect(sample.counts).toEqual({ users: 943, titles: 1682, ratings: 100_000 });
    expect(ratings).toHaveLength(SAMPLE_SHAPE.ratings);
    expect(parse(sample.ratings).header).toBe('USER_ID,ITEM_ID,RATING,TIMESTAMP');
    expect(parse(sample.users).rows.map(([id]) => Number(id))).toEqual(Array.from({ length: 943 }, (_, i) => i + 1));
    const bad = ratings.filter(
      (r) =>
        !(Number.isInteger(r.rating) && r.rating >= 1 && r.rating <= 5) ||
        !(r.user >= 1 && r.user <= 943 && r.item >= 1 && r.item <= 1682) ||
        !/^199[78]-\d\d-\d\d \d\d:\d\d:\d\d$/.test(r.timestamp),
    );
    expect(bad).toEqual([]);
    // Every rating value occurs, most of them 3 and 4 as in MovieLens.
    const histogram = [1, 2, 3, 4, 5].map((v) => ratings.filter((r) => r.rating === v).length);
    expect(Math.min(...histogram)).toBeGreaterThan(1000);
    expect(histogram[3]! + histogram[2]!).toBeGreaterThan(50_000);
  });

  it('gives every user at least 20 ratings and never rates one movie twice', () => {
    const perUser = new Map<number, number>();
    const pairs = new Set<string>();
    for (const r of ratings) {
      perUser.set(r.user, (perUser.get(r.user) ?? 0) + 1);
      pairs.add(`${r.user}:${r.item}`);
    }
    expect(perUser.size).toBe(943);
    expect(Math.min(...perUser.values())).toBeGreaterThanOrEqual(20);
    expect(pairs.size).toBe(ratings.length);
    // Some users rate a lot, as in MovieLens (max 737 there).
    expect(Math.max(...perUser.values())).toBeGreaterThan(300);
  });

  it('has a long tail of item popularity', () => {
    const perItem = new Map<number, number>();
    for (const r of ratings) perItem.set(r.item, (perItem.get(r.item) ?? 0) + 1);
    const counts = [...perItem.values()].sort((a, b) => b - a);
    expect(counts[0]!).toBeGreaterThan(20 * counts.at(-1)!);
    // The 10 % most popular titles get far more than 10 % of the ratings.
    const top = counts.slice(0, Math.floor(counts.length / 10)).reduce((a, b) => a + b, 0);
    expect(top / ratings.length).toBeGreaterThan(0.25);
  });

  it('has taste clusters: a user mostly rates, and rates higher, movies of one genre', () => {
    // The genre of a title shows in its words (each cluster has its own vocabulary).
    const genreOf = new Map<number, number>();
    for (const [id, quoted] of parse(sample.titles).rows.map((r) => [r[0], r.slice(1).join(',')] as const)) {
      const name = quoted!.slice(1, -1).replaceAll('""', '"').replace(/^Operation "/, '');
      const matches = GENRES.flatMap(([adjectives, nouns], genre) =>
        adjectives.some((a) => nouns.some((n) => name.startsWith(`${a} ${n}`))) ? [genre] : [],
      );
      if (matches.length === 1) genreOf.set(Number(id), matches[0]!);
    }
    expect(genreOf.size).toBeGreaterThan(1500);

    const perUser = new Map<number, number[]>();
    let inFavourite = 0;
    let outside = 0;
    let inCount = 0;
    for (const r of ratings) {
      const genre = genreOf.get(r.item);
      if (genre === undefined) continue;
      if (!perUser.has(r.user)) perUser.set(r.user, new Array<number>(GENRES.length).fill(0));
      perUser.get(r.user)![genre]! += 1;
    }
    const favourite = new Map([...perUser].map(([user, counts]) => [user, counts.indexOf(Math.max(...counts))]));
    let share = 0;
    for (const [user, counts] of perUser) share += counts[favourite.get(user)!]! / counts.reduce((a, b) => a + b, 0);
    // With six genres and no clusters the favourite would hold about a fifth of a user's ratings.
    expect(share / perUser.size).toBeGreaterThan(0.5);
    for (const r of ratings) {
      if (genreOf.get(r.item) === undefined) continue;
      if (genreOf.get(r.item) === favourite.get(r.user)) {
        inFavourite += r.rating;
        inCount += 1;
      } else outside += r.rating;
    }
    const otherCount = ratings.filter((r) => genreOf.has(r.item)).length - inCount;
    expect(inFavourite / inCount - outside / otherCount).toBeGreaterThan(0.8);
  });

  it('quotes every title, doubling embedded quotes, so a CSV reader gets the titles back', async () => {
    const tmp = await tempDir();
    let prepared: PreparedData | undefined;
    try {
      prepared = await prepareData('sample', { cacheDir: tmp.path, tmpDir: tmp.path });
      const titleLines = parse(await readFile(prepared.files.titles, 'utf8')).rows;
      expect(titleLines.length).toBe(1682);
      const rows = await readCsvWithDuckDB(prepared.files.titles, { ITEM_ID: 'BIGINT', TITLE: 'VARCHAR' });
      expect(rows).toHaveLength(1682);
      const titles = rows.map((r) => String(r.TITLE));
      expect(new Set(titles).size).toBe(1682);
      expect(titles.some((t) => t.includes(', The ('))).toBe(true);
      expect(titles.some((t) => t.includes('"'))).toBe(true);
      for (const t of titles) expect(t).toMatch(/^[^\n]+ \((19[3-9]\d)\)$/);
      const read = await readCsvWithDuckDB(prepared.files.ratings, { USER_ID: 'BIGINT', ITEM_ID: 'BIGINT', RATING: 'DOUBLE', TIMESTAMP: 'TIMESTAMP' });
      expect(read).toHaveLength(100_000);
      expect(prepared.counts).toEqual({ users: 943, ratings: 100_000, titles: 1682 });
      expect(await readFile(prepared.files.ratings, 'utf8')).toBe(sample.ratings);
    } finally {
      await prepared?.remove();
      await tmp.remove();
    }
  });
});

describe('sample sizes and id formats', () => {
  it('the files written as the sample is generated are the pinned bytes, the same on a second run', async () => {
    const tmp = await tempDir();
    try {
      const hashes: string[] = [];
      for (let run = 0; run < 2; run++) {
        const prepared = await prepareData('sample', { cacheDir: tmp.path, tmpDir: tmp.path, sampleSize: '100k' });
        const texts = await Promise.all((['users', 'ratings', 'titles'] as const).map((kind) => readFile(prepared.files[kind], 'utf8')));
        hashes.push(sha256(...texts));
        expect(prepared.source).toBe('sample · 943 users, 100,000 ratings, 1,682 titles');
        await prepared.remove();
      }
      expect(hashes).toEqual([PINNED_SHA256, PINNED_SHA256]);
    } finally {
      await tmp.remove();
    }
  });

  it("1m and 10m have MovieLens 1M's and 10M's counts (GroupLens's READMEs); 10m rates in half stars", () => {
    expect(SAMPLE_SHAPES['1m']).toMatchObject({ users: 6040, titles: 3900, ratings: 1_000_209, minPerUser: 20, step: 1 });
    expect(SAMPLE_SHAPES['10m']).toMatchObject({ users: 71_567, titles: 10_681, ratings: 10_000_054, minPerUser: 20, step: 0.5 });
    // Each begins the same way for a given seed: the first ratings of 10m, in half stars within the period.
    const first = [];
    for (const [kind, line] of sampleLines({ size: '10m' })) {
      if (kind !== 'ratings' || first.length === 2000) break;
      first.push(line.split(','));
    }
    const values = new Set(first.map(([, , rating]) => Number(rating)));
    expect([...values].every((v) => v >= 0.5 && v <= 5 && Number.isInteger(v * 2))).toBe(true);
    expect([...values].some((v) => !Number.isInteger(v))).toBe(true);
    for (const [, , , timestamp] of first) expect(timestamp! >= '1995-01-09' && timestamp! < '2009-01-06').toBe(true);
  });

  it('with alphanumeric ids the same sample names its users user-1 … user-943 (text, not numbers)', () => {
    const alphanumeric = generateSample({ idFormat: 'alphanumeric' });
    expect(alphanumeric.counts).toEqual(sample.counts);
    expect(alphanumeric.users).toBe(`ID\n${Array.from({ length: 943 }, (_, i) => `user-${i + 1}`).join('\n')}\n`);
    // The same ratings, only the user ids written differently.
    const renamed = sample.ratings.replace(/^(\d+),/gm, 'user-$1,');
    expect(alphanumeric.ratings).toBe(renamed);
    expect(alphanumeric.titles).toBe(sample.titles);
  });
});

// `--data sample`: a MovieLens-shaped data set made up offline, the same bytes on every run and
// every machine, in three sizes shaped like GroupLens's MovieLens 100K, 1M and 10M (their users,
// titles and ratings counts, rating scale and collection period; every user with at least 20
// ratings). Item popularity has a long tail, and six taste clusters (genres) make the neighbours
// meaningful: a user mostly watches, and rates higher, the movies of their own cluster.
//
// Determinism: a seeded 32-bit generator and only + - * / and floor on doubles (no Math.pow, log
// or exp, whose last bits may differ between platforms). The files are written as they are made
// (10m is about 300 MB of ratings): only the per-item and per-user tables stay in memory.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { sampleUserId, type IdFormat } from '../config/id-format.js';
import type { SampleSize } from '../config/types.js';
export type { SampleSize };
import { quoteCsv } from './csv.js';
import { formatTimestamp } from './fields.js';
import { CsvWriter, HEADERS, type DataCounts, type DataKind } from './output.js';

export { SAMPLE_SIZES } from '../config/defaults.js';
export { sampleUserId };

interface SampleShape {
  users: number;
  titles: number;
  ratings: number;
  minPerUser: number;
  clusters: number;
  /** Ratings step: 1 (1 to 5 stars) or 0.5 (half stars from 0.5, as MovieLens 10M). */
  step: 1 | 0.5;
  /** The collection period (UTC seconds). */
  firstSecond: number;
  lastSecond: number;
}

/**
 * The GroupLens READMEs' figures: 100K has 943 users, 1,682 movies, 100,000 ratings (1997-09-20 to
 * 1998-04-22); 1M 6,040 users, about 3,900 movies, 1,000,209 ratings (users who joined in 2000; the
 * ratings run to 2003-02-28); 10M 71,567 users, 10,681 movies, 10,000,054 half-star ratings
 * (1995-01-09 to 2009-01-05).
 */
export const SAMPLE_SHAPES: Record<SampleSize, SampleShape> = {
  '100k': { users: 943, titles: 1682, ratings: 100_000, minPerUser: 20, clusters: 6, step: 1, firstSecond: Date.UTC(1997, 8, 20) / 1000, lastSecond: Date.UTC(1998, 3, 22, 23, 59, 59) / 1000 },
  '1m': { users: 6040, titles: 3900, ratings: 1_000_209, minPerUser: 20, clusters: 6, step: 1, firstSecond: Date.UTC(2000, 3, 25) / 1000, lastSecond: Date.UTC(2003, 1, 28, 23, 59, 59) / 1000 },
  '10m': { users: 71_567, titles: 10_681, ratings: 10_000_054, minPerUser: 20, clusters: 6, step: 0.5, firstSecond: Date.UTC(1995, 0, 9) / 1000, lastSecond: Date.UTC(2009, 0, 5, 23, 59, 59) / 1000 },
};

/** The default sample (100k). */
export const SAMPLE_SHAPE = SAMPLE_SHAPES['100k'];

const SEED = 0x9a91_2024;
/** Share of a user's ratings drawn from their own cluster (bounded by the cluster's size). */
const IN_CLUSTER = 0.7;

/** Title words per cluster: adjectives × nouns, in MovieLens's "Name, The (Year)" style. */
export const GENRES: ReadonlyArray<readonly [readonly string[], readonly string[]]> = [
  [
    ['Dark', 'Final', 'Silent', 'Iron', 'Red', 'Lost', 'Last', 'Hidden', 'Broken', 'Burning', 'Steel', 'Outer'],
    ['Horizon', 'Protocol', 'Frontier', 'Signal', 'Empire', 'Machine', 'Orbit', 'Colony', 'Storm', 'Legion', 'Vector', 'Eclipse'],
  ],
  [
    ['Summer', 'Paper', 'Quiet', 'Sweet', 'Long', 'Golden', 'Distant', 'Secret', 'Tender', 'Winter', 'Second', 'Borrowed'],
    ['Letters', 'Promise', 'Garden', 'Heart', 'Wedding', 'Affair', 'Season', 'Kiss', 'River', 'Shore', 'Waltz', 'Goodbye'],
  ],
  [
    ['Crazy', 'Big', 'Wild', 'Lucky', 'Naked', 'Hot', 'Dumb', 'Happy', 'Mad', 'Weird', 'Totally', 'Lazy'],
    ['Weekend', 'Neighbors', 'Vacation', 'Roommates', 'Road Trip', 'Party', 'Business', 'Family', 'Reunion', 'Job', 'Uncle', 'Honeymoon'],
  ],
  [
    ['Cursed', 'Bloody', 'Midnight', 'Deadly', 'Haunted', 'Cold', 'Killer', 'Hollow', 'Black', 'Sleepless', 'Twisted', 'Silent'],
    ['House', 'Night', 'Ritual', 'Witness', 'Game', 'Cellar', 'Mirror', 'Harvest', 'Woods', 'Stranger', 'Motel', 'Lake'],
  ],
  [
    ['Little', 'Magic', 'Brave', 'Flying', 'Jolly', 'Tiny', 'Amazing', 'Curious', 'Great', 'Merry', 'Lonely', 'Clever'],
    ['Dragon', 'Puppy', 'Kingdom', 'Balloon', 'Princess', 'Bear', 'Island', 'Robot', 'Circus', 'Treasure', 'Giant', 'Pony'],
  ],
  [
    ['Portrait of a', 'Notes on a', 'Year of the', 'Inside the', 'Requiem for a', 'Songs of the', 'Voices from the', 'Letter to a', 'Memory of a', 'Echoes of the', 'Last Days of the', 'Life of a'],
    ['City', 'Painter', 'Harbor', 'Factory', 'Village', 'Mountain', 'Revolution', 'Silence', 'Dancer', 'Desert', 'Poet', 'Island'],
  ],
];
const SEQUELS = [' II', ' III', ' IV', ' V', ' VI'];

export interface SampleOptions {
  size?: SampleSize;
  idFormat?: IdFormat;
}

/**
 * The sample's data lines, kind by kind as they are made (all ratings, then all titles, then the
 * users), without headers: a generator, so the caller writes them out as they come.
 */
export function* sampleLines(options: SampleOptions = {}): Generator<[DataKind, string]> {
  const shape = SAMPLE_SHAPES[options.size ?? '100k'];
  const userId = (index: number) => sampleUserId(index + 1, options.idFormat);
  const random = mulberry32(SEED);
  const int = (n: number) => Math.floor(random() * n);
  const { users: userCount, titles: itemCount, ratings: ratingCount, minPerUser, clusters } = shape;

  // Items: a cluster each, a quality, and a popularity rank (random order) for a long tail.
  const itemCluster: number[] = [];
  const itemQuality: number[] = [];
  for (let item = 0; item < itemCount; item++) {
    itemCluster.push(int(clusters));
    itemQuality.push(2.3 + random() * 1.8);
  }
  const rank = shuffle(Array.from({ length: itemCount }, (_, i) => i + 1), int);
  // 1/(rank + 8): at 100k the most popular title is drawn ~200 times as often as the least.
  const weight = rank.map((r) => 1 / (r + 8));
  const global = cumulative(Array.from({ length: itemCount }, (_, i) => i), weight);
  const byCluster = Array.from({ length: clusters }, (_, c) =>
    cumulative(
      Array.from({ length: itemCount }, (_, i) => i).filter((i) => itemCluster[i] === c),
      weight,
    ),
  );

  // Users: a cluster, a bias, and a number of ratings: at least minPerUser, long-tailed (u^4),
  // scaled so the total is exactly the shape's.
  const userCluster: number[] = [];
  const userBias: number[] = [];
  const extra: number[] = [];
  for (let user = 0; user < userCount; user++) {
    userCluster.push(int(clusters));
    userBias.push(random() * 1.2 - 0.6);
    const u = random();
    extra.push(u * u * u * u);
  }
  const counts = spread(extra, ratingCount - minPerUser * userCount).map((n) => n + minPerUser);

  const { firstSecond, lastSecond } = shape;
  const lowest = shape.step === 1 ? 1 : 0.5;
  for (let user = 0; user < userCount; user++) {
    const cluster = userCluster[user]!;
    const own = byCluster[cluster]!;
    const wanted = counts[user]!;
    const chosen = new Set<number>();
    const fromOwn = Math.min(Math.floor(wanted * IN_CLUSTER), Math.floor(own.items.length * 0.6));
    while (chosen.size < fromOwn) chosen.add(draw(own, random));
    while (chosen.size < wanted) chosen.add(draw(global, random));

    // Each user rated within their own stretch of the collection period.
    const start = firstSecond + int(lastSecond - firstSecond - 86_400);
    const span = 86_400 + int(lastSecond - start - 86_400);
    const id = userId(user);
    for (const item of chosen) {
      const affinity = itemCluster[item] === cluster ? 0.9 : -0.5;
      const score = itemQuality[item]! + userBias[user]! + affinity + (random() * 2 - 1);
      const rating = Math.min(5, Math.max(lowest, shape.step === 1 ? Math.round(score) : Math.round(score * 2) / 2));
      const second = start + int(span);
      yield ['ratings', `${id},${item + 1},${rating},${formatTimestamp(second * 1000)}`];
    }
  }

  const used = new Set<string>();
  for (let item = 0; item < itemCount; item++) {
    const [adjectives, nouns] = GENRES[itemCluster[item]!]!;
    let name = `${adjectives[int(adjectives.length)]} ${nouns[int(nouns.length)]}`;
    const style = random();
    if (style < 0.25) name = `${name}, The`; // MovieLens puts the article last: "Usual Suspects, The"
    else if (style < 0.28) name = `Operation "${name}"`; // embedded quotes, doubled in the CSV
    const u = random();
    const year = 1998 - Math.floor(u * u * u * 68);
    let title = `${name} (${year})`;
    for (let i = 0; used.has(title); i++) title = `${name}${SEQUELS[i % SEQUELS.length]}${i >= SEQUELS.length ? ` ${i}` : ''} (${year})`;
    used.add(title);
    yield ['titles', `${item + 1},${quoteCsv(title)}`];
  }

  for (let user = 0; user < userCount; user++) yield ['users', userId(user)];
}

export interface SampleData {
  users: string;
  ratings: string;
  titles: string;
  counts: DataCounts;
}

/** A whole sample as the three CSV texts, for tests (100k: about 2.5 MB in all; never 10m). */
export function generateSample(options: SampleOptions = {}): SampleData {
  const lines: Record<DataKind, string[]> = { users: [HEADERS.users], ratings: [HEADERS.ratings], titles: [HEADERS.titles] };
  for (const [kind, line] of sampleLines(options)) lines[kind].push(line);
  return {
    users: `${lines.users.join('\n')}\n`,
    ratings: `${lines.ratings.join('\n')}\n`,
    titles: `${lines.titles.join('\n')}\n`,
    counts: { users: lines.users.length - 1, ratings: lines.ratings.length - 1, titles: lines.titles.length - 1 },
  };
}

/** Writes the sample into the three files as it is generated. */
export async function writeSample(files: Record<DataKind, string>, options: SampleOptions & { signal?: AbortSignal } = {}): Promise<DataCounts> {
  const writers = {} as Record<DataKind, CsvWriter>;
  try {
    for (const kind of ['users', 'ratings', 'titles'] as const) writers[kind] = await CsvWriter.create(files[kind], HEADERS[kind]);
    let n = 0;
    for (const [kind, line] of sampleLines(options)) {
      const pending = writers[kind].row(line);
      if (pending) await pending;
      if ((++n & 0xffff) === 0) options.signal?.throwIfAborted();
    }
    for (const writer of Object.values(writers)) await writer.close();
  } catch (error) {
    for (const writer of Object.values(writers)) await writer.abandon();
    throw error;
  }
  return { users: writers.users.rows, ratings: writers.ratings.rows, titles: writers.titles.rows };
}

/**
 * writeSample in a worker thread, so the thread that asked can go on (papi setup starts papi local
 * meanwhile). Built, the worker is sample-worker.js beside this module; run from source (tests under
 * vitest), there is none and the sample is made here. Aborting `signal` stops the worker.
 */
export async function writeSampleInWorker(files: Record<DataKind, string>, options: SampleOptions & { signal?: AbortSignal } = {}): Promise<DataCounts> {
  const entry = fileURLToPath(new URL('./sample-worker.js', import.meta.url));
  const { signal, ...sampleOptions } = options;
  if (!existsSync(entry)) return writeSample(files, options);
  signal?.throwIfAborted();
  const worker = new Worker(entry, { workerData: { files, options: sampleOptions } });
  const onAbort = () => void worker.terminate();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const answer = await new Promise<{ counts?: DataCounts; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(signal?.aborted ? signal.reason : new Error(`the sample's worker exited (code ${code}) without an answer`)));
    });
    if (answer.error !== undefined) throw new Error(answer.error);
    return answer.counts!;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}

/** mulberry32: a small, well-mixed 32-bit generator; exact in doubles, so identical everywhere. */
function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(values: T[], int: (n: number) => number): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return values;
}

interface Weighted {
  items: number[];
  /** Running sums of the items' weights. */
  sums: number[];
}

function cumulative(items: number[], weight: number[]): Weighted {
  const sums: number[] = [];
  let total = 0;
  for (const item of items) sums.push((total += weight[item]!));
  return { items, sums };
}

/** One item, with probability proportional to its weight (binary search over the running sums). */
function draw({ items, sums }: Weighted, random: () => number): number {
  const target = random() * sums[sums.length - 1]!;
  let low = 0;
  let high = sums.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sums[mid]! > target) high = mid;
    else low = mid + 1;
  }
  return items[low]!;
}

/** Whole shares of `total` in proportion to `shares`; the remainder goes one each to the first. */
function spread(shares: number[], total: number): number[] {
  const sum = shares.reduce((a, b) => a + b, 0);
  const parts = shares.map((s) => Math.floor((s * total) / sum));
  let left = total - parts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % parts.length, left--) parts[i]! += 1;
  return parts;
}

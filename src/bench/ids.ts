// Where the ids of a run come from and in which order they are asked for.
// - `parseIdList`: the tutorial's cust_ids.csv shape: one id per line, an optional header line,
//   extra columns ignored, duplicates dropped (order kept).
// - `IdPicker`: turns a list into request paths for a cache mode:
//     miss  — never repeats an id within the run (needs requests × ids-per-request distinct ids);
//     hit   — cycles through a small hot set (the tutorial's "Current Thread" sharing mode);
//     mixed — draws uniformly from the whole list, so repeats happen at the list's natural rate.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../ui/errors.js';

export type CacheMode = 'hit' | 'miss' | 'mixed';

/** Ids the service accepts ([A-Za-z0-9_-], at most 64); anything else in the file is rejected. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;
const NUMERIC = /^[0-9]+$/;

export async function readIdsFile(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--ids: cannot read ${path}`, { cause: error, hint: 'Give a CSV with one id per line.' });
  }
  return parseIdList(text, path);
}

export function parseIdList(text: string, source = 'ids'): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => firstField(line))
    .filter((value) => value !== '');
  // A first line is a header when it is not numeric but what follows is (CUST_ID over 22, 196, …).
  if (lines.length > 1 && !NUMERIC.test(lines[0]!) && NUMERIC.test(lines[1]!)) lines.shift();
  const seen = new Set<string>();
  lines.forEach((id, index) => {
    if (!ID.test(id))
      throw new UsageError(`${source}: line ${index + 1} is not an id: ${JSON.stringify(id.slice(0, 40))}`, {
        hint: 'Ids are 1–64 letters, digits, _ or -, one per line.',
      });
    seen.add(id);
  });
  if (seen.size === 0) throw new UsageError(`${source}: no ids found`, { hint: 'Give a CSV with one id per line.' });
  return [...seen];
}

function firstField(line: string): string {
  const field = line.split(',')[0]!.trim();
  return field.length >= 2 && field.startsWith('"') && field.endsWith('"') ? field.slice(1, -1).trim() : field;
}

export interface IdPickerOptions {
  mode: CacheMode;
  idsPerRequest: number;
  /** Size of the hot set for `hit` (at least idsPerRequest). */
  hotSetSize?: number;
  /** Seed for `mixed` draws, so a run can be repeated. */
  seed?: number;
}

export const DEFAULT_HOT_SET = 10;

export class IdPicker {
  readonly mode: CacheMode;
  readonly idsPerRequest: number;
  /** The ids `hit` cycles through (empty for the other modes). */
  readonly hotSet: readonly string[];
  private next = 0;
  private readonly random: () => number;

  constructor(
    private readonly ids: readonly string[],
    options: IdPickerOptions,
  ) {
    if (ids.length === 0) throw new UsageError('no ids to request');
    if (!Number.isInteger(options.idsPerRequest) || options.idsPerRequest < 1)
      throw new UsageError('--ids-per-request must be a positive integer');
    if (options.idsPerRequest > ids.length)
      throw new UsageError(`--ids-per-request ${options.idsPerRequest} is more than the ${ids.length} ids available`);
    this.mode = options.mode;
    this.idsPerRequest = options.idsPerRequest;
    const hot = Math.max(options.hotSetSize ?? DEFAULT_HOT_SET, options.idsPerRequest);
    this.hotSet = options.mode === 'hit' ? ids.slice(0, Math.min(hot, ids.length)) : [];
    this.random = mulberry32(options.seed ?? 1);
  }

  /** How many requests `miss` can make before it would repeat an id (Infinity otherwise). */
  get capacity(): number {
    return this.mode === 'miss' ? Math.floor(this.ids.length / this.idsPerRequest) : Infinity;
  }

  /** Throws a UsageError when `miss` cannot make `requests` requests without repeating an id. */
  ensureCapacity(requests: number): void {
    if (requests <= this.capacity) return;
    const needed = requests * this.idsPerRequest;
    throw new UsageError(
      `--cache miss needs ${needed} distinct ids for ${requests} requests × ${this.idsPerRequest} id(s), but only ${this.ids.length} are available`,
      { hint: `Give more ids, or lower --requests/--duration to at most ${this.capacity} requests.` },
    );
  }

  /** The ids of the next request, or undefined when `miss` has used every id. */
  take(): string[] | undefined {
    const k = this.idsPerRequest;
    switch (this.mode) {
      case 'miss': {
        if (this.next + k > this.ids.length) return undefined;
        const ids = this.ids.slice(this.next, this.next + k);
        this.next += k;
        return ids;
      }
      case 'hit': {
        const ids: string[] = [];
        for (let i = 0; i < k; i++) ids.push(this.hotSet[this.next++ % this.hotSet.length]!);
        return ids;
      }
      case 'mixed': {
        const ids = new Set<string>();
        while (ids.size < k) ids.add(this.ids[Math.floor(this.random() * this.ids.length)]!);
        return [...ids];
      }
    }
  }
}

/** A small seeded PRNG (mulberry32): reproducible draws without a dependency. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

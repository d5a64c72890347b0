// Latency histograms: an HDR histogram (hdr-histogram-js) of integer microseconds for the
// percentiles, plus fixed 1-2-5 buckets for the text histogram and the distribution chart.
import { createRequire } from 'node:module';
import type { Histogram } from 'hdr-histogram-js';

// Loaded on the first histogram, not with this module: every papi command imports the bench
// command's definition (and through it this file), and hdr-histogram-js with pako costs ~70 ms.
let hdrBuild: typeof import('hdr-histogram-js').build | undefined;
const build: typeof import('hdr-histogram-js').build = (request) => (hdrBuild ??= (createRequire(import.meta.url)('hdr-histogram-js') as typeof import('hdr-histogram-js')).build)(request);

/** Upper bounds (µs) of the distribution buckets: 1-2-5 steps from 50 µs to 20 s, then "more". */
export const BUCKET_BOUNDS_US: readonly number[] = (() => {
  const bounds: number[] = [];
  for (let decade = 10; decade <= 1_000_000; decade *= 10) for (const step of [5, 10, 20]) bounds.push(step * decade);
  return bounds;
})();

export const PERCENTILES = [50, 90, 95, 99, 99.9] as const;

export interface Percentiles {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p99_9: number;
  max: number;
  min: number;
  mean: number;
}

export interface Bucket {
  /** Inclusive upper bound in ms; null for the last, open-ended bucket. */
  upToMs: number | null;
  count: number;
}

export class LatencyHistogram {
  private readonly hdr: Histogram;
  private readonly buckets = new Array<number>(BUCKET_BOUNDS_US.length + 1).fill(0);

  constructor(significantDigits: 2 | 3 = 3) {
    this.hdr = build({ numberOfSignificantValueDigits: significantDigits });
  }

  /** Records one value in milliseconds (kept as whole microseconds, at least 1). */
  recordMs(ms: number): void {
    const us = Math.max(1, Math.round(ms * 1000));
    this.hdr.recordValue(us);
    this.buckets[bucketIndex(us)]!++;
  }

  get count(): number {
    return this.hdr.totalCount;
  }

  /** The value at a percentile (0–100), in ms; 0 when empty. */
  percentileMs(percentile: number): number {
    return this.count === 0 ? 0 : this.hdr.getValueAtPercentile(percentile) / 1000;
  }

  percentiles(): Percentiles {
    const empty = this.count === 0;
    return {
      p50: this.percentileMs(50),
      p90: this.percentileMs(90),
      p95: this.percentileMs(95),
      p99: this.percentileMs(99),
      p99_9: this.percentileMs(99.9),
      // The top of the max value's bucket, as the percentiles are, so p99.9 ≤ max always holds.
      max: this.percentileMs(100),
      min: empty ? 0 : this.hdr.minNonZeroValue / 1000,
      mean: empty ? 0 : round3(this.hdr.mean / 1000),
    };
  }

  /**
   * p50, p99 and max only, as percentiles() has them: a timeline slice needs no more, and min and
   * above all mean (hdr-histogram-js walks every recorded value for it) were most of the report's cost.
   */
  sliceSummary(): { p50: number; p99: number; max: number } {
    return { p50: this.percentileMs(50), p99: this.percentileMs(99), max: this.percentileMs(100) };
  }

  /** The 1-2-5 buckets from the first to the last non-empty one. */
  distribution(): Bucket[] {
    const first = this.buckets.findIndex((n) => n > 0);
    if (first < 0) return [];
    let last = this.buckets.length - 1;
    while (this.buckets[last] === 0) last--;
    return this.buckets.slice(first, last + 1).map((count, i) => {
      const bound = BUCKET_BOUNDS_US[first + i];
      return { upToMs: bound === undefined ? null : bound / 1000, count };
    });
  }

  add(other: LatencyHistogram): void {
    this.hdr.add(other.hdr);
    other.buckets.forEach((n, i) => (this.buckets[i]! += n));
  }

  destroy(): void {
    this.hdr.destroy();
  }
}

function bucketIndex(us: number): number {
  // Binary search: the first bound >= us; past the last bound is the open bucket.
  let lo = 0;
  let hi = BUCKET_BOUNDS_US.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (BUCKET_BOUNDS_US[mid]! >= us) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

// Latency over time, in buckets of the intended start time. Buckets start at 100 ms and double in
// width (pairs merged) whenever there would be more than MAX_BUCKETS, so memory stays bounded
// whatever the run's length and a short run still gets a useful curve.
import { LatencyHistogram } from './histogram.js';

const FIRST_WIDTH_MS = 100;
const MAX_BUCKETS = 240;

interface Slot {
  latency: LatencyHistogram;
  errors: number;
}

export interface TimelinePoint {
  /** Start of the bucket, seconds from the first intended start. */
  atS: number;
  count: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class Timeline {
  widthMs = FIRST_WIDTH_MS;
  private slots: Array<Slot | undefined> = [];

  /** A response (latency in ms) or an error (latency undefined) for a request intended at `atMs`. */
  record(atMs: number, latencyMs: number | undefined): void {
    let index = Math.max(0, Math.floor(atMs / this.widthMs));
    while (index >= MAX_BUCKETS) {
      this.mergePairs();
      index = Math.floor(atMs / this.widthMs);
    }
    const slot = (this.slots[index] ??= { latency: new LatencyHistogram(2), errors: 0 });
    if (latencyMs === undefined) slot.errors++;
    else slot.latency.recordMs(latencyMs);
  }

  points(): TimelinePoint[] {
    const points: TimelinePoint[] = [];
    this.slots.forEach((slot, index) => {
      if (!slot) return;
      const p = slot.latency.percentiles();
      points.push({
        atS: (index * this.widthMs) / 1000,
        count: slot.latency.count,
        errors: slot.errors,
        p50Ms: p.p50,
        p99Ms: p.p99,
        maxMs: p.max,
      });
    });
    return points;
  }

  private mergePairs(): void {
    const merged: Array<Slot | undefined> = [];
    for (let i = 0; i < this.slots.length; i += 2) {
      const a = this.slots[i];
      const b = this.slots[i + 1];
      if (a && b) {
        a.latency.add(b.latency);
        a.errors += b.errors;
        b.latency.destroy();
      }
      merged.push(a ?? b);
    }
    this.slots = merged;
    this.widthMs *= 2;
  }
}

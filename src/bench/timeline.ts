// Latency over time, in buckets of the intended start time. Buckets start at 100 ms and double in
// width (pairs merged) whenever there would be more than MAX_BUCKETS, so memory stays bounded
// whatever the run's length and a short run still gets a useful curve. A timeline made with a
// `spanMs` keeps 100 ms buckets and ignores what comes later: the first seconds of a run in detail
// (a cold start), with what the generator saw around each slice — requests in flight, connections
// it opened, answers that were cache misses.
import { LatencyHistogram } from './histogram.js';

const FIRST_WIDTH_MS = 100;
const MAX_BUCKETS = 240;

interface Slot {
  latency: LatencyHistogram;
  errors: number;
  /** Answers whose X-Cache was not HIT (MISS, PARTIAL, STALE). */
  misses: number;
  /** Most requests in flight just after a send in this slice. */
  maxInFlight: number;
  /** Connections the generator opened in this slice (by when they opened). */
  opened: number;
}

export interface TimelinePoint {
  /** Start of the bucket, seconds from the first intended start. */
  atS: number;
  count: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  misses: number;
  maxInFlight: number;
  opened: number;
}

export class Timeline {
  widthMs = FIRST_WIDTH_MS;
  private slots: Array<Slot | undefined> = [];

  /** spanMs: keep only this long from the start, at 100 ms a bucket (no merging). */
  constructor(private readonly spanMs?: number) {}

  /** A response (latency in ms) or an error (latency undefined) for a request intended at `atMs`. */
  record(atMs: number, latencyMs: number | undefined, miss = false): void {
    const slot = this.slot(atMs);
    if (!slot) return;
    if (latencyMs === undefined) slot.errors++;
    else slot.latency.recordMs(latencyMs);
    if (miss) slot.misses++;
  }

  /** A request intended at `atMs` was sent, leaving `inFlight` requests in flight. */
  sent(atMs: number, inFlight: number): void {
    const slot = this.slot(atMs);
    if (slot && inFlight > slot.maxInFlight) slot.maxInFlight = inFlight;
  }

  /** The generator opened a connection at `atMs`. */
  opened(atMs: number): void {
    const slot = this.slot(atMs);
    if (slot) slot.opened++;
  }

  points(): TimelinePoint[] {
    const points: TimelinePoint[] = [];
    this.slots.forEach((slot, index) => {
      if (!slot) return;
      const p = slot.latency.sliceSummary();
      points.push({
        atS: (index * this.widthMs) / 1000,
        count: slot.latency.count,
        errors: slot.errors,
        p50Ms: p.p50,
        p99Ms: p.p99,
        maxMs: p.max,
        misses: slot.misses,
        maxInFlight: slot.maxInFlight,
        opened: slot.opened,
      });
    });
    return points;
  }

  private slot(atMs: number): Slot | undefined {
    if (this.spanMs !== undefined && atMs >= this.spanMs) return undefined;
    let index = Math.max(0, Math.floor(atMs / this.widthMs));
    while (index >= MAX_BUCKETS) {
      this.mergePairs();
      index = Math.floor(atMs / this.widthMs);
    }
    return (this.slots[index] ??= { latency: new LatencyHistogram(2), errors: 0, misses: 0, maxInFlight: 0, opened: 0 });
  }

  private mergePairs(): void {
    const merged: Array<Slot | undefined> = [];
    for (let i = 0; i < this.slots.length; i += 2) {
      const a = this.slots[i];
      const b = this.slots[i + 1];
      if (a && b) {
        a.latency.add(b.latency);
        a.errors += b.errors;
        a.misses += b.misses;
        a.maxInFlight = Math.max(a.maxInFlight, b.maxInFlight);
        a.opened += b.opened;
        b.latency.destroy();
      }
      merged.push(a ?? b);
    }
    this.slots = merged;
    this.widthMs *= 2;
  }
}

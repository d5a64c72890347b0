import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram.js';

// HDR with 3 significant digits: a reported value is within 0.1 % of the exact one.
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.001 + 0.001);

describe('LatencyHistogram percentiles', () => {
  it('uniform 1..10,000 µs: the p-th percentile is p % of the range', () => {
    const h = new LatencyHistogram();
    for (let us = 1; us <= 10_000; us++) h.recordMs(us / 1000);
    const p = h.percentiles();
    close(p.p50, 5);
    close(p.p90, 9);
    close(p.p95, 9.5);
    close(p.p99, 9.9);
    close(p.p99_9, 9.99);
    close(p.max, 10);
    close(p.min, 0.001);
    close(p.mean, 5.0005);
    expect(h.count).toBe(10_000);
  });

  it("a timeline slice's summary: p50, p99 and max as percentiles() gives them", () => {
    const h = new LatencyHistogram(2);
    for (let us = 1; us <= 5000; us += 7) h.recordMs(us / 1000);
    h.recordMs(250);
    const { p50, p99, max } = h.percentiles();
    expect(h.sliceSummary()).toEqual({ p50, p99, max });
    expect(new LatencyHistogram(2).sliceSummary()).toEqual({ p50: 0, p99: 0, max: 0 });
  });

  it('fixed values: every percentile is the value', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 1000; i++) h.recordMs(2.5);
    const p = h.percentiles();
    for (const v of [p.p50, p.p90, p.p95, p.p99, p.p99_9, p.max, p.min]) close(v, 2.5);
  });

  it('bimodal 90 % at 1 ms, 10 % at 100 ms: p90 is the fast mode, p95 and above the slow one', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 900; i++) h.recordMs(1);
    for (let i = 0; i < 100; i++) h.recordMs(100);
    const p = h.percentiles();
    close(p.p50, 1);
    close(p.p90, 1);
    close(p.p95, 100);
    close(p.p99, 100);
    close(p.max, 100);
    close(p.mean, 10.9);
  });

  it('an empty histogram reports zeros', () => {
    expect(new LatencyHistogram().percentiles()).toEqual({ p50: 0, p90: 0, p95: 0, p99: 0, p99_9: 0, max: 0, min: 0, mean: 0 });
    expect(new LatencyHistogram().distribution()).toEqual([]);
  });

  it('counts the distribution in 1-2-5 buckets from the first to the last non-empty one', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 900; i++) h.recordMs(0.8);
    for (let i = 0; i < 100; i++) h.recordMs(30);
    h.recordMs(60_000);
    expect(h.distribution()).toEqual([
      { upToMs: 1, count: 900 },
      { upToMs: 2, count: 0 },
      { upToMs: 5, count: 0 },
      { upToMs: 10, count: 0 },
      { upToMs: 20, count: 0 },
      { upToMs: 50, count: 100 },
      ...[100, 200, 500, 1000, 2000, 5000, 10_000, 20_000].map((upToMs) => ({ upToMs, count: 0 })),
      { upToMs: null, count: 1 },
    ]);
  });

  it('adds another histogram', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.recordMs(1);
    b.recordMs(3);
    a.add(b);
    expect(a.count).toBe(2);
    close(a.percentiles().max, 3);
  });
});

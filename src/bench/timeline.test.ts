import { describe, expect, it } from 'vitest';
import { Timeline } from './timeline.js';

describe('Timeline', () => {
  it('buckets latencies and errors by intended start', () => {
    const t = new Timeline();
    t.record(10, 1);
    t.record(50, 3);
    t.record(150, undefined);
    t.record(420, 8);
    expect(t.points().map(({ atS, count, errors }) => ({ atS, count, errors }))).toEqual([
      { atS: 0, count: 2, errors: 0 },
      { atS: 0.1, count: 0, errors: 1 },
      { atS: 0.4, count: 1, errors: 0 },
    ]);
    expect(t.points()[0]!.maxMs).toBeCloseTo(3, 1); // 2 significant digits per bucket
  });

  it('doubles the bucket width instead of growing past 240 buckets, keeping every count', () => {
    const t = new Timeline();
    for (let ms = 0; ms < 60_000; ms += 10) t.record(ms, 1);
    expect(t.widthMs).toBe(400);
    const points = t.points();
    expect(points.length).toBeLessThanOrEqual(240);
    expect(points.reduce((n, p) => n + p.count, 0)).toBe(6000);
    expect(points[1]!.atS).toBe(0.4);
  });

  it('with a span: 100 ms slices of the start only, with misses, the most in flight and connections opened', () => {
    const t = new Timeline(300);
    t.sent(10, 1);
    t.opened(11);
    t.sent(20, 2);
    t.opened(21);
    t.record(10, 5, true);
    t.record(20, 1, false);
    t.sent(150, 1);
    t.record(150, 2, true);
    t.record(299, undefined);
    t.record(300, 9, true); // past the span: not kept
    t.record(59_000, 9);
    expect(t.widthMs).toBe(100);
    expect(t.points().map(({ atS, count, errors, misses, maxInFlight, opened }) => ({ atS, count, errors, misses, maxInFlight, opened }))).toEqual([
      { atS: 0, count: 2, errors: 0, misses: 1, maxInFlight: 2, opened: 2 },
      { atS: 0.1, count: 1, errors: 0, misses: 1, maxInFlight: 1, opened: 0 },
      { atS: 0.2, count: 0, errors: 1, misses: 0, maxInFlight: 0, opened: 0 },
    ]);
  });
});

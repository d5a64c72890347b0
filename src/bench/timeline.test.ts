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
});

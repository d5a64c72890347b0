import { describe, expect, it } from 'vitest';
import { monotonicMs, wallClock } from './clock.js';

describe('wallClock', () => {
  it('gives the wall time of a monotonic reading', () => {
    const wall = wallClock();
    const at = monotonicMs();
    expect(Math.abs(wall(at) - Date.now())).toBeLessThanOrEqual(2);
  });

  it('follows a wall clock set since the start, checking it at most once a second', () => {
    let date = 1_000_000;
    const wall = wallClock(() => date, 1_000_000);
    expect(wall(0.5)).toBe(1_000_000.5);
    // Set forward by an hour: seen at the next check, a second later.
    date = 1_000_000 + 3_600_000 + 600;
    expect(wall(600)).toBe(1_000_600);
    date = 1_000_000 + 3_600_000 + 1001;
    expect(wall(1001)).toBe(1_000_000 + 3_600_000 + 1001);
    expect(wall(1500)).toBe(1_000_000 + 3_600_000 + 1500);
    // Date.now()'s rounding (within a millisecond) is no reason to move.
    date = 1_000_000 + 3_600_000 + 2100 + 0.9;
    expect(wall(2100)).toBe(1_000_000 + 3_600_000 + 2100);
  });
});

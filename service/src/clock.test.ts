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
    let now = 0.5;
    const wall = wallClock(() => date, 1_000_000, () => now);
    expect(wall(0.5)).toBe(1_000_000.5);
    // Set forward by an hour: seen at the next check, a second later.
    now = 600;
    date = 1_000_000 + 3_600_000 + 600;
    expect(wall(600)).toBe(1_000_600);
    now = 1001;
    date = 1_000_000 + 3_600_000 + 1001;
    expect(wall(1001)).toBe(1_000_000 + 3_600_000 + 1001);
    expect(wall(1500)).toBe(1_000_000 + 3_600_000 + 1500);
    // Date.now()'s rounding (within a millisecond) is no reason to move.
    now = 2100;
    date = 1_000_000 + 3_600_000 + 2100 + 0.9;
    expect(wall(2100)).toBe(1_000_000 + 3_600_000 + 2100);
  });

  it('gives a reading of the past its own time, not the time it is asked at', () => {
    const date = () => 1_000_000 + now;
    let now = 5000;
    const wall = wallClock(date, 1_000_000, () => now);
    // A log line made 100 ms after its request (a batch): the check sees no step.
    expect(wall(4900)).toBe(1_004_900);
    now = 7000;
    expect(wall(6900)).toBe(1_006_900);
  });
});

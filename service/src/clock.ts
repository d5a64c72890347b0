// The service's clocks. A cache hit reads the clock twice, when it starts and when it is answered,
// and takes all it needs from those two readings: the cache's freshness (on the monotonic clock),
// the request's duration and its log line's wall time. Each reading costs about 0.1 µs on these
// machines (a loop of performance.now() or Date.now()), against ~15 µs for a whole cache hit.

/** Milliseconds on the monotonic clock, performance.now(): request durations and the cache's ages are measured on it. */
export const monotonicMs = (): number => performance.now();

/** How often a wall time made from a monotonic reading is checked against Date.now(). */
const WALL_CHECK_MS = 1000;

/**
 * Wall-clock milliseconds for a monotonic reading: performance.timeOrigin plus the reading, checked
 * against Date.now() at most once a second, so a wall clock set since the process started (NTP
 * stepping it) is followed within a second. Readings from monotonicMs(), of now or of the past (a
 * log line made after its request): the check compares Date.now() with a reading of its own.
 */
export function wallClock(dateNow: () => number = Date.now, origin = performance.timeOrigin, monotonicNow: () => number = monotonicMs): (monotonic: number) => number {
  let offset = origin;
  let nextCheck = 0;
  return (monotonic) => {
    if (monotonic >= nextCheck) {
      const now = monotonicNow();
      nextCheck = now + WALL_CHECK_MS;
      // Date.now() is whole milliseconds: a difference within one is its rounding, not a step.
      const drift = dateNow() - (offset + now);
      if (drift > 1 || drift < -1) offset += drift;
    }
    return offset + monotonic;
  };
}

// The machine's own send lag, measured just before a run: the open-model scheduler's loop (a timer
// until ~2 ms before each due time, then setImmediate spins) at the run's rate, sending nothing. On a
// busy 2-core host timers and the OS scheduler alone lag a few ms at p99; that is the floor any run
// here has, not the generator falling behind under load, so the validity rule is judged against it.
import { LatencyHistogram } from './histogram.js';

export interface CalibrationOptions {
  rate: number;
  /** How long to measure (ms); at least a few hundred due times are wanted for a p99. */
  durationMs: number;
  signal?: AbortSignal;
}

/** The send lag p99 (ms) of the schedule alone, with no requests in flight. */
export function idleSendLagP99(options: CalibrationOptions): Promise<number> {
  const lag = new LatencyHistogram();
  const interval = 1000 / options.rate;
  const due = Math.max(1, Math.floor(options.durationMs / interval));
  const t0 = performance.now() + 1;
  let index = 0;
  return new Promise((resolve) => {
    const finish = () => {
      const p99 = lag.count > 0 ? lag.percentileMs(99) : 0;
      lag.destroy();
      resolve(p99);
    };
    const tick = () => {
      if (options.signal?.aborted) return finish();
      const now = performance.now();
      while (t0 + index * interval <= now) {
        if (index >= due) return finish();
        lag.recordMs(performance.now() - (t0 + index * interval));
        index++;
      }
      if (index >= due) return finish();
      const wait = t0 + index * interval - performance.now();
      if (wait > 2) setTimeout(tick, wait - 1.5);
      else setImmediate(tick);
    };
    setTimeout(tick, 0);
  });
}

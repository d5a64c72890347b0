// The machine's own send lag, measured just before a run: the open-model scheduler's loop (woken by
// its clock thread at each due time, clock.ts) at the run's rate, sending nothing. On a
// busy 2-core host timers and the OS scheduler alone lag a few ms at p99; that is the floor any run
// here has, not the generator falling behind under load, so the validity rule is judged against it.
import { openDueClock } from './clock.js';
import { LatencyHistogram } from './histogram.js';

export interface CalibrationOptions {
  rate: number;
  /** How long to measure (ms); at least a few hundred due times are wanted for a p99. */
  durationMs: number;
  signal?: AbortSignal;
}

/** The send lag p99 (ms) of the schedule alone, with no requests in flight. */
export async function idleSendLagP99(options: CalibrationOptions): Promise<number> {
  const lag = new LatencyHistogram();
  const interval = 1000 / options.rate;
  const due = Math.max(1, Math.floor(options.durationMs / interval));
  const clock = await openDueClock();
  const t0 = performance.now() + 1;
  let index = 0;
  return new Promise((resolve) => {
    const finish = () => {
      clock.stop();
      const p99 = lag.count > 0 ? lag.percentileMs(99) : 0;
      lag.destroy();
      resolve(p99);
    };
    // finish() stops the clock: no call comes after it.
    clock.start(t0, interval, () => {
      const now = performance.now();
      while (index < due && t0 + index * interval <= now) {
        lag.recordMs(performance.now() - (t0 + index * interval));
        index++;
      }
      if (index >= due || options.signal?.aborted) finish();
    });
  });
}

// The open-model clock (clock.ts): due times kept without a busy main thread. Event-loop utilization
// is the share of time the main thread spent running rather than waiting for events: a schedule that
// spins with setImmediate until each due time keeps it near 1 whatever the machine's speed.
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { idleSendLagP99 } from './calibrate.js';
import { openDueClock } from './clock.js';

describe('the due-time clock', () => {
  it('wakes the loop once per due time, never before it, in order', async () => {
    const clock = await openDueClock();
    const t0 = performance.now() + 5;
    const woken: number[] = [];
    await new Promise<void>((resolve) =>
      clock.start(t0, 2, () => {
        woken.push(performance.now());
        if (woken.length === 20) resolve();
      }),
    );
    clock.stop();
    // Each wake-up comes at or after a due time it was the first to see (late ones may be merged).
    expect(woken[0]!).toBeGreaterThanOrEqual(t0);
    for (let i = 1; i < woken.length; i++) expect(woken[i]!).toBeGreaterThanOrEqual(woken[i - 1]!);
  });

  it('leaves the main thread idle between due times at 1,000/s (the spinning schedule kept it busy)', async () => {
    const before = performance.eventLoopUtilization();
    await idleSendLagP99({ rate: 1000, durationMs: 500 });
    const used = performance.eventLoopUtilization(before).utilization;
    // Spinning: about 1. Woken by the clock: the loop mostly waits (a few % here).
    expect(used).toBeLessThan(0.5);
  });
});

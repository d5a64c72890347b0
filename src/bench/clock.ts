// The open-model schedule's clock: calls `onDue` as soon as possible after each due time t0 + i/rate,
// without keeping a core busy. Node's timers have 1 ms granularity (a setTimeout(1) fires anywhere
// from 1 to 2 ms later), too coarse at 1,000 requests/s; spinning with setImmediate until the due
// time is precise but keeps one core busy the whole run — on a 2-core machine that is half the CPU
// the service under test and papi local could have had (0.6–0.9 of a core measured at 1,000/s).
// So a worker thread sleeps until each due time with Atomics.wait (sub-millisecond timeouts) and
// posts a message; the main thread stays idle in its event loop until the message comes.
import { Worker } from 'node:worker_threads';

// CommonJS text run with eval: no separate file to find next to the bundle. The schedule comes in
// one message once the thread runs, so starting the thread (tens of ms) is not part of the run.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const cell = new Int32Array(new SharedArrayBuffer(4));
const now = () => performance.timeOrigin + performance.now();
parentPort.once('message', ({ t0, intervalMs }) => {
  for (let i = 0; ; i++) {
    const wait = t0 + i * intervalMs - now();
    if (wait > 0) Atomics.wait(cell, 0, 0, wait);
    // Behind schedule (the thread was descheduled): one message for all the due times passed.
    const late = Math.floor((now() - t0) / intervalMs);
    if (late > i) i = late;
    parentPort.postMessage(0);
  }
});
parentPort.postMessage('ready');
`;

export interface DueClock {
  /** Calls onDue after each due time t0Ms + i * intervalMs (t0Ms a performance.now() value) until stopped. */
  start(t0Ms: number, intervalMs: number, onDue: () => void): void;
  stop(): void;
}

/** A clock whose thread is running and waiting for its schedule. */
export async function openDueClock(): Promise<DueClock> {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  // Neither the thread nor its messages may keep a finished run's process alive.
  worker.unref();
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  let listener: (() => void) | undefined;
  return {
    start(t0Ms, intervalMs, onDue) {
      listener = onDue;
      worker.on('message', onDue);
      worker.postMessage({ t0: performance.timeOrigin + t0Ms, intervalMs });
    },
    stop() {
      if (listener) worker.off('message', listener);
      void worker.terminate();
    },
  };
}

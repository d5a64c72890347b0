// The one way papi waits for something to change (a service to be READY, an endpoint, new log lines,
// papi local to start or stop): check, sleep, check again, until done, a deadline or Ctrl-C. The sleep
// is node:timers/promises' setTimeout, which an AbortSignal interrupts at once and which leaves no
// listener behind on the command's signal.
import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  intervalMs: number;
  /** Give up after this long (undefined: until the signal aborts). */
  timeoutMs?: number;
  /** Ctrl-C: the wait ends at once by rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/** Calls `check` until it returns something other than undefined; undefined when the timeout passes first. */
export async function poll<T>(check: () => Promise<T | undefined> | T | undefined, options: PollOptions): Promise<T | undefined> {
  const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() + options.intervalMs > deadline) return undefined;
    await pause(options.intervalMs, options.signal);
  }
}

/** Sleeps `ms`; rejects with the signal's reason as soon as it aborts. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}

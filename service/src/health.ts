// Readiness: can the store answer now? The answer (a one-row query on the table through the pool)
// is kept for a moment so a probe storm costs one query, and concurrent probes share the one in flight.

import type { Clock } from './cache.js';

export type HealthCheck = () => Promise<boolean>;

export interface HealthOptions {
  cacheMs: number;
  now?: Clock;
  /** Told when the store stops answering (once per outage, not once per probe). */
  onDown?: (error: unknown) => void;
}

export function createHealthCheck(ping: () => Promise<void>, options: HealthOptions): HealthCheck {
  const now = options.now ?? Date.now;
  let last: { ok: boolean; at: number } | undefined;
  let pending: Promise<boolean> | undefined;
  return () => {
    if (last && now() - last.at < options.cacheMs) return Promise.resolve(last.ok);
    pending ??= ping().then(
      () => true,
      (error: unknown) => {
        if (last?.ok !== false) options.onDown?.(error);
        return false;
      },
    ).then((ok) => {
      last = { ok, at: now() };
      pending = undefined;
      return ok;
    });
    return pending;
  };
}

// The service put together from its settings: the Snowflake store, the per-id cache, the lookup
// and the app. server.ts runs this behind a port; the integration tests run the same composition
// in-process against papi local, so what they check is what ships.

import { createApp, createHitPath, readyAnswer, type AppDeps, type HitPath } from './app.js';
import { RowCache } from './cache.js';
import { monotonicMs } from './clock.js';
import { createHealthCheck } from './health.js';
import type { Logger } from './log.js';
import { createLookup, OUTAGE_BACKOFF_MS } from './lookup.js';
import type { ServiceSettings } from './settings.js';
import { createSnowflakeStore } from './store.js';

/** Health answers are reused this long: probes every few seconds cost at most one query each. */
export const HEALTH_CACHE_MS = 1500;

export interface Service {
  app: ReturnType<typeof createApp>;
  /** Cache hits answered on the node:http layer, before the app (server.ts). */
  hitPath: HitPath;
  /** Statements the store has sent so far (one per lookup that reached Snowflake). */
  statementCount(): number;
  /** Closes the store's connections. */
  close(): Promise<void>;
}

export function createService(settings: ServiceSettings, log: Logger): Service {
  const store = createSnowflakeStore({
    connection: settings.connection,
    tableSql: settings.tableSql,
    idFormat: settings.idFormat,
    pool: settings.pool,
    timeoutMs: settings.storeTimeoutMs,
    log,
    maxBatchIds: settings.maxIds,
  });
  // On the monotonic clock: the hit path hands it the reading it makes at a request's start (app.ts).
  const cache = new RowCache(settings.cache, monotonicMs, readyAnswer);
  const deps: AppDeps = {
    // A batch of misses is bound like one request (at most the per-request limit of ids), and as many
    // batches run as the pool has connections: further misses gather meanwhile.
    lookup: createLookup({ store, cache, log, maxBatchIds: settings.maxIds, maxConcurrentQueries: settings.pool.max }),
    health: createHealthCheck(() => store.ping(), {
      cacheMs: HEALTH_CACHE_MS,
      onDown: (error) => log.storeError('health check', error),
    }),
    ids: { format: settings.idFormat, maxIds: settings.maxIds },
    log,
    // A client told to come back after the back-off finds the store asked again.
    retryAfterSeconds: Math.ceil(OUTAGE_BACKOFF_MS / 1000),
    honorNoCache: settings.cache.honorNoCache,
  };
  return { app: createApp(deps), hitPath: createHitPath({ ...deps, answers: cache }), statementCount: () => store.statementCount(), close: () => store.close() };
}

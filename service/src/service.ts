// The service put together from its settings: the Snowflake store, the per-id cache, the lookup
// and the app. server.ts runs this behind a port; the integration tests run the same composition
// in-process against papi local, so what they check is what ships.

import type { Server } from 'node:http';
import { createApp, createHitPath, readyAnswer, type AppDeps, type HitPath } from './app.js';
import { RowCache } from './cache.js';
import { monotonicMs } from './clock.js';
import { createHealthCheck } from './health.js';
import type { Logger } from './log.js';
import { createLookup, OUTAGE_BACKOFF_MS } from './lookup.js';
import type { ServiceSettings } from './settings.js';
import { createSnowflakeStore } from './store.js';
import { WARM_UP_REQUEST_ID_PREFIX, warmUp, type WarmUpOptions } from './warm-up.js';

/** Health answers are reused this long: probes every few seconds cost at most one query each. */
export const HEALTH_CACHE_MS = 1500;

export interface Service {
  app: ReturnType<typeof createApp>;
  /** Cache hits answered on the node:http layer, before the app (server.ts). */
  hitPath: HitPath;
  /** Statements the store has sent so far (one per lookup that reached Snowflake). */
  statementCount(): number;
  /**
   * Runs the warm-up (warm-up.ts) through `server`, a throwaway server with this service's handler,
   * once the store is ready; readiness (/healthz) waits for it. Never throws: a failed warm-up is logged.
   */
  warmUp(server: Server, options: WarmUpOptions): Promise<void>;
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
  /** Readiness waits for this: the warm-up when one runs. */
  let warming: Promise<void> = Promise.resolve();
  const deps: AppDeps = {
    // A batch of misses is bound like one request (at most the per-request limit of ids), and as many
    // batches run as the pool has connections: further misses gather meanwhile.
    lookup: createLookup({ store, cache, log, maxBatchIds: settings.maxIds, maxConcurrentQueries: settings.pool.max }),
    health: createHealthCheck(() => warming.then(() => store.ping()), {
      cacheMs: HEALTH_CACHE_MS,
      onDown: (error) => log.storeError('health check', error),
    }),
    ids: { format: settings.idFormat, maxIds: settings.maxIds },
    log,
    // A client told to come back after the back-off finds the store asked again.
    retryAfterSeconds: Math.ceil(OUTAGE_BACKOFF_MS / 1000),
    honorNoCache: settings.cache.honorNoCache,
  };
  const runWarmUp = async (server: Server, options: WarmUpOptions): Promise<void> => {
    const started = monotonicMs();
    try {
      await store.ping();
    } catch {
      // The store cannot answer: nothing to warm up with, and the health check says why.
      return;
    }
    const unmute = log.muteRequests(WARM_UP_REQUEST_ID_PREFIX);
    let result;
    try {
      result = await warmUp(server, options);
    } finally {
      unmute();
    }
    for (const id of result.ids) cache.remove(id);
    log.info('warmed_up', { requests: result.requests, failed: result.failed, ms: Math.round(monotonicMs() - started) });
  };
  return {
    app: createApp(deps),
    hitPath: createHitPath({ ...deps, answers: cache }),
    statementCount: () => store.statementCount(),
    warmUp: (server, options) => (warming = runWarmUp(server, options).catch((error: unknown) => log.error('warm_up_error', error))),
    close: () => store.close(),
  };
}

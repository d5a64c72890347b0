// Finding rows by id: the cache first, then the store for the ids it could not answer. Misses are
// batched (the DataLoader pattern): the ids missing in the requests of one event-loop turn go to the
// store together, in one bound `IN (…)` query of at most maxBatchIds ids; and while maxConcurrentQueries
// queries run (the pool is busy), new misses gather into the next batch instead of queueing one
// query each behind the pool, so a burst of distinct ids costs a few queries, however many requests.
// Ids already being fetched by another request join that query instead of asking again, and the
// answers (found or not) are cached per id, so /customer/22,196 and /customer/22 share entries.
// A failed query fails only the ids of its batch. When the store fails, stale entries still answer;
// ids with no entry at all make it a 503. After a failure the store is left alone for a moment
// (outageBackoffMs): requests are answered at once from stale entries or refused, instead of each one
// waiting for the driver to give up (seconds) during an outage; the first request after that moment
// tries the store again.
// A refresh (a request's `Cache-Control: no-cache`, when the service honours it) skips the cache's
// answers, asks the store for every id and refreshes the cache with what it says; it is never
// answered stale (RFC 9111 §5.2.1.4: no stored response without validation at the origin).

import type { CacheRead, Clock } from './cache.js';
import type { Logger } from './log.js';
import type { Store } from './store-types.js';

/** X-Cache: every id fresh from the cache, none, some, or at least one answered stale. */
export type CacheOutcome = 'HIT' | 'MISS' | 'PARTIAL' | 'STALE';

export interface LookupResult {
  /** JSON text of each found row, in the order the ids were asked. */
  rows: string[];
  /** Ids with no row, in the order asked. */
  missing: string[];
  outcome: CacheOutcome;
}

/** The store could not answer and some ids had no cached entry, fresh or stale. */
export class StoreUnavailableError extends Error {
  constructor(readonly ids: string[]) {
    super(`the store is unavailable and ${ids.length} id(s) are not cached`);
    this.name = 'StoreUnavailableError';
  }
}

/** A row's JSON text, or null for an id the store does not have (a negative entry). */
export type CachedRow = string | null;

export interface FindOptions {
  /** Ask the store for every id, whatever the cache holds, and store its answers. */
  refresh?: boolean;
}

export interface Lookup {
  find(ids: readonly string[], options?: FindOptions): Promise<LookupResult>;
  /** The answer when every id is freshly cached (a HIT), at once and without a promise; else undefined. */
  cached?(ids: readonly string[]): LookupResult | undefined;
}

/** How long lookups leave a failing store alone by default: the 503's Retry-After. */
export const OUTAGE_BACKOFF_MS = 5000;

/** What the lookup needs of its cache (RowCache in the service, a TtlCache in some tests). */
export interface LookupCache {
  get(id: string): CacheRead<CachedRow>;
  set(id: string, value: CachedRow): void;
}

export interface LookupDeps {
  store: Store;
  cache: LookupCache;
  log: Logger;
  now?: Clock;
  outageBackoffMs?: number;
  /** Most ids in one store query (the service's per-request limit, PAPI_MAX_IDS). */
  maxBatchIds?: number;
  /** Most store queries at once (the pool's size): while they run, misses gather into the next batch. */
  maxConcurrentQueries?: number;
}

/** Ids per query when maxBatchIds is not given: the service's default per-request limit. */
export const DEFAULT_MAX_BATCH_IDS = 100;
export const DEFAULT_MAX_CONCURRENT_QUERIES = 2;

/** How a queued id's promise is settled when its batch answers. */
interface Waiter {
  resolve(row: CachedRow): void;
  reject(error: unknown): void;
}

/** Removes and yields the first n entries of a map (Map keeps insertion order). */
function* take<K, V>(map: Map<K, V>, n: number): Generator<[K, V]> {
  for (const entry of map) {
    if (n-- <= 0) return;
    map.delete(entry[0]);
    yield entry;
  }
}

export function createLookup(deps: LookupDeps): Lookup {
  const { store, cache, log } = deps;
  const now = deps.now ?? Date.now;
  const backoffMs = deps.outageBackoffMs ?? OUTAGE_BACKOFF_MS;
  const inFlight = new Map<string, Promise<CachedRow>>();
  /** Until then the store counts as down and is not asked. */
  let storeDownUntil = 0;

  const maxBatchIds = deps.maxBatchIds ?? DEFAULT_MAX_BATCH_IDS;
  const maxQueries = deps.maxConcurrentQueries ?? DEFAULT_MAX_CONCURRENT_QUERIES;
  /** Ids waiting for a query, in the order asked, each with the settle functions of its promise. */
  const queued = new Map<string, Waiter>();
  let running = 0;
  let drainScheduled = false;

  /** One query for a batch of ids; only its own ids fail when it fails. */
  function query(batch: Array<[string, Waiter]>): void {
    running++;
    store.fetchRows(batch.map(([id]) => id)).then(
      (rows) => {
        storeDownUntil = 0;
        for (const [id, waiter] of batch) {
          const value = rows.get(id) ?? null;
          cache.set(id, value);
          waiter.resolve(value);
        }
      },
      (error: unknown) => {
        storeDownUntil = now() + backoffMs;
        log.storeError('lookup', error);
        for (const [, waiter] of batch) waiter.reject(error);
      },
    ).finally(() => {
      running--;
      drain();
    });
  }

  /** Sends what is queued, maxBatchIds ids a query, while fewer than maxQueries run; the rest waits. */
  function drain(): void {
    drainScheduled = false;
    while (running < maxQueries && queued.size > 0) query([...take(queued, maxBatchIds)]);
  }

  /** Queues ids; each gets its own promise, registered as in flight. */
  function fetch(ids: string[]): void {
    for (const id of ids) {
      const row = new Promise<CachedRow>((resolve, reject) => queued.set(id, { resolve, reject }));
      inFlight.set(id, row);
      const forget = (): void => {
        if (inFlight.get(id) === row) inFlight.delete(id);
      };
      row.then(forget, forget);
    }
    // After this turn's I/O callbacks: every request parsed in this turn joins the same batch.
    if (!drainScheduled) {
      drainScheduled = true;
      setImmediate(drain);
    }
  }

  return {
    cached(ids) {
      const rows: string[] = [];
      const missing: string[] = [];
      for (const id of ids) {
        const read = cache.get(id);
        if (!read?.fresh) return undefined;
        if (read.value === null) missing.push(id);
        else rows.push(read.value);
      }
      return { rows, missing, outcome: 'HIT' };
    },
    async find(ids, options = {}) {
      const refresh = options.refresh === true;
      const answers = new Map<string, CachedRow>();
      const stale = new Map<string, CachedRow>();
      const toFetch: string[] = [];
      const waiting: string[] = [];
      const storeDown = now() < storeDownUntil;
      let usedStale = false;
      const unavailable: string[] = [];
      for (const id of ids) {
        const read = refresh ? undefined : cache.get(id);
        if (read?.fresh) {
          answers.set(id, read.value);
          continue;
        }
        if (storeDown && !inFlight.has(id)) {
          // Not worth a query that would only time out: stale or unavailable, now.
          if (read) {
            answers.set(id, read.value);
            usedStale = true;
          } else {
            unavailable.push(id);
          }
          continue;
        }
        if (read) stale.set(id, read.value);
        waiting.push(id);
        if (!inFlight.has(id)) toFetch.push(id);
      }
      if (unavailable.length > 0) throw new StoreUnavailableError(unavailable);
      if (toFetch.length > 0) fetch(toFetch);

      const settled = await Promise.allSettled(waiting.map((id) => inFlight.get(id)!));
      settled.forEach((result, index) => {
        const id = waiting[index]!;
        if (result.status === 'fulfilled') {
          answers.set(id, result.value);
        } else if (stale.has(id)) {
          answers.set(id, stale.get(id)!);
          usedStale = true;
        } else {
          unavailable.push(id);
        }
      });
      if (unavailable.length > 0) throw new StoreUnavailableError(unavailable);

      const rows: string[] = [];
      const missing: string[] = [];
      for (const id of ids) {
        const value = answers.get(id);
        if (value === null || value === undefined) missing.push(id);
        else rows.push(value);
      }
      const outcome: CacheOutcome = usedStale
        ? 'STALE'
        : waiting.length === 0
          ? 'HIT'
          : waiting.length === ids.length
            ? 'MISS'
            : 'PARTIAL';
      return { rows, missing, outcome };
    },
  };
}

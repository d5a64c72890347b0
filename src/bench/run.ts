// The load generator. runBench takes a target ({ url, headers }) and knows nothing of where they
// came from (papi dev, the deployed endpoint, any URL).
//
// Open model (default): request i is due at t0 + i/rate whatever the responses do, and its latency
// is measured from that intended start (wrt2's rule), so a stalled server cannot hide its queue
// (coordinated omission). A clock thread wakes the loop at each due time (clock.ts): Node's timers
// are late by 1 ms or more, and spinning until the due time would keep a core busy.
// Each tick sends at most maxSendsPerTick due requests (the rest are late: send lag); a due request
// that would exceed maxInFlight is dropped and counted. Closed model: N connections, each sends its
// next request when the last one returns; latency is then measured from the actual send.
import { idleSendLagP99 } from './calibrate.js';
import { openDueClock } from './clock.js';
import { HttpClient, type ErrorKind, type Outcome, type Target } from './client.js';
import { LatencyHistogram } from './histogram.js';
import type { IdPicker } from './ids.js';
import { keepTokenFresh } from './renewal.js';
import { Timeline } from './timeline.js';

export type LoadModel = { kind: 'open'; rate: number } | { kind: 'closed'; concurrency: number };

export interface BenchOptions {
  target: Target;
  ids: IdPicker;
  model: LoadModel;
  /** Stop after this many requests (measured phase)... */
  requests?: number;
  /** ...or after this long; the first of the two that is set and reached ends the run. */
  durationMs?: number;
  /** A phase before the measured one, at the same load, whose results are discarded. */
  warmupMs?: number;
  /** `hit` only: ask for each hot id once before the run so the measured phase is all hits. */
  prime?: boolean;
  timeoutMs?: number;
  maxInFlight?: number;
  maxSendsPerTick?: number;
  /** Open model: most connections open at once (default maxInFlight); a due request with none free waits for one (its wait is in its latency). */
  connections?: number;
  /** Open model: measure the schedule's own lag with nothing sent, this long, before the run (0: not). */
  calibrateMs?: number;
  /** Aborting stops sending; what was measured so far is returned (stopReason "interrupted"). */
  signal?: AbortSignal;
  /** Called about every progressEveryMs during the measured phase. */
  onProgress?(progress: Progress): void;
  progressEveryMs?: number;
  /** Every measured request, as it completes (tests check the schedule with it). */
  onRequest?(record: RequestRecord): void;
}

export interface Progress {
  sent: number;
  completed: number;
  errors: number;
  p90Ms: number;
  elapsedMs: number;
}

export interface RequestRecord {
  index: number;
  /** performance.now() values, in ms. */
  t0Ms: number;
  intendedMs: number;
  sentMs: number;
  endMs: number;
  outcome: Outcome;
}

export type StopReason = 'completed' | 'duration' | 'interrupted' | 'ids-exhausted';

export interface Measurement {
  model: LoadModel;
  startedAt: string;
  stopReason: StopReason;
  /** From the first intended start to the last completion. */
  elapsedMs: number;
  /** From the first intended start to the last send. */
  sendWindowMs: number;
  sent: number;
  completed: number;
  dropped: number;
  /** Most requests in flight at once (sent, not yet answered; waiting for a connection included). */
  peakInFlight: number;
  /** In flight when the run was interrupted; neither answered nor errors. */
  cancelled: number;
  /** From the intended start (open) or the send (closed): what a user waits. */
  latency: LatencyHistogram;
  /** From the actual send to the end of the response. */
  serviceTime: LatencyHistogram;
  /** Actual send minus intended start (open model only). */
  sendLag: LatencyHistogram;
  statuses: Record<string, number>;
  errorKinds: Record<ErrorKind, number>;
  errorCodes: Record<string, number>;
  cache: Record<string, number>;
  /** X-Cache-Refresh values (the service's answer to Cache-Control: no-cache), by value. */
  cacheRefresh: Record<string, number>;
  timeline: Timeline;
  /** The first START_SPAN_MS at 100 ms a slice, with in-flight requests, connections opened and misses. */
  start: Timeline;
  warmup: { requests: number; primed: number };
  /** Send lag p99 of the schedule alone on this machine just before the run (null: not measured). */
  idleSendLagP99Ms: number | null;
}

export const DEFAULTS = {
  requests: 10_000,
  rate: 200,
  timeoutMs: 10_000,
  maxInFlight: 1000,
  maxSendsPerTick: 100,
  progressEveryMs: 500,
} as const;

/** How much of the start of a run the detailed timeline keeps. */
export const START_SPAN_MS = 5000;

/** When request i of an open-model run is due: t0 + i/rate, in ms. */
export function intendedStartMs(t0Ms: number, index: number, rate: number): number {
  return t0Ms + (index * 1000) / rate;
}

export async function runBench(options: BenchOptions): Promise<Measurement> {
  const maxInFlight = options.maxInFlight ?? DEFAULTS.maxInFlight;
  // Open model: by default a connection per request in flight (kept alive, reused when free). With
  // `connections` a bounded set, as wrk2 keeps: a request that finds every one busy waits for one, and
  // as latency is measured from its intended start the wait is in the figures, not hidden.
  const sockets = options.model.kind === 'open' ? Math.min(maxInFlight, options.connections ?? maxInFlight) : maxInFlight;
  const client = new HttpClient(options.target, options.timeoutMs ?? DEFAULTS.timeoutMs, sockets);
  const renewal = options.target.renewal ? keepTokenFresh(options.target.renewal, (authorization) => client.setAuthorization(authorization)) : undefined;
  try {
    let primed = 0;
    if (options.prime && options.ids.mode === 'hit') primed = await prime(client, options);
    let warmupRequests = 0;
    if (options.warmupMs && options.warmupMs > 0 && !options.signal?.aborted) {
      const warm = await phase(client, { ...options, requests: undefined, durationMs: options.warmupMs, onProgress: undefined, onRequest: undefined });
      warmupRequests = warm.sent;
      destroy(warm);
    }
    // After the warmup (JIT, connections), just before the measured phase: the machine as it is now.
    const idleLag =
      options.model.kind === 'open' && (options.calibrateMs ?? 0) > 0 && !options.signal?.aborted
        ? await idleSendLagP99({ rate: options.model.rate, durationMs: options.calibrateMs!, signal: options.signal })
        : null;
    const measured = await phase(client, options);
    measured.warmup = { requests: warmupRequests, primed };
    measured.idleSendLagP99Ms = idleLag;
    return measured;
  } finally {
    renewal?.stop();
    client.close();
  }
}

/** Frees a measurement's histograms (hdr-histogram-js may hold WebAssembly memory). */
export function destroy(measurement: Measurement): void {
  measurement.latency.destroy();
  measurement.serviceTime.destroy();
  measurement.sendLag.destroy();
}

async function prime(client: HttpClient, options: BenchOptions): Promise<number> {
  const hot = options.ids.hotSet;
  const k = options.ids.idsPerRequest;
  let sent = 0;
  for (let i = 0; i < hot.length && !options.signal?.aborted; i += k) {
    const outcome = await new Promise<Outcome>((resolve) => client.get(pathFor(hot.slice(i, i + k)), resolve));
    sent++;
    // A target that fails here fails the run too: the run reports it, priming need not wait on it.
    if (!outcome.ok) break;
  }
  return sent;
}

export function pathFor(ids: readonly string[]): string {
  return `/customer/${ids.map(encodeURIComponent).join(',')}`;
}

async function phase(client: HttpClient, options: BenchOptions): Promise<Measurement> {
  // Open model: the clock's thread is running before the first due time is fixed.
  const clock = options.model.kind === 'open' ? await openDueClock() : undefined;
  const m: Measurement = {
    model: options.model,
    startedAt: new Date().toISOString(),
    stopReason: 'completed',
    elapsedMs: 0,
    sendWindowMs: 0,
    sent: 0,
    completed: 0,
    dropped: 0,
    peakInFlight: 0,
    cancelled: 0,
    latency: new LatencyHistogram(),
    serviceTime: new LatencyHistogram(),
    sendLag: new LatencyHistogram(),
    statuses: {},
    errorKinds: { timeout: 0, reset: 0, refused: 0, other: 0 },
    errorCodes: {},
    cache: {},
    cacheRefresh: {},
    timeline: new Timeline(),
    start: new Timeline(START_SPAN_MS),
    warmup: { requests: 0, primed: 0 },
    idleSendLagP99Ms: null,
  };
  const limit = options.requests ?? (options.durationMs === undefined ? DEFAULTS.requests : Infinity);
  const durationMs = options.durationMs ?? Infinity;
  const inFlight = new Set<{ cancel(): void }>();
  const t0 = performance.now() + 1;
  let lastEnd = t0;
  let lastSend = t0;
  client.onConnection = () => m.start.opened(performance.now() - t0);

  return new Promise<Measurement>((resolve) => {
    let stopping = false;
    let settled = false;
    const stop = (reason: StopReason) => {
      if (stopping) return;
      stopping = true;
      clock?.stop();
      m.stopReason = reason;
      maybeFinish();
    };
    const maybeFinish = () => {
      if (!stopping || inFlight.size > 0 || settled) return;
      settled = true;
      client.onConnection = undefined;
      clearInterval(progressTimer);
      options.signal?.removeEventListener('abort', onAbort);
      m.sendWindowMs = Math.max(0, lastSend - t0);
      m.elapsedMs = Math.max(0, lastEnd - t0);
      resolve(m);
    };
    const onAbort = () => {
      stop('interrupted');
      // What is still in flight will not be waited for: it is counted as cancelled.
      for (const request of inFlight) request.cancel();
      m.cancelled += inFlight.size;
      inFlight.clear();
      maybeFinish();
    };
    if (options.signal?.aborted) queueMicrotask(onAbort);
    else options.signal?.addEventListener('abort', onAbort, { once: true });
    const progressTimer = setInterval(() => {
      options.onProgress?.({
        sent: m.sent,
        completed: m.completed,
        errors: errorCount(m),
        p90Ms: m.latency.percentileMs(90),
        elapsedMs: performance.now() - t0,
      });
    }, options.progressEveryMs ?? DEFAULTS.progressEveryMs);
    progressTimer.unref();

    /** Sends request `index` due at `intended`; `after` runs once it has completed. */
    const send = (index: number, intended: number, ids: string[], after?: () => void) => {
      const sentAt = performance.now();
      lastSend = sentAt;
      m.sent++;
      const handle = client.get(pathFor(ids), (outcome) => {
        if (!inFlight.delete(handle)) return; // cancelled on abort
        lastEnd = Math.max(lastEnd, outcome.endMs);
        record(m, intended - t0, intended, sentAt, outcome);
        options.onRequest?.({ index, t0Ms: t0, intendedMs: intended, sentMs: sentAt, endMs: outcome.endMs, outcome });
        after?.();
        maybeFinish();
      });
      inFlight.add(handle);
      if (inFlight.size > m.peakInFlight) m.peakInFlight = inFlight.size;
      m.start.sent(intended - t0, inFlight.size);
    };

    const model = options.model;
    if (model.kind === 'open') {
      const rate = model.rate;
      const maxPerTick = options.maxSendsPerTick ?? DEFAULTS.maxSendsPerTick;
      const maxInFlight = options.maxInFlight ?? DEFAULTS.maxInFlight;
      let index = 0;
      const tick = () => {
        if (stopping) return;
        const now = performance.now();
        let sentThisTick = 0;
        while (sentThisTick < maxPerTick) {
          if (index >= limit) return stop('completed');
          // Compared as an offset: t0 + x - t0 is not always x in floating point.
          if ((index * 1000) / rate >= durationMs) return stop('duration');
          const intended = intendedStartMs(t0, index, rate);
          if (intended > now) break;
          if (inFlight.size >= maxInFlight) {
            m.dropped++;
            index++;
            continue;
          }
          const ids = options.ids.take();
          if (!ids) return stop('ids-exhausted');
          m.sendLag.recordMs(performance.now() - intended);
          send(index, intended, ids);
          index++;
          sentThisTick++;
        }
        // More were due than one tick sends: the rest go out after the I/O waiting meanwhile.
        if (sentThisTick >= maxPerTick && intendedStartMs(t0, index, rate) <= performance.now()) setImmediate(tick);
      };
      clock!.start(t0, 1000 / rate, tick);
    } else {
      let claimed = 0;
      const next = () => {
        if (stopping) return;
        if (claimed >= limit) return stop('completed');
        const now = performance.now();
        if (now - t0 >= durationMs) return stop('duration');
        const ids = options.ids.take();
        if (!ids) return stop('ids-exhausted');
        // Closed model: a request is due when its connection is free, i.e. now.
        send(claimed++, now, ids, () => setImmediate(next));
      };
      setTimeout(() => {
        for (let c = 0; c < model.concurrency; c++) next();
      }, 0);
    }
  });
}

function record(m: Measurement, atMs: number, intended: number, sentAt: number, outcome: Outcome): void {
  if (outcome.ok) {
    m.completed++;
    m.statuses[outcome.status] = (m.statuses[outcome.status] ?? 0) + 1;
    m.latency.recordMs(outcome.endMs - intended);
    m.serviceTime.recordMs(outcome.endMs - sentAt);
    const cache = outcome.cache?.toUpperCase() ?? 'none';
    m.cache[cache] = (m.cache[cache] ?? 0) + 1;
    if (outcome.refresh !== undefined) {
      const refresh = outcome.refresh.toLowerCase();
      m.cacheRefresh[refresh] = (m.cacheRefresh[refresh] ?? 0) + 1;
    }
    const latency = outcome.status >= 400 ? undefined : outcome.endMs - intended;
    m.timeline.record(atMs, latency);
    m.start.record(atMs, latency, cache !== 'HIT' && cache !== 'none');
  } else {
    m.errorKinds[outcome.kind]++;
    m.errorCodes[outcome.code] = (m.errorCodes[outcome.code] ?? 0) + 1;
    m.timeline.record(atMs, undefined);
    m.start.record(atMs, undefined);
  }
}

/** Transport errors plus responses with status 400 and above. */
export function errorCount(m: Measurement): number {
  const transport = Object.values(m.errorKinds).reduce((a, b) => a + b, 0);
  const statuses = Object.entries(m.statuses).reduce((n, [status, count]) => (Number(status) >= 400 ? n + count : n), 0);
  return transport + statuses;
}

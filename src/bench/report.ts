// From a measurement to the report: one plain JSON document (--json, the HTML page) and the text
// people read. Header values (the Authorization token) never appear in either.
import type { Bucket, Percentiles } from './histogram.js';
import type { CacheMode } from './ids.js';
import { errorCount, type Measurement, type StopReason } from './run.js';
import type { TimelinePoint } from './timeline.js';

/** Send lag p99 always allowed: below this no run is called invalid for lag. */
export const MAX_SEND_LAG_P99_MS = 1;
/** Lag up to this many times the machine's own idle lag p99 is the machine, not the generator under load. */
export const IDLE_LAG_FACTOR = 2;
/** Lag up to this share of the latency p99 it is part of cannot change what the run says. */
export const LAG_SHARE_OF_LATENCY = 0.1;

/**
 * The send lag p99 a run may have and still hold its schedule: 1 ms, or twice what the schedule alone
 * lagged on this machine just before (timers on a busy 2-core host), or a tenth of the latency p99
 * measured (lag that small cannot change the figures) — whichever is largest.
 */
export function sendLagLimitMs(idleLagP99Ms: number | null, latencyP99Ms: number): number {
  return Math.max(MAX_SEND_LAG_P99_MS, IDLE_LAG_FACTOR * (idleLagP99Ms ?? 0), LAG_SHARE_OF_LATENCY * latencyP99Ms);
}

export interface RunSettings {
  url: string;
  /** Names only: values may be secrets. */
  headerNames: string[];
  cache: CacheMode;
  idsPerRequest: number;
  idCount: number;
  hotSet: number;
  requests: number | null;
  durationS: number | null;
  warmupS: number;
  timeoutMs: number;
  maxInFlight: number;
  maxSendsPerTick: number;
  /** Connections the generator kept open at most (the open model's --connections, the closed model's concurrency). */
  connections?: number;
  seed: number;
}

export interface BenchReport {
  model: 'open' | 'closed';
  rate: number | null;
  concurrency: number | null;
  settings: RunSettings;
  startedAt: string;
  stopReason: StopReason;
  valid: boolean;
  invalidReasons: string[];
  /** What to do about an invalid run, one line each. */
  advice: string[];
  /** The send lag p99 this run was allowed (open model; see sendLagLimitMs). */
  sendLagLimitMs: number | null;
  /** The schedule's own send lag p99 on this machine, measured just before the run. */
  idleSendLagP99Ms: number | null;
  notes: string[];
  elapsedS: number;
  sent: number;
  completed: number;
  dropped: number;
  /** Most requests in flight at once. */
  peakInFlight: number;
  cancelled: number;
  /** Sends per second over the send window. */
  offeredRate: number;
  /** Responses per second from the first intended start to the last response. */
  achievedRate: number;
  errors: {
    total: number;
    rate: number;
    byStatus: Record<string, number>;
    byKind: Record<string, number>;
    byCode: Record<string, number>;
  };
  statuses: Record<string, number>;
  /** From the intended start (open model): what a user waits, queueing included. */
  latencyMs: Percentiles;
  /** From the actual send: what the server took, without the generator's lag. */
  serviceTimeMs: Percentiles;
  /** Actual send minus intended start (open model). */
  sendLagMs: Percentiles | null;
  cache: { hitRatio: number | null; counts: Record<string, number> };
  distribution: Bucket[];
  timeline: { bucketMs: number; points: TimelinePoint[] };
  /** The run's first seconds at 100 ms a slice (the slices with requests). */
  start: { bucketMs: number; points: TimelinePoint[] };
  warmup: { requests: number; primed: number };
  gates: GateResult[];
}

export interface GateResult {
  name: 'p90' | 'errorRate';
  limit: number;
  actual: number;
  passed: boolean;
}

export function buildReport(m: Measurement, settings: RunSettings): BenchReport {
  const open = m.model.kind === 'open';
  const errors = errorCount(m);
  const attempts = m.completed + Object.values(m.errorKinds).reduce((a, b) => a + b, 0);
  const invalidReasons: string[] = [];
  const advice: string[] = [];
  if (open && m.dropped > 0) {
    invalidReasons.push(`${m.dropped} sends dropped: ${settings.maxInFlight} requests were already in flight`);
    advice.push(`the service answers slower than requests arrive: lower --rate, or raise --max-in-flight (now ${settings.maxInFlight}) to measure the queue`);
  }
  const lagP99 = m.sendLag.percentileMs(99);
  const lagLimit = open ? sendLagLimitMs(m.idleSendLagP99Ms, m.latency.percentileMs(99)) : null;
  if (lagLimit !== null && lagP99 > lagLimit) {
    const idle = m.idleSendLagP99Ms === null ? '' : `; this machine's idle lag p99 ${fmt(m.idleSendLagP99Ms)} ms`;
    invalidReasons.push(`send lag p99 ${fmt(lagP99)} ms > ${fmt(lagLimit)} ms allowed${idle}: the generator did not hold the schedule`);
    advice.push(
      'the generator itself fell behind: lower --rate, add --warmup 2 (a cold start lags), leave the CPU to the run ' +
        '(stop other work; with taskset pin the service and papi bench to different cores), or measure capacity with --concurrency instead',
    );
  }
  const notes: string[] = [];
  checkCacheMix(m, settings.cache, { invalidReasons, advice, notes });
  if (open && settings.connections !== undefined && m.peakInFlight > settings.connections)
    notes.push(
      `up to ${m.peakInFlight} requests were in flight on ${settings.connections} connections: the rest waited in papi bench for a free one ` +
        `(that wait is in their latency, measured from the intended start); --connections opens more`,
    );
  if (m.stopReason === 'interrupted') notes.push('interrupted: the figures cover the run so far');
  if (m.stopReason === 'ids-exhausted') notes.push(`stopped early: every id was used once (--cache miss never repeats an id)`);
  const byStatus = Object.fromEntries(Object.entries(m.statuses).filter(([status]) => Number(status) >= 400));
  const withHeader = Object.entries(m.cache).reduce((n, [k, v]) => (k === 'none' ? n : n + v), 0);
  return {
    model: m.model.kind,
    rate: m.model.kind === 'open' ? m.model.rate : null,
    concurrency: m.model.kind === 'closed' ? m.model.concurrency : null,
    settings,
    startedAt: m.startedAt,
    stopReason: m.stopReason,
    valid: invalidReasons.length === 0,
    invalidReasons,
    advice,
    sendLagLimitMs: lagLimit === null ? null : round(lagLimit, 3),
    idleSendLagP99Ms: m.idleSendLagP99Ms === null ? null : round(m.idleSendLagP99Ms, 3),
    notes,
    elapsedS: round(m.elapsedMs / 1000, 3),
    sent: m.sent,
    completed: m.completed,
    dropped: m.dropped,
    peakInFlight: m.peakInFlight,
    cancelled: m.cancelled,
    offeredRate: m.sendWindowMs > 0 ? round((m.sent - 1) / (m.sendWindowMs / 1000), 1) : 0,
    achievedRate: m.elapsedMs > 0 ? round(m.completed / (m.elapsedMs / 1000), 1) : 0,
    errors: {
      total: errors,
      rate: attempts > 0 ? round(errors / attempts, 6) : 0,
      byStatus,
      byKind: { ...m.errorKinds },
      byCode: { ...m.errorCodes },
    },
    statuses: { ...m.statuses },
    latencyMs: m.latency.percentiles(),
    serviceTimeMs: m.serviceTime.percentiles(),
    sendLagMs: open ? m.sendLag.percentiles() : null,
    cache: { hitRatio: withHeader > 0 ? round((m.cache.HIT ?? 0) / withHeader, 4) : null, counts: { ...m.cache } },
    distribution: m.latency.distribution(),
    timeline: { bucketMs: m.timeline.widthMs, points: m.timeline.points() },
    start: { bucketMs: m.start.widthMs, points: m.start.points() },
    warmup: m.warmup,
    gates: [],
  };
}

/** A --cache hit run may have this share of answers that were not hits (entries expiring in a long run). */
export const HIT_RUN_MISS_SHARE = 0.01;

/**
 * Whether the X-Cache mix the service reported fits the mode asked for. A miss run sends
 * Cache-Control: no-cache, so every answer must be a MISS; a hit run is primed, so (nearly) every
 * answer must be a HIT. Anything else measured something other than what the run says it measured.
 */
function checkCacheMix(m: Measurement, mode: CacheMode, out: { invalidReasons: string[]; advice: string[]; notes: string[] }): void {
  if (mode === 'mixed') return;
  const answered = Object.entries(m.cache).reduce((n, [k, v]) => (k === 'none' ? n : n + v), 0);
  if (answered === 0) {
    if (m.completed > 0) out.notes.push(`the target sent no X-Cache header: whether its answers were cache ${mode === 'miss' ? 'misses' : 'hits'} could not be checked`);
    return;
  }
  if (mode === 'miss') {
    const ignored = m.cacheRefresh.off ?? 0;
    const cached = answered - (m.cache.MISS ?? 0);
    if (ignored > 0) {
      out.invalidReasons.push(
        `the service does not honour Cache-Control: no-cache (X-Cache-Refresh: off on ${ignored} answers), so ids it had cached were not looked up` +
          (cached > 0 ? ` (${cached} of ${answered} answers came from its cache)` : ''),
      );
      out.advice.push('set service.cache.honorNoCache: true in papi.yaml and run papi deploy (papi dev: restart it) so a miss run measures the table');
    } else if (cached > 0) {
      out.invalidReasons.push(`${cached} of ${answered} answers came from the service's cache (X-Cache ${mixText(m.cache, 'MISS')}) in a --cache miss run`);
      out.advice.push('the service answered Cache-Control: no-cache from its cache: deploy a papi service with service.cache.honorNoCache: true');
    }
    return;
  }
  const notHits = answered - (m.cache.HIT ?? 0);
  if (notHits > answered * HIT_RUN_MISS_SHARE) {
    out.invalidReasons.push(`${notHits} of ${answered} answers were not cache hits (X-Cache ${mixText(m.cache, 'HIT')}) in a --cache hit run`);
    out.advice.push('the hot set did not stay cached: a --hot-set above service.cache.maxEntries, a cache TTL shorter than the run, or a service with the cache off (ttlSeconds 0)');
  }
}

/** The X-Cache values other than `expected`, with their counts: "HIT 12, PARTIAL 3". */
function mixText(counts: Record<string, number>, expected: string): string {
  return Object.entries(counts)
    .filter(([k]) => k !== expected && k !== 'none')
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

export interface Gates {
  p90MaxMs?: number;
  maxErrorRate?: number;
}

export function evaluateGates(report: BenchReport, gates: Gates): GateResult[] {
  const results: GateResult[] = [];
  if (gates.p90MaxMs !== undefined) {
    const actual = report.latencyMs.p90;
    results.push({ name: 'p90', limit: gates.p90MaxMs, actual, passed: actual <= gates.p90MaxMs });
  }
  if (gates.maxErrorRate !== undefined) {
    const actual = report.errors.rate;
    results.push({ name: 'errorRate', limit: gates.maxErrorRate, actual, passed: actual <= gates.maxErrorRate });
  }
  return results;
}

const BAR_WIDTH = 40;

export function formatReport(r: BenchReport): string {
  const lines: string[] = [];
  const load = r.model === 'open' ? `open model, ${r.rate}/s` : `closed model, ${r.concurrency} connections`;
  lines.push(`papi bench ${r.settings.url} — ${load}, cache ${r.settings.cache}, ${r.settings.idsPerRequest} id(s)/request`);
  if (!r.valid) for (const reason of r.invalidReasons) lines.push(`INVALID RUN: ${reason}`);
  for (const line of r.advice) lines.push(`what to do: ${line}`);
  for (const note of r.notes) lines.push(`note: ${note}`);
  lines.push('');
  lines.push(
    `requests   ${r.completed} answered of ${r.sent} sent in ${fmt(r.elapsedS)} s` +
      (r.dropped ? `, ${r.dropped} dropped` : '') +
      (r.cancelled ? `, ${r.cancelled} cancelled` : ''),
  );
  lines.push(`rate       ${fmt(r.achievedRate)}/s achieved (${fmt(r.offeredRate)}/s offered)`);
  const kinds = Object.entries(r.errors.byKind).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  const statuses = Object.entries(r.errors.byStatus).map(([s, n]) => `HTTP ${s} ${n}`);
  lines.push(`errors     ${r.errors.total} (${pct(r.errors.rate)})${[...statuses, ...kinds].length ? ': ' + [...statuses, ...kinds].join(', ') : ''}`);
  const counts = Object.entries(r.cache.counts).map(([k, n]) => `${k} ${n}`).join(', ');
  lines.push(`cache      ${r.cache.hitRatio === null ? 'no X-Cache header' : `${pct(r.cache.hitRatio)} hits`}${counts ? ` (${counts})` : ''}`);
  lines.push('');
  lines.push(`${'latency ms'.padEnd(14)}${['p50', 'p90', 'p95', 'p99', 'p99.9', 'max'].map((h) => h.padStart(9)).join('')}`);
  const row = (name: string, p: Percentiles) =>
    `${name.padEnd(14)}${[p.p50, p.p90, p.p95, p.p99, p.p99_9, p.max].map((v) => fmt(v).padStart(9)).join('')}`;
  lines.push(row(r.model === 'open' ? 'from intended' : 'response', r.latencyMs));
  if (r.model === 'open') lines.push(row('service time', r.serviceTimeMs));
  if (r.sendLagMs) lines.push(row('send lag', r.sendLagMs));
  if (r.distribution.length > 0) {
    lines.push('');
    lines.push('distribution (latency from intended start)');
    const most = Math.max(...r.distribution.map((b) => b.count));
    let previous = 0;
    for (const bucket of r.distribution) {
      const label = bucket.upToMs === null ? `> ${fmt(previous)} ms` : `≤ ${fmt(bucket.upToMs)} ms`;
      const bar = '█'.repeat(Math.round((bucket.count / most) * BAR_WIDTH));
      const share = r.completed > 0 ? bucket.count / r.completed : 0;
      lines.push(`${label.padStart(12)} ${String(bucket.count).padStart(7)} ${pct(share).padStart(7)} ${bar}`);
      if (bucket.upToMs !== null) previous = bucket.upToMs;
    }
  }
  if (r.gates.length > 0) {
    lines.push('');
    for (const gate of r.gates) lines.push(`gate ${gateText(gate)}`);
  }
  return lines.join('\n');
}

/** Misses over hits, per percentile: what the cache saves. */
export function compareRatios(hit: BenchReport, miss: BenchReport): { p50: number; p90: number; p99: number } {
  const ratio = (m: number, h: number) => (h > 0 ? round(m / h, 2) : 0);
  return { p50: ratio(miss.latencyMs.p50, hit.latencyMs.p50), p90: ratio(miss.latencyMs.p90, hit.latencyMs.p90), p99: ratio(miss.latencyMs.p99, hit.latencyMs.p99) };
}

/** --cache compare: both runs in full, then their latencies side by side. */
export function formatCompare(hit: BenchReport, miss: BenchReport): string {
  const ratios = compareRatios(hit, miss);
  const row = (name: string, values: number[]) => `${name.padEnd(22)}${values.map((v) => fmt(v).padStart(9)).join('')}`;
  const lines = [
    formatReport(hit),
    '',
    formatReport(miss),
    '',
    `with and without the cache (latency ms, ${hit.model === 'open' ? 'from the intended start' : 'per response'})`,
    `${''.padEnd(22)}${['p50', 'p90', 'p99', 'hits'].map((h) => h.padStart(9)).join('')}`,
    `${row('cache hit', [hit.latencyMs.p50, hit.latencyMs.p90, hit.latencyMs.p99])}${(hit.cache.hitRatio === null ? '–' : pct(hit.cache.hitRatio)).padStart(9)}`,
    `${row('cache miss (no-cache)', [miss.latencyMs.p50, miss.latencyMs.p90, miss.latencyMs.p99])}${(miss.cache.hitRatio === null ? '–' : pct(miss.cache.hitRatio)).padStart(9)}`,
    `${row('miss / hit', [ratios.p50, ratios.p90, ratios.p99])}`,
  ];
  if (!hit.valid || !miss.valid) lines.push(`INVALID COMPARISON: the ${[!hit.valid && 'hit', !miss.valid && 'miss'].filter(Boolean).join(' and ')} run is invalid (see above)`);
  return lines.join('\n');
}

export function gateText(gate: GateResult): string {
  const unit = gate.name === 'p90' ? ' ms' : '';
  const name = gate.name === 'p90' ? 'p90' : 'error rate';
  return `${name} ${fmt(gate.actual)}${unit} ${gate.passed ? '≤' : '>'} ${fmt(gate.limit)}${unit}: ${gate.passed ? 'passed' : 'FAILED'}`;
}

/** A fraction as a percentage: one decimal, two below 0.1 %. */
export function pct(fraction: number): string {
  const p = fraction * 100;
  return `${p > 0 && p < 0.1 ? p.toFixed(2) : p.toFixed(1)} %`;
}

/** Three significant figures, at most three decimals. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const abs = Math.abs(n);
  const decimals = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return n.toFixed(decimals);
}

function round(n: number, decimals = 1): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

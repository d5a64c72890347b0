import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, startServer, type TestServer } from './__tests__/servers.js';
import { LatencyHistogram } from './histogram.js';
import { renderHtml } from './html.js';
import { IdPicker } from './ids.js';
import { buildReport, evaluateGates, formatReport, type BenchReport } from './report.js';
import { destroy, runBench, type Measurement } from './run.js';
import { Timeline } from './timeline.js';

let server: TestServer;
let report: BenchReport;

beforeAll(async () => {
  // Two in ten requests are slow and one in ten a 500, so the report has two modes and errors.
  server = await startServer((_req, res, index) => {
    if (index % 10 === 9) answer(res, 500, 'MISS');
    else if (index % 10 >= 7) setTimeout(() => answer(res, 200, 'MISS'), 30);
    else answer(res, 200, 'HIT');
  });
  const ids = Array.from({ length: 100 }, (_, i) => String(i + 1));
  const m = await runBench({
    target: { url: server.url, headers: { Authorization: 'Snowflake Token="secret-token"' } },
    ids: new IdPicker(ids, { mode: 'mixed', idsPerRequest: 1, seed: 3 }),
    model: { kind: 'closed', concurrency: 1 },
    requests: 50,
  });
  report = buildReport(m, {
    url: server.url,
    headerNames: ['Authorization'],
    cache: 'mixed',
    idsPerRequest: 1,
    idCount: ids.length,
    hotSet: 0,
    requests: 50,
    durationS: null,
    warmupS: 0,
    timeoutMs: 10_000,
    maxInFlight: 1000,
    maxSendsPerTick: 100,
    seed: 3,
  });
  destroy(m);
});
afterAll(() => server.close());

describe('buildReport', () => {
  it('has the figures of the run', () => {
    expect(report).toMatchObject({ model: 'closed', concurrency: 1, rate: null, sent: 50, completed: 50, dropped: 0, valid: true, stopReason: 'completed' });
    expect(report.errors).toMatchObject({ total: 5, rate: 0.1, byStatus: { 500: 5 } });
    expect(report.statuses).toEqual({ 200: 45, 500: 5 });
    expect(report.cache.counts).toEqual({ HIT: 35, MISS: 15 });
    expect(report.cache.hitRatio).toBe(0.7);
    // Ten of fifty took ≥ 30 ms (20 %): p50 is fast, p90 and above slow.
    expect(report.latencyMs.p50).toBeLessThan(30);
    expect(report.latencyMs.p90).toBeGreaterThanOrEqual(30);
    expect(report.latencyMs.max).toBeGreaterThanOrEqual(report.latencyMs.p99_9);
    expect(report.sendLagMs).toBeNull();
    expect(report.distribution.reduce((n, b) => n + b.count, 0)).toBe(50);
    expect(report.timeline.points.reduce((n, p) => n + p.count + p.errors, 0)).toBe(50);
    expect(report.achievedRate).toBeGreaterThan(0);
  });

  it('is plain JSON without header values', () => {
    const json = JSON.stringify(report);
    expect(JSON.parse(json)).toEqual(report);
    expect(json).not.toContain('secret-token');
    expect(report.settings.headerNames).toEqual(['Authorization']);
    expect(Object.keys(report.latencyMs)).toEqual(['p50', 'p90', 'p95', 'p99', 'p99_9', 'max', 'min', 'mean']);
  });

  it('evaluates the p90 and error-rate gates', () => {
    const p90 = report.latencyMs.p90;
    expect(evaluateGates(report, {})).toEqual([]);
    expect(evaluateGates(report, { p90MaxMs: p90 })).toEqual([{ name: 'p90', limit: p90, actual: p90, passed: true }]);
    expect(evaluateGates(report, { p90MaxMs: p90 / 2 })[0]!.passed).toBe(false);
    expect(evaluateGates(report, { maxErrorRate: 0.1 })[0]!.passed).toBe(true);
    expect(evaluateGates(report, { maxErrorRate: 0.05 })).toEqual([{ name: 'errorRate', limit: 0.05, actual: 0.1, passed: false }]);
  });

  it('prints the summary, percentiles and a text histogram', () => {
    const text = formatReport({ ...report, gates: evaluateGates(report, { maxErrorRate: 0.05 }) });
    expect(text).toMatch(/closed model, 1 connections/);
    expect(text).toMatch(/errors +5 \(10\.0 %\): HTTP 500 5/);
    expect(text).toMatch(/cache +70\.0 % hits \(HIT 35, MISS 15\)/);
    expect(text).toMatch(/p50 +p90 +p95 +p99 +p99\.9 +max/);
    expect(text).toMatch(/█/);
    expect(text).toMatch(/gate error rate 0\.100 > 0\.050: FAILED/);
    expect(text).not.toContain('secret-token');
  });
});

describe('renderHtml', () => {
  it('is one self-contained page with both charts as inline SVG', () => {
    const html = renderHtml(report);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('aria-label="latency over time"');
    expect(html).toContain('aria-label="latency distribution"');
    expect(html).toMatch(/<polyline class="p99"/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    // The only http URL is the target, shown as text.
    expect(html.replace(new RegExp(server.url, 'g'), '')).not.toMatch(/https?:\/\//);
    expect(html).not.toContain('secret-token');
  });

  it('escapes what it shows', () => {
    const html = renderHtml({ ...report, settings: { ...report.settings, url: 'http://x/<b>"' } });
    expect(html).not.toContain('<b>"');
    expect(html).toContain('&#60;b&#62;&#34;');
  });
});

describe('the send-lag rule fits the machine (#17.9)', () => {
  /** An open-model run of 100 requests: latency, send lag and the idle lag measured before it. */
  function openRun(latencyMs: number, lagMs: number, idleLagP99Ms: number | null) {
    const m = {
      model: { kind: 'open', rate: 200 },
      startedAt: new Date(0).toISOString(),
      stopReason: 'completed',
      elapsedMs: 500,
      sendWindowMs: 495,
      sent: 100,
      completed: 100,
      dropped: 0,
      peakInFlight: 1,
      cancelled: 0,
      latency: new LatencyHistogram(),
      serviceTime: new LatencyHistogram(),
      sendLag: new LatencyHistogram(),
      statuses: { 200: 100 },
      errorKinds: { timeout: 0, reset: 0, refused: 0, other: 0 },
      errorCodes: {},
      cache: { HIT: 100 },
      cacheRefresh: {},
      timeline: new Timeline(),
      start: new Timeline(5000),
      warmup: { requests: 0, primed: 0 },
      idleSendLagP99Ms: idleLagP99Ms,
    } satisfies Measurement;
    for (let i = 0; i < 100; i++) {
      m.latency.recordMs(latencyMs);
      m.serviceTime.recordMs(latencyMs - lagMs);
      m.sendLag.recordMs(lagMs);
    }
    const r = buildReport(m, { ...report.settings });
    destroy(m);
    return r;
  }

  it('a 2.6 ms lag p99 on a machine whose schedule alone lags 1.5 ms is valid (was INVALID: > 1 ms)', () => {
    const r = openRun(5, 2.6, 1.5);
    expect(r.valid).toBe(true);
    expect(r.sendLagLimitMs).toBeCloseTo(3, 1);
    expect(r.idleSendLagP99Ms).toBeCloseTo(1.5, 1);
  });

  it('a lag that is small next to the latencies measured is valid', () => {
    expect(openRun(40, 2.6, 0.2).valid).toBe(true);
  });

  it('a generator that falls far behind is invalid, and the report says what to do', () => {
    const r = openRun(10, 8, 0.5);
    expect(r.valid).toBe(false);
    expect(r.invalidReasons.join()).toMatch(/send lag p99 8\.\d+ ms > 1\.\d+ ms allowed; this machine's idle lag p99 0\.5\d* ms/);
    expect(r.advice.join()).toMatch(/lower --rate/);
    expect(formatReport(r)).toMatch(/^what to do: .*--warmup/m);
    expect(renderHtml(r)).toContain('What to do:');
  });
});

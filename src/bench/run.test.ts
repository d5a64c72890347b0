import { afterEach, describe, expect, it } from 'vitest';
import { answer, closedPort, pausingHandler, closeTrackedServers, trackedServer, startService } from './__tests__/servers.js';
import { IdPicker } from './ids.js';
import { buildReport, type RunSettings } from './report.js';
import { destroy, errorCount, intendedStartMs, runBench, type Measurement, type RequestRecord } from './run.js';

const ids = Array.from({ length: 1000 }, (_, i) => String(i + 1));
const mixed = () => new IdPicker(ids, { mode: 'mixed', idsPerRequest: 1, seed: 1 });
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await closeTrackedServers();
});

const server = trackedServer;

function keep(m: Measurement): Measurement {
  cleanups.push(() => destroy(m));
  return m;
}

const settingsOf = (): RunSettings => ({
    url: 'x',
    headerNames: [],
    cache: 'mixed',
    idsPerRequest: 1,
    idCount: ids.length,
    hotSet: 0,
    requests: null,
    durationS: null,
    warmupS: 0,
    timeoutMs: 1000,
    maxInFlight: 1000,
    maxSendsPerTick: 100,
    seed: 1,
  });
const reportOf = (m: Measurement) => buildReport(m, settingsOf());

describe('open model schedule', () => {
  it('starts request i at t0 + i/rate, sends in order, never before its time, latency from the intended start', async () => {
    const s = await server();
    const records: RequestRecord[] = [];
    const rate = 400;
    const m = keep(await runBench({ target: { url: s.url, headers: {} }, ids: mixed(), model: { kind: 'open', rate }, requests: 60, onRequest: (r) => records.push(r) }));
    expect(m.sent).toBe(60);
    expect(m.completed).toBe(60);
    expect(s.paths).toHaveLength(60);
    const byIndex = [...records].sort((a, b) => a.index - b.index);
    expect(byIndex.map((r) => r.index)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    const t0 = byIndex[0]!.t0Ms;
    for (const r of byIndex) {
      expect(r.intendedMs).toBe(intendedStartMs(t0, r.index, rate));
      expect(r.intendedMs - t0).toBeCloseTo((r.index * 1000) / rate, 9);
      expect(r.sentMs).toBeGreaterThanOrEqual(r.intendedMs);
      expect(r.endMs).toBeGreaterThan(r.sentMs);
    }
    for (let i = 1; i < byIndex.length; i++) expect(byIndex[i]!.sentMs).toBeGreaterThanOrEqual(byIndex[i - 1]!.sentMs);
    // The histogram holds latency from the intended start, not from the send.
    const longest = Math.max(...byIndex.map((r) => r.endMs - r.intendedMs));
    expect(Math.abs(m.latency.percentiles().max - longest)).toBeLessThanOrEqual(longest * 0.001 + 0.002);
    expect(m.sendLag.count).toBe(60);
  });

  it('counts the queueing behind a server that pauses 200 ms once; a closed loop hides it', async () => {
    const rate = 200; // one request every 5 ms
    const open = await server(pausingHandler(20, 200));
    const openRecords: number[] = [];
    const m = keep(
      await runBench({
        target: { url: open.url, headers: {} },
        ids: mixed(),
        model: { kind: 'open', rate },
        requests: 80,
        onRequest: (r) => openRecords.push(r.endMs - r.intendedMs),
      }),
    );
    const records: number[] = [];
    const closed = await server(pausingHandler(20, 200));
    const c = keep(
      await runBench({
        target: { url: closed.url, headers: {} },
        ids: mixed(),
        model: { kind: 'closed', concurrency: 1 },
        requests: 80,
        onRequest: (r) => records.push(r.endMs - r.intendedMs),
      }),
    );
    // Every request due in the first 100 ms of the pause waits until it ends: ≥ 100 ms each, and
    // 100 ms at 200/s is 20 requests (one less for where the pause falls between two sends).
    expect(openRecords.filter((ms) => ms >= 100).length).toBeGreaterThanOrEqual(19);
    // ≈ 200, not ≥ 200: the server's 200 ms timer runs on libuv's cached loop time and can end a
    // fraction of a millisecond early against performance.now() (seen: 199.935 on a loaded host).
    expect(m.latency.percentiles().max).toBeGreaterThanOrEqual(195);
    expect(m.completed).toBe(80);
    // The closed loop had one request waiting: one slow sample, the rest of the pause unseen.
    expect(c.latency.percentiles().max).toBeGreaterThanOrEqual(195);
    expect(records.filter((ms) => ms >= 100).length).toBeLessThan(5);
  });

  it('charges a stalled generator to latency too: sends due while it was blocked count from their due time', async () => {
    const s = await server();
    const late: number[] = [];
    const m = keep(
      await runBench({
        target: { url: s.url, headers: {} },
        ids: mixed(),
        model: { kind: 'open', rate: 200 },
        requests: 60,
        onRequest: (r) => {
          late.push(r.endMs - r.intendedMs);
          if (r.index === 10) {
            const until = performance.now() + 100; // block this process's event loop for 100 ms
            while (performance.now() < until);
          }
        },
      }),
    );
    // The ~10 requests due in the first 50 ms of the block were sent ≥ 50 ms late.
    expect(late.filter((ms) => ms >= 50).length).toBeGreaterThanOrEqual(9);
    expect(m.sendLag.percentiles().max).toBeGreaterThanOrEqual(50);
    expect(m.completed).toBe(60);
  });

  it("keeps the run's first seconds by 100 ms: answers, misses, requests in flight and the connections it opened (#16.5)", async () => {
    // Slow enough that requests overlap (new connections), a miss every third answer.
    const s = await server((_req, res, index) => setTimeout(() => answer(res, 200, index % 3 === 0 ? 'MISS' : 'HIT'), 30));
    const m = keep(await runBench({ target: { url: s.url, headers: {} }, ids: mixed(), model: { kind: 'open', rate: 200 }, requests: 60 }));
    const connections = s.connections;
    const points = m.start.points();
    expect(m.start.widthMs).toBe(100);
    expect(points.reduce((n, p) => n + p.count, 0)).toBe(60);
    expect(points.reduce((n, p) => n + p.misses, 0)).toBe(20);
    // Every connection the server saw was opened by the run, and counted once.
    expect(points.reduce((n, p) => n + p.opened, 0)).toBe(connections);
    expect(connections).toBeGreaterThan(1);
    // 30 ms answers at one every 5 ms: several in flight at once.
    expect(Math.max(...points.map((p) => p.maxInFlight))).toBeGreaterThan(1);
    expect(reportOf(m).start.points).toHaveLength(points.length);
  });

  it('open model: keeps at most --connections connections; requests beyond wait for one, and the wait is in their latency (#16.5)', async () => {
    // 40 ms answers at one every 5 ms: about 8 in flight at once, on 3 connections.
    const s = await server((_req, res) => setTimeout(() => answer(res), 40));
    const records: RequestRecord[] = [];
    const m = keep(
      await runBench({ target: { url: s.url, headers: {} }, ids: mixed(), model: { kind: 'open', rate: 200 }, requests: 40, connections: 3, onRequest: (r) => records.push(r) }),
    );
    expect(m.completed).toBe(40);
    expect(m.dropped).toBe(0);
    expect(s.connections).toBe(3);
    expect(s.maxConcurrent).toBeLessThanOrEqual(3);
    expect(m.peakInFlight).toBeGreaterThan(3);
    // Three connections answer at most 3 per 40 ms: the last requests waited well past their own 40 ms.
    const slowest = Math.max(...records.map((r) => r.endMs - r.intendedMs));
    expect(slowest).toBeGreaterThan(80);
    expect(m.latency.percentiles().max).toBeGreaterThan(80);
    expect(reportOf(m).notes.join()).toBe('');
    expect(buildReport(m, { ...settingsOf(), connections: 3 }).notes.join()).toMatch(/in flight on 3 connections: the rest waited in papi bench/);
  });

  it('drops sends beyond the in-flight cap, counts them, and marks the run invalid', async () => {
    const s = await server((_req, res) => setTimeout(() => answer(res), 100));
    const m = keep(
      await runBench({ target: { url: s.url, headers: {} }, ids: mixed(), model: { kind: 'open', rate: 500 }, requests: 40, maxInFlight: 2 }),
    );
    expect(m.dropped).toBeGreaterThan(0);
    expect(m.sent + m.dropped).toBe(40);
    expect(s.maxConcurrent).toBeLessThanOrEqual(2);
    const report = reportOf(m);
    expect(report.valid).toBe(false);
    expect(report.invalidReasons.join()).toMatch(/dropped/);
  });

  it('measures the schedule\'s own lag on this machine before the run when asked (#17.9)', async () => {
    const s = await server();
    const m = keep(
      await runBench({ target: { url: s.url, headers: {} }, ids: mixed(), model: { kind: 'open', rate: 500 }, requests: 10, calibrateMs: 100 }),
    );
    expect(m.idleSendLagP99Ms).toBeGreaterThanOrEqual(0);
    expect(reportOf(m).idleSendLagP99Ms).toBe(Math.round(m.idleSendLagP99Ms! * 1000) / 1000);
    const plain = keep(await runBench({ target: { url: s.url, headers: {} }, ids: mixed(), model: { kind: 'open', rate: 500 }, requests: 10 }));
    expect(plain.idleSendLagP99Ms).toBeNull();
  });

  it('stops at --duration', async () => {
    const s = await server();
    const m = keep(await runBench({ target: { url: s.url, headers: {} }, ids: mixed(), model: { kind: 'open', rate: 100 }, durationMs: 200 }));
    expect(m.stopReason).toBe('duration');
    expect(m.sent).toBe(20);
  });

  it('runs a warmup phase at the same rate first and leaves it out of the figures', async () => {
    const s = await server();
    const m = keep(await runBench({ target: { url: s.url, headers: {} }, ids: mixed(), model: { kind: 'open', rate: 200 }, requests: 10, warmupMs: 100 }));
    expect(m.warmup.requests).toBe(20);
    expect(m.sent).toBe(10);
    expect(m.latency.count).toBe(10);
    expect(s.paths).toHaveLength(30);
  });

  it('stops on abort and returns what was measured so far', async () => {
    const s = await server((_req, res, index) => (index < 10 ? answer(res) : setTimeout(() => answer(res), 2000)));
    const controller = new AbortController();
    let completed = 0;
    const m = keep(
      await runBench({
        target: { url: s.url, headers: {} },
        ids: mixed(),
        model: { kind: 'open', rate: 200 },
        requests: 1000,
        signal: controller.signal,
        onRequest: () => ++completed === 10 && controller.abort(),
      }),
    );
    expect(m.stopReason).toBe('interrupted');
    expect(m.completed).toBe(10);
    expect(m.sent).toBeLessThan(1000);
    expect(m.sent).toBe(m.completed + m.cancelled);
  });
});

describe('closed model', () => {
  it('keeps at most n requests in flight and sends exactly the count asked', async () => {
    const s = await server((_req, res) => setTimeout(() => answer(res), 5));
    const m = keep(await runBench({ target: { url: s.url, headers: {} }, ids: mixed(), model: { kind: 'closed', concurrency: 4 }, requests: 40 }));
    expect(m.completed).toBe(40);
    expect(s.paths).toHaveLength(40);
    expect(s.maxConcurrent).toBeLessThanOrEqual(4);
    expect(s.maxConcurrent).toBeGreaterThan(1);
    expect(m.sendLag.count).toBe(0);
  });
});

describe('errors', () => {
  it('counts statuses and resets', async () => {
    const s = await server((req, res, index) => {
      if (index % 4 === 1) answer(res, 503, 'MISS');
      else if (index % 4 === 2) req.socket.destroy();
      else answer(res);
    });
    const m = keep(await runBench({ target: { url: s.url, headers: {} }, ids: mixed(), model: { kind: 'closed', concurrency: 1 }, requests: 20 }));
    expect(m.statuses).toEqual({ 200: 10, 503: 5 });
    expect(m.errorKinds.reset).toBe(5);
    expect(errorCount(m)).toBe(10);
    expect(reportOf(m).errors).toMatchObject({ total: 10, rate: 0.5, byStatus: { 503: 5 } });
  });

  it('counts refused connections and timeouts', async () => {
    const port = await closedPort();
    const refused = keep(
      await runBench({ target: { url: `http://127.0.0.1:${port}`, headers: {} }, ids: mixed(), model: { kind: 'open', rate: 200 }, requests: 5 }),
    );
    expect(refused.errorKinds.refused).toBe(5);
    const s = await server(() => undefined); // never answers
    const slow = keep(
      await runBench({ target: { url: s.url, headers: {} }, ids: mixed(), model: { kind: 'open', rate: 200 }, requests: 3, timeoutMs: 100 }),
    );
    expect(slow.errorKinds.timeout).toBe(3);
    expect(slow.completed).toBe(0);
  });
});

describe('cache modes against the service', () => {
  it('hit: primes the hot set, then every answer is a HIT and the store is not asked again', async () => {
    const service = await startService(100);
    cleanups.push(() => service.close());
    const picker = new IdPicker(ids.slice(0, 100), { mode: 'hit', idsPerRequest: 1, hotSetSize: 5 });
    const m = keep(await runBench({ target: { url: service.url, headers: {} }, ids: picker, model: { kind: 'open', rate: 500 }, requests: 50, prime: true }));
    expect(m.warmup.primed).toBe(5);
    expect(m.cache).toEqual({ HIT: 50 });
    expect(service.store.queries).toHaveLength(5);
    expect(reportOf(m).cache.hitRatio).toBe(1);
  });

  it('miss: every answer is a MISS and no id is asked twice', async () => {
    const service = await startService(100);
    cleanups.push(() => service.close());
    const picker = new IdPicker(ids.slice(0, 100), { mode: 'miss', idsPerRequest: 2 });
    const m = keep(await runBench({ target: { url: service.url, headers: {} }, ids: picker, model: { kind: 'closed', concurrency: 2 }, requests: 40 }));
    expect(m.cache).toEqual({ MISS: 40 });
    const asked = service.store.queries.flat();
    expect(asked).toHaveLength(80);
    expect(new Set(asked).size).toBe(80);
    expect(reportOf(m).cache.hitRatio).toBe(0);
  });

  it('miss: stops when the ids run out', async () => {
    const s = await server();
    const picker = new IdPicker(ids.slice(0, 10), { mode: 'miss', idsPerRequest: 1 });
    const m = keep(await runBench({ target: { url: s.url, headers: {} }, ids: picker, model: { kind: 'closed', concurrency: 2 }, durationMs: 5000 }));
    expect(m.stopReason).toBe('ids-exhausted');
    expect(m.completed).toBe(10);
  });
});

// The cache modes are honest (#14.4): a --cache miss run sends Cache-Control: no-cache, and a run
// whose X-Cache mix contradicts its mode is invalid with the reason. Real HTTP against the API
// service (createApp, RowCache, lookup) on loopback; the same through papi local's ingress is in
// src/__tests__/bench-cache.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import { answer, closeTrackedServers, startService, trackedServer } from './__tests__/servers.js';
import { IdPicker, type CacheMode } from './ids.js';
import { buildReport, formatReport, type BenchReport } from './report.js';
import { destroy, runBench } from './run.js';

const USERS = 200;
const ids = Array.from({ length: USERS }, (_, i) => String(i + 1));
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await closeTrackedServers();
});

async function run(url: string, mode: CacheMode, headers: Record<string, string> = {}): Promise<BenchReport> {
  const picker = new IdPicker(ids, { mode, idsPerRequest: 1, hotSetSize: 10 });
  // What papi bench adds for a miss run (src/bench/index.ts).
  const sent = mode === 'miss' ? { 'cache-control': 'no-cache', ...headers } : headers;
  const m = await runBench({ target: { url, headers: sent }, ids: picker, model: { kind: 'closed', concurrency: 4 }, requests: 50, prime: mode === 'hit' });
  const report = buildReport(m, {
    url,
    headerNames: Object.keys(sent),
    cache: mode,
    idsPerRequest: 1,
    idCount: ids.length,
    hotSet: picker.hotSet.length,
    requests: 50,
    durationS: null,
    warmupS: 0,
    timeoutMs: 10_000,
    maxInFlight: 1000,
    maxSendsPerTick: 100,
    seed: 1,
  });
  destroy(m);
  return report;
}

async function service(honorNoCache: boolean) {
  const s = await startService(USERS, { honorNoCache });
  closers.push(() => s.close());
  return s;
}

describe('--cache miss after a hit run', () => {
  it('against a service that does not honour no-cache: invalid, and says what to set', async () => {
    const s = await service(false);
    // A mixed run first caches most ids the miss run will ask.
    expect((await run(s.url, 'hit')).valid).toBe(true);
    await run(s.url, 'mixed');
    const miss = await run(s.url, 'miss');
    expect(miss.cache.counts.HIT).toBeGreaterThan(0);
    expect(miss.valid).toBe(false);
    expect(miss.invalidReasons.join()).toMatch(/does not honour Cache-Control: no-cache \(X-Cache-Refresh: off on 50 answers\)/);
    expect(miss.advice.join()).toMatch(/service\.cache\.honorNoCache: true/);
    expect(formatReport(miss)).toMatch(/^INVALID RUN: the service does not honour/m);
  });

  it('against a service that honours it: every answer a MISS, valid, and the table was asked for each id', async () => {
    const s = await service(true);
    await run(s.url, 'hit');
    await run(s.url, 'mixed');
    const before = s.store.queries.length;
    const miss = await run(s.url, 'miss');
    expect(miss.valid).toBe(true);
    expect(miss.invalidReasons).toEqual([]);
    expect(miss.cache.counts).toEqual({ MISS: 50 });
    expect(miss.cache.hitRatio).toBe(0);
    expect(s.store.queries.slice(before).flat().sort()).toEqual(ids.slice(0, 50).sort());
  });
});

describe('the X-Cache mix against the mode', () => {
  it('a miss run answered with hits by a server that knows nothing of no-cache is invalid with the counts', async () => {
    const server = await trackedServer((_req, res, index) => answer(res, 200, index % 5 === 0 ? 'MISS' : 'HIT'));
    const miss = await run(server.url, 'miss');
    expect(miss.valid).toBe(false);
    expect(miss.invalidReasons).toEqual(['40 of 50 answers came from the service\'s cache (X-Cache HIT 40) in a --cache miss run']);
  });

  it('a hit run answered with misses is invalid, even 1 in 50 (more than the 1 % of expiring entries allowed)', async () => {
    const server = await trackedServer((_req, res, index) => answer(res, 200, index % 2 === 0 ? 'MISS' : 'HIT'));
    const hit = await run(server.url, 'hit');
    expect(hit.valid).toBe(false);
    expect(hit.invalidReasons.join()).toMatch(/answers were not cache hits \(X-Cache MISS \d+\) in a --cache hit run/);
    const mostly = await trackedServer((_req, res, index) => answer(res, 200, index === 20 ? 'MISS' : 'HIT'));
    // Priming is not measured: 1 miss in the 50 measured answers is 2 %.
    const r = await run(mostly.url, 'hit');
    expect(r.cache.counts).toEqual({ HIT: 49, MISS: 1 });
    expect(r.valid).toBe(false);
  });

  it('a target without X-Cache cannot be checked: a note, not a verdict', async () => {
    const server = await trackedServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]'));
    const miss = await run(server.url, 'miss');
    expect(miss.valid).toBe(true);
    expect(miss.notes.join()).toMatch(/no X-Cache header: whether its answers were cache misses could not be checked/);
  });
});

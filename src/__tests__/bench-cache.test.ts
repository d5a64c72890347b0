// papi bench's cache modes through papi local's ingress, against the real service bundle (#14.4):
// after any other run, --cache miss used to report "100 % hits" (its ids were fresh within the run
// but cached by the service). Now a miss run sends Cache-Control: no-cache; a service that does not
// honour it (service.cache.honorNoCache off, the default) makes the run invalid and says so; with it
// on, every answer is a miss; --cache compare puts hits and misses side by side in one run.
import { readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../bench/report.js';
import { runCli, tempDir, type CliRun } from './support/cli.js';

const project = tempDir('papi-bench-cache-');
const env = { XDG_CACHE_HOME: join(project, 'cache'), NO_COLOR: '1' };
const papi = (...argv: string[]): Promise<CliRun> => runCli(argv, { cwd: project, env });

function must(run: CliRun): CliRun {
  if (run.code !== 0) throw new Error(`papi exited ${run.code}\n${run.stderr}\n${run.stdout}`);
  return run;
}

// 300 requests never repeat an id among the 943 users; the hit run's hot set is among them.
const LOAD = ['--requests', '300', '--rate', '200', '--warmup', '0', '--json'];
const bench = async (cache: string): Promise<BenchReport> => JSON.parse(must(await papi('bench', '--cache', cache, ...LOAD)).stdout) as BenchReport;
/** The reasons a run is invalid that are about its X-Cache mix (send lag on a busy machine is not this test's business). */
const cacheReasons = (r: BenchReport): string[] => r.invalidReasons.filter((reason) => /cache/i.test(reason));

beforeAll(async () => {
  must(await papi('init'));
  must(await papi('up'));
}, 240_000);

afterAll(async () => {
  await papi('local', 'stop');
  await rm(project, { recursive: true, force: true });
}, 60_000);

describe('papi bench --cache through the ingress on papi local', () => {
  it('a miss run after a mixed run, against the default service: invalid, and it says to set service.cache.honorNoCache', async () => {
    const hit = await bench('hit');
    expect(hit.cache.counts).toEqual({ HIT: 300 });
    expect(cacheReasons(hit)).toEqual([]);
    // Caches about a quarter of the users, among them ids the miss run will ask.
    await papi('bench', '--cache', 'mixed', '--seed', '1', ...LOAD);
    const miss = await bench('miss');
    expect(miss.completed).toBe(300);
    expect(miss.errors.total).toBe(0);
    expect(miss.cache.counts.HIT).toBeGreaterThan(0);
    expect(miss.valid).toBe(false);
    expect(cacheReasons(miss).join()).toMatch(/the service does not honour Cache-Control: no-cache \(X-Cache-Refresh: off on 300 answers\)/);
    expect(miss.advice.join()).toMatch(/service\.cache\.honorNoCache: true in papi\.yaml and run papi deploy/);
    const human = await papi('bench', '--cache', 'miss', '--requests', '50', '--rate', '100', '--warmup', '0');
    expect(human.stdout).toMatch(/^INVALID RUN: the service does not honour Cache-Control: no-cache/m);
  });

  it('with service.cache.honorNoCache: true and papi deploy, the same miss run is all misses, and valid', async () => {
    const yaml = join(project, 'papi.yaml');
    const text = readFileSync(yaml, 'utf8');
    expect(text).toMatch(/^ {4}honorNoCache: false /m);
    writeFileSync(yaml, text.replace(/^( {4}honorNoCache:) false/m, '$1 true'));
    must(await papi('deploy'));
    await bench('hit');
    await papi('bench', '--cache', 'mixed', '--seed', '1', ...LOAD);
    const miss = await bench('miss');
    expect(miss.errors.total).toBe(0);
    expect(miss.cache.counts).toEqual({ MISS: 300 });
    expect(cacheReasons(miss)).toEqual([]);
  });

  it('--cache compare runs hits and misses at the same load in one run, side by side', async () => {
    const run = must(await papi('bench', '--cache', 'compare', ...LOAD));
    const { compare, valid } = JSON.parse(run.stdout) as { valid: boolean; compare: { hit: BenchReport; miss: BenchReport; missOverHit: { p50: number; p99: number } } };
    expect(valid).toBe(compare.hit.valid && compare.miss.valid);
    expect([...cacheReasons(compare.hit), ...cacheReasons(compare.miss)]).toEqual([]);
    expect(compare.hit.settings.cache).toBe('hit');
    expect(compare.hit.cache.counts).toEqual({ HIT: 300 });
    expect(compare.miss.settings.cache).toBe('miss');
    expect(compare.miss.cache.counts).toEqual({ MISS: 300 });
    expect(compare.miss.settings.headerNames).toContain('cache-control');
    expect(compare.missOverHit.p50).toBeGreaterThan(0);
    const human = must(await papi('bench', '--cache', 'compare', '--requests', '50', '--rate', '100', '--warmup', '0'));
    expect(human.stdout).toMatch(/^with and without the cache/m);
    expect(human.stdout).toMatch(/^cache miss \(no-cache\) +[\d.]+/m);
    expect(human.stdout).toMatch(/^miss \/ hit +[\d.]+/m);
  });

  it('--cache compare refuses options that would apply to one run of the two', async () => {
    const run = await papi('bench', '--cache', 'compare', '--p90-max', '100');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--cache compare cannot be used with --p90-max/);
  });
});

import { describe, expect, it } from 'vitest';
import { BENCH_OPTIONS } from '../cli/commands/bench.js';
import { parseOptions } from '../cli/define.js';
import { UsageError } from '../ui/errors.js';
import { benchPlan, defaultConnections, parseHeaders, type BenchFlags } from './options.js';

/** The flags as the CLI hands them over: commander's text, typed and checked by the declarations. */
function plan(raw: Record<string, string>) {
  return benchPlan(parseOptions(BENCH_OPTIONS, raw).options as unknown as BenchFlags);
}

describe('benchPlan', () => {
  it('defaults to the open model at 200/s for 10,000 requests, cache mixed, one id per request', () => {
    expect(plan({ seed: '1' })).toMatchObject({
      model: { kind: 'open', rate: 200 },
      requests: 10_000,
      durationMs: undefined,
      warmupMs: 0,
      cache: 'mixed',
      idsPerRequest: 1,
      timeoutMs: 10_000,
      seed: 1,
      headers: {},
    });
  });

  it('--duration alone replaces the request count; both bound the run', () => {
    expect(plan({ duration: '30' })).toMatchObject({ requests: undefined, durationMs: 30_000 });
    expect(plan({ duration: '30', requests: '5' })).toMatchObject({ requests: 5, durationMs: 30_000 });
  });

  it('--connections bounds the open model\'s connections (default: decided by the endpoint)', () => {
    expect(plan({}).connections).toBeUndefined();
    expect(plan({ maxInFlight: '50' }).connections).toBe(50);
    expect(plan({ connections: '16' }).connections).toBe(16);
  });

  it('by default, 64 connections to an endpoint on this machine and one per request in flight to any other', () => {
    for (const url of ['http://127.0.0.1:8080', 'http://localhost:3000/x', 'http://[::1]:9000', 'http://127.1.2.3']) expect(defaultConnections(url, 1000)).toBe(64);
    expect(defaultConnections('http://127.0.0.1:8080', 10)).toBe(10);
    for (const url of ['https://abc-myorg-myacct.snowflakecomputing.app', 'http://10.0.0.5:8080', 'http://127.0.0.1.example.com']) expect(defaultConnections(url, 1000)).toBe(1000);
  });

  it('--concurrency is the closed model', () => {
    expect(plan({ concurrency: '16' }).model).toEqual({ kind: 'closed', concurrency: 16 });
  });

  it.each([
    [{ rate: '0' }],
    [{ rate: 'fast' }],
    [{ concurrency: '1.5' }],
    [{ requests: '-1' }],
    [{ duration: '99999' }],
    [{ cache: 'cold' }],
    [{ maxErrorRate: '2' }],
    [{ rate: '10', concurrency: '2' }],
  ])('rejects %j', (raw) => {
    expect(() => plan(raw)).toThrow(UsageError);
  });
});

describe('parseHeaders', () => {
  it('reads "Name: value" lines, keeping colons and quotes in the value', () => {
    expect(parseHeaders(['Authorization: Snowflake Token="a:b"', 'X-Test:1'])).toEqual({
      Authorization: 'Snowflake Token="a:b"',
      'X-Test': '1',
    });
  });

  it('rejects a line without a valid name', () => {
    expect(() => parseHeaders(['no colon'])).toThrow(UsageError);
    expect(() => parseHeaders([': value'])).toThrow(UsageError);
    expect(() => parseHeaders(['Bad Name: v'])).toThrow(UsageError);
  });

  it('--cache compare refuses the options that would apply to only one of its two runs', () => {
    expect(benchPlan({ header: [], cache: 'compare' }).cache).toBe('compare');
    for (const [flags, name] of [[{ p90Max: 10 }, '--p90-max'], [{ output: 'r.html' }, '--output'], [{ exportJmeter: 'p.jmx' }, '--export-jmeter'], [{ maxErrorRate: 0.1 }, '--max-error-rate']] as const)
      expect(() => benchPlan({ header: [], cache: 'compare', ...flags })).toThrow(`--cache compare cannot be used with ${name}`);
  });
});


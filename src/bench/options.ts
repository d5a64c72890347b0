// The flags of `papi bench`, validated into one typed plan before anything is sent.
import { isLoopbackHost } from '../config/account-url.js';
import { UsageError } from '../ui/errors.js';
import type { CacheMode } from './ids.js';
import { DEFAULTS, type LoadModel } from './run.js';

/** `papi bench`'s flags, typed and range-checked where they are declared (src/cli/commands/bench.ts). */
export interface BenchFlags {
  url?: string;
  header: string[];
  rate?: number;
  concurrency?: number;
  requests?: number;
  duration?: number;
  warmup?: number;
  ids?: string;
  idsPerRequest?: number;
  cache?: CacheMode | 'compare';
  hotSet?: number;
  seed?: number;
  timeout?: number;
  maxInFlight?: number;
  maxSendsPerTick?: number;
  connections?: number;
  output?: string;
  p90Max?: number;
  maxErrorRate?: number;
  exportJmeter?: string;
}

export interface BenchPlan {
  model: LoadModel;
  requests?: number;
  durationMs?: number;
  warmupMs: number;
  idsFile?: string;
  idsPerRequest: number;
  /** compare: a hit run, then a miss run with the same load, reported side by side. */
  cache: CacheMode | 'compare';
  hotSet?: number;
  seed: number;
  timeoutMs: number;
  maxInFlight: number;
  maxSendsPerTick: number;
  /** Open model: most connections open at once (a due request waits for a free one); unset: defaultConnections() for the endpoint. */
  connections?: number;
  output?: string;
  p90MaxMs?: number;
  maxErrorRate?: number;
  exportJmeter?: string;
  headers: Record<string, string>;
}

/** Longest run accepted: every run stops by itself, and this bounds a typo in --duration. */
export const MAX_DURATION_S = 3600;

/** The flags as one plan: the rules between flags, and the defaults that depend on other flags. */
export function benchPlan(flags: BenchFlags): BenchPlan {
  if (flags.rate !== undefined && flags.concurrency !== undefined)
    throw new UsageError('--rate and --concurrency cannot be used together', {
      hint: '--rate is the open model (a schedule), --concurrency the closed model (n connections).',
    });
  if (flags.cache === 'compare') {
    const clash = (['exportJmeter', 'output', 'p90Max', 'maxErrorRate'] as const).find((name) => flags[name] !== undefined);
    if (clash !== undefined)
      throw new UsageError(`--cache compare cannot be used with --${clash.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, {
        hint: 'Run --cache hit and --cache miss separately for a report file, gates or a JMeter plan of each.',
      });
  }
  const model: LoadModel =
    flags.concurrency !== undefined ? { kind: 'closed', concurrency: flags.concurrency } : { kind: 'open', rate: flags.rate ?? DEFAULTS.rate };
  return {
    model,
    requests: flags.requests ?? (flags.duration === undefined ? DEFAULTS.requests : undefined),
    durationMs: flags.duration === undefined ? undefined : flags.duration * 1000,
    warmupMs: (flags.warmup ?? 0) * 1000,
    idsFile: flags.ids,
    idsPerRequest: flags.idsPerRequest ?? 1,
    cache: flags.cache ?? 'mixed',
    hotSet: flags.hotSet,
    seed: flags.seed ?? Math.floor(Math.random() * 2 ** 31),
    timeoutMs: flags.timeout === undefined ? DEFAULTS.timeoutMs : flags.timeout * 1000,
    maxInFlight: flags.maxInFlight ?? DEFAULTS.maxInFlight,
    maxSendsPerTick: flags.maxSendsPerTick ?? DEFAULTS.maxSendsPerTick,
    connections: flags.connections ?? flags.maxInFlight,
    output: flags.output,
    p90MaxMs: flags.p90Max,
    maxErrorRate: flags.maxErrorRate,
    exportJmeter: flags.exportJmeter,
    headers: parseHeaders(flags.header),
  };
}

/**
 * Open model, the connections papi bench keeps when --connections is not given. An endpoint on this
 * machine (papi local's ingress, papi dev) answers in about a millisecond, so 64 connections carry
 * tens of thousands of requests a second; opening one per request in flight instead, a cold
 * service's first slow second made papi bench open hundreds of connections (each one more for the
 * ingress and the container to accept and carry), which slowed that second further: 1,000/s for
 * 20 s through papi local's ingress on a cold cache, p99 1,078 ms with one per request in flight,
 * 416 ms with 256, 134 ms with 128, 108 ms with 64 (one run each, the same machine). Elsewhere (an
 * endpoint in Snowflake, answering in tens of milliseconds over the network) one per request in
 * flight, as before: 64 would hold fewer requests than such an endpoint has in flight at 1,000/s.
 * A request that waits for a connection has the wait in its latency, and the report says so.
 */
export const LOCAL_CONNECTIONS = 64;

export function defaultConnections(url: string, maxInFlight: number): number {
  return isLoopbackHost(new URL(url).hostname) ? Math.min(LOCAL_CONNECTIONS, maxInFlight) : maxInFlight;
}

/** `--header "Name: value"`, repeatable. */
export function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name))
      throw new UsageError(`--header: expected "Name: value", got a line without a valid name`, {
        hint: 'For example --header "Authorization: Snowflake Token=\\"…\\"".',
      });
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

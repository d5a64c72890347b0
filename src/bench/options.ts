// The flags of `papi bench`, validated into one typed plan before anything is sent.
import { UsageError } from '../ui/errors.js';
import type { CacheMode } from './ids.js';
import { DEFAULTS, type LoadModel } from './run.js';

export interface RawBenchOptions {
  url?: string;
  header?: string[];
  rate?: string;
  concurrency?: string;
  requests?: string;
  duration?: string;
  warmup?: string;
  ids?: string;
  idsPerRequest?: string;
  cache?: string;
  hotSet?: string;
  seed?: string;
  timeout?: string;
  maxInFlight?: string;
  maxSendsPerTick?: string;
  output?: string;
  p90Max?: string;
  maxErrorRate?: string;
  exportJmeter?: string;
}

export interface BenchPlan {
  model: LoadModel;
  requests?: number;
  durationMs?: number;
  warmupMs: number;
  idsFile?: string;
  idsPerRequest: number;
  cache: CacheMode;
  hotSet?: number;
  seed: number;
  timeoutMs: number;
  maxInFlight: number;
  maxSendsPerTick: number;
  output?: string;
  p90MaxMs?: number;
  maxErrorRate?: number;
  exportJmeter?: string;
  headers: Record<string, string>;
}

/** Longest run accepted: every run stops by itself, and this bounds a typo in --duration. */
const MAX_DURATION_S = 3600;

export function parseBenchOptions(raw: RawBenchOptions): BenchPlan {
  if (raw.rate !== undefined && raw.concurrency !== undefined)
    throw new UsageError('--rate and --concurrency cannot be used together', {
      hint: '--rate is the open model (a schedule), --concurrency the closed model (n connections).',
    });
  const model: LoadModel =
    raw.concurrency !== undefined
      ? { kind: 'closed', concurrency: integer('--concurrency', raw.concurrency, 1, 10_000) }
      : { kind: 'open', rate: number('--rate', raw.rate ?? String(DEFAULTS.rate), 0.001, 1_000_000) };
  const durationS = raw.duration === undefined ? undefined : number('--duration', raw.duration, 0.001, MAX_DURATION_S);
  const requests =
    raw.requests !== undefined
      ? integer('--requests', raw.requests, 1, 100_000_000)
      : durationS === undefined
        ? DEFAULTS.requests
        : undefined;
  const cache = raw.cache ?? 'mixed';
  if (cache !== 'hit' && cache !== 'miss' && cache !== 'mixed')
    throw new UsageError(`--cache: unknown mode "${cache}"`, { hint: 'Use hit, miss or mixed.' });
  return {
    model,
    requests,
    durationMs: durationS === undefined ? undefined : durationS * 1000,
    warmupMs: raw.warmup === undefined ? 0 : number('--warmup', raw.warmup, 0, MAX_DURATION_S) * 1000,
    idsFile: raw.ids,
    idsPerRequest: raw.idsPerRequest === undefined ? 1 : integer('--ids-per-request', raw.idsPerRequest, 1, 1000),
    cache,
    hotSet: raw.hotSet === undefined ? undefined : integer('--hot-set', raw.hotSet, 1, 1_000_000),
    seed: raw.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : integer('--seed', raw.seed, 0, 2 ** 31),
    timeoutMs: raw.timeout === undefined ? DEFAULTS.timeoutMs : number('--timeout', raw.timeout, 0.001, 600) * 1000,
    maxInFlight: raw.maxInFlight === undefined ? DEFAULTS.maxInFlight : integer('--max-in-flight', raw.maxInFlight, 1, 100_000),
    maxSendsPerTick:
      raw.maxSendsPerTick === undefined ? DEFAULTS.maxSendsPerTick : integer('--max-sends-per-tick', raw.maxSendsPerTick, 1, 100_000),
    output: raw.output,
    p90MaxMs: raw.p90Max === undefined ? undefined : number('--p90-max', raw.p90Max, 0, Infinity),
    maxErrorRate: raw.maxErrorRate === undefined ? undefined : number('--max-error-rate', raw.maxErrorRate, 0, 1),
    exportJmeter: raw.exportJmeter,
    headers: parseHeaders(raw.header ?? []),
  };
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

function number(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < min || value > max)
    throw new UsageError(`${flag}: expected a number${max === Infinity ? ` ≥ ${min}` : ` from ${min} to ${max}`}, got "${text}"`);
  return value;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = number(flag, text, min, max);
  if (!Number.isInteger(value)) throw new UsageError(`${flag}: expected a whole number, got "${text}"`);
  return value;
}

// papi bench: load through the ingress (or --url) at a constant arrival rate, or with n connections,
// and the report of what was measured. run.ts is the load generator; report.ts what it found.
import { writeFile } from 'node:fs/promises';
import type { ConnectedContext } from '../context.js';
import { UsageError } from '../ui/errors.js';
import type { Target } from './client.js';
import type { TokenRenewal } from './renewal.js';
import { renderHtml } from './html.js';
import { IdPicker, readIdsFile, type CacheMode } from './ids.js';
import { jmeterCsv, jmeterSettings, writeJmeterPlan } from './jmeter.js';
import { benchPlan, defaultConnections, type BenchFlags, type BenchPlan } from './options.js';
import { buildReport, evaluateGates, fmt, type BenchReport } from './report.js';
import { destroy, runBench, type Progress } from './run.js';

export type { BenchFlags };

export type BenchResult =
  | { kind: 'report'; report: BenchReport }
  | { kind: 'compare'; hit: BenchReport; miss: BenchReport }
  | { kind: 'jmeter'; plan: string; csv: string; settings: ReturnType<typeof jmeterSettings>; withHeaders: boolean };

export async function bench(ctx: ConnectedContext, flags: BenchFlags): Promise<BenchResult> {
  const plan = benchPlan(flags);
  const target = await loadTarget(ctx, flags.url, plan.headers);
  const ids = plan.idsFile !== undefined ? await readIdsFile(plan.idsFile) : await loadDefaultIds(ctx);

  if (plan.cache === 'compare') {
    // The tutorial's "with and without the cache": the same load twice, on the same service, in one run.
    const hit = await measureMode(ctx, plan, 'hit', target, ids);
    const miss = await measureMode(ctx, plan, 'miss', target, ids);
    return { kind: 'compare', hit, miss };
  }
  if (plan.exportJmeter !== undefined) return exportJmeter(plan, plan.cache, withCacheMode(target, plan.cache), newPicker(plan, plan.cache, ids));

  const report = await measureMode(ctx, plan, plan.cache, target, ids);
  report.gates = evaluateGates(report, { p90MaxMs: plan.p90MaxMs, maxErrorRate: plan.maxErrorRate });
  if (plan.output !== undefined) {
    await writeFile(plan.output, renderHtml(report));
    ctx.out.info(`wrote ${plan.output}`);
  }
  return { kind: 'report', report };
}

function newPicker(plan: BenchPlan, mode: CacheMode, ids: string[]): IdPicker {
  return new IdPicker(ids, { mode, idsPerRequest: plan.idsPerRequest, hotSetSize: plan.hotSet, seed: plan.seed });
}

/**
 * A miss run asks the service to look every id up in the table (Cache-Control: no-cache, RFC 9111
 * §5.2.1.4): ids fresh within the run may still sit in the service's cache from earlier runs.
 * A Cache-Control given with --header is left as it is.
 */
function withCacheMode(target: Target, mode: CacheMode): Target {
  if (mode !== 'miss' || Object.keys(target.headers).some((name) => name.toLowerCase() === 'cache-control')) return target;
  return { ...target, headers: { ...target.headers, 'cache-control': 'no-cache' } };
}

/** One measured run in one cache mode, and its report (gates not evaluated). */
async function measureMode(ctx: ConnectedContext, plan: BenchPlan, mode: CacheMode, baseTarget: Target, ids: string[]): Promise<BenchReport> {
  const target = withCacheMode(baseTarget, mode);
  const connections = plan.connections ?? defaultConnections(target.url, plan.maxInFlight);
  const picker = newPicker(plan, mode, ids);
  const planned = plannedRequests(plan);
  if (planned !== undefined) picker.ensureCapacity(planned);

  const measure = (onProgress?: (p: Progress) => void) =>
    runBench({
      target,
      ids: picker,
      model: plan.model,
      requests: plan.requests,
      durationMs: plan.durationMs,
      warmupMs: plan.warmupMs,
      prime: mode === 'hit',
      timeoutMs: plan.timeoutMs,
      maxInFlight: plan.maxInFlight,
      maxSendsPerTick: plan.maxSendsPerTick,
      connections,
      calibrateMs: plan.model.kind === 'open' ? calibrationMs(plan.model.rate) : 0,
      signal: ctx.signal,
      onProgress,
    });
  const load = plan.model.kind === 'open' ? `${plan.model.rate}/s` : `${plan.model.concurrency} connections`;
  const title = plan.cache === 'compare' ? `Load ${target.url} at ${load}, cache ${mode}` : `Load ${target.url} at ${load}`;
  const measurement = ctx.interactive
    ? await ctx.out.task(title, (step) => measure((p) => step.update(`${p.completed}/${p.sent} answered, ${p.errors} errors, p90 ${fmt(p.p90Ms)} ms`)))
    : await measure();

  const report = buildReport(measurement, {
    url: target.url,
    headerNames: Object.keys(target.headers),
    cache: mode,
    idsPerRequest: plan.idsPerRequest,
    idCount: ids.length,
    hotSet: picker.hotSet.length,
    requests: plan.requests ?? null,
    durationS: plan.durationMs === undefined ? null : plan.durationMs / 1000,
    warmupS: plan.warmupMs / 1000,
    timeoutMs: plan.timeoutMs,
    maxInFlight: plan.maxInFlight,
    maxSendsPerTick: plan.maxSendsPerTick,
    connections: plan.model.kind === 'open' ? connections : plan.model.concurrency,
    seed: plan.seed,
  });
  destroy(measurement);
  const refused = (report.errors.byStatus['401'] ?? 0) + (report.errors.byStatus['403'] ?? 0);
  if (refused > 0 && !Object.keys(target.headers).some((name) => name.toLowerCase() === 'authorization'))
    report.notes.push(
      `${refused} requests were refused (HTTP 401/403) and no token was sent: --url sends one only to the deployed endpoint; ` +
        `add one with --header "Authorization: Snowflake Token=\\"$(papi token)\\""`,
    );
  return report;
}

/**
 * Where to send the load: --url (with any --header) as given; otherwise the deployed endpoint with an
 * ingress token for the service user (as papi get does). runBench never knows where it came from.
 */
async function loadTarget(ctx: ConnectedContext, url: string | undefined, headers: Record<string, string>): Promise<Target> {
  if (url === undefined) {
    const { token } = await import('../api/token.js');
    const resolved = await token(ctx, { offerUrl: true });
    await notSuspended(ctx);
    const own = !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
    return { url: resolved.deployment.url, headers: { authorization: `Snowflake Token="${resolved.token}"`, ...headers }, ...(own ? { renewal: renewalOf(resolved, () => token(ctx)) } : {}) };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url: not a URL: ${url}`, { hint: 'For example http://127.0.0.1:8001' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url: expected http or https, got ${parsed.protocol}`);
  if (parsed.username || parsed.password) throw new UsageError('--url: put credentials in --header, not in the URL');
  const base = parsed.href.replace(/\/+$/, '');
  // The deployed endpoint given as --url is still an ingress: it gets the token unless --header sets one.
  if (!Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
    const { tokenForUrl } = await import('../api/url-token.js');
    const resolved = await tokenForUrl(ctx, base);
    if (resolved) {
      await notSuspended(ctx);
      const { token } = await import('../api/token.js');
      return { url: base, headers: { authorization: `Snowflake Token="${resolved.token}"`, ...headers }, renewal: renewalOf(resolved, () => token(ctx)) };
    }
  }
  return { url: base, headers };
}

/** The deployed endpoint is loaded only while its service is not suspended (see ensureNotSuspended). */
async function notSuspended(ctx: ConnectedContext): Promise<void> {
  const { ensureNotSuspended } = await import('../deploy/service-status.js');
  await ensureNotSuspended(await ctx.connection(), await ctx.config(), (m) => ctx.out.debug(m));
}

/** The papi-issued ingress token is renewed during the run (a --header one is the user's: never). */
function renewalOf(first: { expiresAt?: Date }, next: () => Promise<{ token: string; expiresAt?: Date }>): TokenRenewal {
  return {
    ...(first.expiresAt ? { expiresAt: first.expiresAt } : {}),
    renew: async () => {
      const renewed = await next();
      return { authorization: `Snowflake Token="${renewed.token}"`, ...(renewed.expiresAt ? { expiresAt: renewed.expiresAt } : {}) };
    },
  };
}

/** The ids when --ids is absent: every user in the USER table, read through the configured connection. */
async function loadDefaultIds(ctx: ConnectedContext): Promise<string[]> {
  const config = await ctx.config();
  const { resolveNames, step } = await import('../snowflake/plan.js');
  const { runStatement } = await import('../snowflake/runner.js');
  const [statement] = step('bench-ids', 'Ids', 'objects', 'bench/ids.sql', { user_table: resolveNames(config.snowflake).users }).statements;
  const conn = await ctx.connection();
  const rows = await ctx.out.task('Read the user ids', () => runStatement(conn, statement!, (m) => ctx.out.debug(m)), (r) => `${r.length} ids`);
  if (rows.length === 0) throw new UsageError('The USER table is empty.', { hint: 'Run `papi setup` first, or pass --ids file.csv.' });
  return rows.map((row) => String(row.ID));
}

/** Long enough for ~200 due times (a p99 worth the name), between 0.3 and 1 s. */
function calibrationMs(rate: number): number {
  return Math.min(1000, Math.max(300, (200 * 1000) / rate));
}

/** Requests the id list must cover (warmup included), when known before the run. */
function plannedRequests(plan: BenchPlan): number | undefined {
  if (plan.model.kind !== 'open') return plan.requests === undefined ? undefined : plan.requests;
  const warmup = Math.ceil((plan.warmupMs / 1000) * plan.model.rate);
  const byDuration = plan.durationMs === undefined ? Infinity : Math.ceil((plan.durationMs / 1000) * plan.model.rate);
  return Math.min(plan.requests ?? Infinity, byDuration) + warmup;
}

async function exportJmeter(plan: BenchPlan, cache: CacheMode, target: Target, picker: IdPicker): Promise<BenchResult> {
  const requests = plannedRequests({ ...plan, warmupMs: 0 }) ?? plan.requests ?? 10_000;
  if (cache === 'miss' && Number.isFinite(requests)) picker.ensureCapacity(requests);
  const csv = jmeterCsv(picker, Number.isFinite(requests) ? requests : picker.capacity);
  const written = await writeJmeterPlan(
    plan.exportJmeter!,
    {
      url: target.url,
      headers: target.headers,
      model: plan.model,
      requests: plan.requests,
      durationS: plan.durationMs === undefined ? undefined : plan.durationMs / 1000,
      timeoutMs: plan.timeoutMs,
      cache,
    },
    csv,
  );
  const settings = jmeterSettings({ model: plan.model, requests: plan.requests, durationS: plan.durationMs && plan.durationMs / 1000 });
  return { kind: 'jmeter', ...written, settings, withHeaders: Object.keys(target.headers).length > 0 };
}

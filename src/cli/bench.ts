import { writeFile } from 'node:fs/promises';
import { BenchGateError } from '../bench/errors.js';
import { renderHtml } from '../bench/html.js';
import { IdPicker, readIdsFile } from '../bench/ids.js';
import { writeJmeterPlan, jmeterCsv, jmeterSettings } from '../bench/jmeter.js';
import { parseBenchOptions, type BenchPlan, type RawBenchOptions } from '../bench/options.js';
import { buildReport, evaluateGates, fmt, formatReport, gateText, type BenchReport } from '../bench/report.js';
import { destroy, runBench, type Progress } from '../bench/run.js';
import type { Target } from '../bench/client.js';
import { CancelledError, UsageError } from '../ui/errors.js';
import { defineCommand, type Context } from './command.js';

export default defineCommand<RawBenchOptions>({
  name: 'bench',
  summary: 'Load-test the endpoint at a constant arrival rate and report latency percentiles',
  description:
    'Replaces the JMeter plan of the tutorial: an open-model load (requests started on a schedule, ' +
    'latency measured from the intended start, so queueing is not hidden) with p50/p90/p95/p99/p99.9 ' +
    'from an HDR histogram, errors by status and kind, and the cache hit ratio from X-Cache. ' +
    'A run is marked invalid when the generator dropped sends or its send lag p99 exceeded 1 ms. ' +
    'Exit code 4 when a --p90-max or --max-error-rate gate is exceeded; Ctrl-C prints the report so far.',
  examples: [
    { command: 'papi bench --url http://127.0.0.1:8001 --ids cust_ids.csv', description: '10,000 requests at 200/s' },
    { command: 'papi bench --url … --ids ids.csv --cache miss --rate 150', description: 'never repeat an id within the run' },
    { command: 'papi bench --url … --ids ids.csv --cache hit --p90-max 200', description: 'all cache hits; exit 4 above 200 ms p90' },
    { command: 'papi bench --url … --ids ids.csv --concurrency 16 --duration 30', description: 'closed model: capacity, not user latency' },
    { command: 'papi bench --url … --ids ids.csv --output report.html', description: 'also write a self-contained HTML report' },
    { command: 'papi bench --url … --ids ids.csv --export-jmeter plan.jmx', description: 'write an equivalent JMeter plan (and plan.csv), send nothing' },
  ],
  options(command) {
    command
      .option('--url <url>', 'base URL to load (default: the deployed endpoint)')
      .option('--header <name:value>', 'add a request header (repeatable), e.g. Authorization', collect)
      .option('--rate <perSecond>', 'open model: requests started per second (default 200)')
      .option('--concurrency <n>', 'closed model with n connections instead of a rate')
      .option('--requests <n>', 'how many requests (default 10000 unless --duration)')
      .option('--duration <seconds>', 'run for this long instead of (or as well as) a request count')
      .option('--warmup <seconds>', 'load this long first, at the same rate, and discard the results')
      .option('--ids <file>', 'CSV of ids, one per line, header optional')
      .option('--ids-per-request <k>', 'ids per request, the comma-separated form (default 1)')
      .option('--cache <mode>', 'id mix: hit (small hot set), miss (never repeat an id), mixed (uniform draws; the default)')
      .option('--hot-set <n>', 'ids in the hot set of --cache hit (default 10)')
      .option('--seed <n>', 'seed of the --cache mixed draws, to repeat a run')
      .option('--timeout <seconds>', 'per-request timeout (default 10)')
      .option('--max-in-flight <n>', 'open model: requests in flight before sends are dropped (default 1000)')
      .option('--max-sends-per-tick <n>', 'open model: sends per timer tick before the rest wait (default 100)')
      .option('--output <file.html>', 'write a self-contained HTML report')
      .option('--p90-max <ms>', 'exit 4 when p90 is above this')
      .option('--max-error-rate <fraction>', 'exit 4 when the error rate (0–1) is above this')
      .option('--export-jmeter <plan.jmx>', 'write an equivalent JMeter plan and its CSV instead of running');
  },
  async run(ctx, _args, raw) {
    const plan = parseBenchOptions(raw);
    const target = await resolveTarget(ctx, raw.url, plan.headers);
    const ids = plan.idsFile !== undefined ? await readIdsFile(plan.idsFile) : await loadDefaultIds(ctx);
    const newPicker = () =>
      new IdPicker(ids, { mode: plan.cache, idsPerRequest: plan.idsPerRequest, hotSetSize: plan.hotSet, seed: plan.seed });

    if (plan.exportJmeter !== undefined) return exportJmeter(ctx, plan, target, newPicker());

    const picker = newPicker();
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
        prime: plan.cache === 'hit',
        timeoutMs: plan.timeoutMs,
        maxInFlight: plan.maxInFlight,
        maxSendsPerTick: plan.maxSendsPerTick,
        signal: ctx.signal,
        onProgress,
      });
    const load = plan.model.kind === 'open' ? `${plan.model.rate}/s` : `${plan.model.concurrency} connections`;
    const measurement = ctx.interactive
      ? await ctx.out.task(`Load ${target.url} at ${load}`, (step) =>
          measure((p) => step.update(`${p.completed}/${p.sent} answered, ${p.errors} errors, p90 ${fmt(p.p90Ms)} ms`)),
        )
      : await measure();

    const report = buildReport(measurement, {
      url: target.url,
      headerNames: Object.keys(target.headers),
      cache: plan.cache,
      idsPerRequest: plan.idsPerRequest,
      idCount: ids.length,
      hotSet: picker.hotSet.length,
      requests: plan.requests ?? null,
      durationS: plan.durationMs === undefined ? null : plan.durationMs / 1000,
      warmupS: plan.warmupMs / 1000,
      timeoutMs: plan.timeoutMs,
      maxInFlight: plan.maxInFlight,
      maxSendsPerTick: plan.maxSendsPerTick,
      seed: plan.seed,
    });
    destroy(measurement);
    report.gates = evaluateGates(report, { p90MaxMs: plan.p90MaxMs, maxErrorRate: plan.maxErrorRate });
    if (plan.output !== undefined) {
      await writeFile(plan.output, renderHtml(report));
      ctx.out.info(`wrote ${plan.output}`);
    }
    return finish(ctx, report);
  },
});

/**
 * Where to send the load: --url (with any --header) as given; otherwise the deployed endpoint with an
 * ingress token for the service user (as papi get does). runBench never knows where it came from.
 */
export async function resolveTarget(ctx: Context, url: string | undefined, headers: Record<string, string>): Promise<Target> {
  if (url === undefined) {
    const config = await ctx.config();
    const { endpointToken } = await import('../api/token.js');
    const { resolveTarget: resolveSnowflake } = await import('../snowflake/target.js');
    const resolved = await endpointToken({ config, out: ctx.out, env: ctx.env, signal: ctx.signal, target: () => resolveSnowflake(config, ctx.out, ctx.env) });
    return { url: resolved.deployment.url, headers: { authorization: `Snowflake Token="${resolved.token}"`, ...headers } };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url: not a URL: ${url}`, { hint: 'For example http://127.0.0.1:8001' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url: expected http or https, got ${parsed.protocol}`);
  if (parsed.username || parsed.password) throw new UsageError('--url: put credentials in --header, not in the URL');
  return { url: parsed.href.replace(/\/+$/, ''), headers };
}

/** The ids when --ids is absent: every user in the USER table, read through the configured connection. */
async function loadDefaultIds(ctx: Context): Promise<string[]> {
  const config = await ctx.config();
  const { resolveTarget: resolveSnowflake, openConnection } = await import('../snowflake/target.js');
  const { resolveNames, step } = await import('../snowflake/plan.js');
  const { runStatement } = await import('../snowflake/runner.js');
  const [statement] = step('bench-ids', 'Ids', 'objects', 'bench/ids.sql', { user_table: resolveNames(config.snowflake).users }).statements;
  const conn = await openConnection(await resolveSnowflake(config, ctx.out, ctx.env), ctx.out);
  try {
    const rows = await ctx.out.task('Read the user ids', () => runStatement(conn, statement!, (m) => ctx.out.debug(m)), (r) => `${r.length} ids`);
    if (rows.length === 0) throw new UsageError('The USER table is empty.', { hint: 'Run `papi setup` first, or pass --ids file.csv.' });
    return rows.map((row) => String(row.ID));
  } finally {
    await conn.close();
  }
}

/** Requests the id list must cover (warmup included), when known before the run. */
function plannedRequests(plan: BenchPlan): number | undefined {
  if (plan.model.kind !== 'open') return plan.requests === undefined ? undefined : plan.requests;
  const warmup = Math.ceil((plan.warmupMs / 1000) * plan.model.rate);
  const byDuration = plan.durationMs === undefined ? Infinity : Math.ceil((plan.durationMs / 1000) * plan.model.rate);
  return Math.min(plan.requests ?? Infinity, byDuration) + warmup;
}

function finish(ctx: Context, report: BenchReport) {
  const result = { data: report, human: formatReport(report) };
  const failed = report.gates.filter((gate) => !gate.passed);
  if (report.stopReason === 'interrupted') {
    // The report so far is the product of an interrupted run; the exit code still says 130.
    ctx.out.result(result.data, result.human);
    throw new CancelledError('Interrupted: the report covers the run so far.');
  }
  if (failed.length > 0) {
    ctx.out.result(result.data, result.human);
    throw new BenchGateError(`gate failed: ${failed.map(gateText).join('; ')}`);
  }
  return result;
}

async function exportJmeter(ctx: Context, plan: BenchPlan, target: Target, picker: IdPicker) {
  const requests = plannedRequests({ ...plan, warmupMs: 0 }) ?? plan.requests ?? 10_000;
  if (plan.cache === 'miss' && Number.isFinite(requests)) picker.ensureCapacity(requests);
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
      cache: plan.cache,
    },
    csv,
  );
  if (Object.keys(target.headers).length > 0) ctx.out.warn(`${written.plan} holds the request headers (Authorization); it was written 0600.`);
  const settings = jmeterSettings({ model: plan.model, requests: plan.requests, durationS: plan.durationMs && plan.durationMs / 1000 });
  return {
    data: { command: 'bench', exportJmeter: written, ...settings },
    human: `wrote ${written.plan} (${settings.threads} threads, ${settings.loops < 0 ? 'for the duration' : `${settings.loops} loops`}${settings.perMinute ? `, ${settings.perMinute}/min` : ''}) and ${written.csv}`,
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

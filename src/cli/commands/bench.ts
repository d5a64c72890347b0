import { BenchGateError } from '../../bench/errors.js';
import { MAX_DURATION_S } from '../../bench/options.js';
import { compareRatios, formatCompare, formatReport, gateText, type BenchReport } from '../../bench/report.js';
import type { Context } from '../../context.js';
import { CancelledError } from '../../ui/errors.js';
import { defineCommand } from '../define.js';

const count = (max: number) => ({ type: 'int', min: 1, max, meaning: 'a whole number' }) as const;
const seconds = (min: number) => ({ type: 'number', placeholder: 'seconds', min, max: MAX_DURATION_S, meaning: 'a number of seconds' }) as const;

export const BENCH_OPTIONS = {
  url: { type: 'string', placeholder: 'url', description: 'base URL to load (default: the deployed endpoint)' },
  header: { type: 'string', placeholder: 'name:value', repeatable: true, description: 'add a request header (repeatable), e.g. Authorization' },
  rate: { type: 'number', placeholder: 'perSecond', min: 0.001, max: 1_000_000, description: 'open model: requests started per second (default 200)' },
  concurrency: { ...count(10_000), placeholder: 'n', description: 'closed model with n connections instead of a rate' },
  requests: { ...count(100_000_000), placeholder: 'n', description: 'how many requests (default 10000 unless --duration)' },
  duration: { ...seconds(0.001), description: 'run for this long instead of (or as well as) a request count' },
  warmup: { ...seconds(0), description: 'load this long first, at the same rate, and discard the results' },
  ids: { type: 'string', placeholder: 'file', description: 'CSV of ids, one per line, header optional' },
  idsPerRequest: { ...count(1000), placeholder: 'k', description: 'ids per request, the comma-separated form (default 1)' },
  cache: {
    type: 'choice',
    placeholder: 'mode',
    choices: ['hit', 'miss', 'mixed', 'compare'],
    description:
      'id mix: hit (small hot set), miss (never repeat an id, and ask the service to skip its cache: Cache-Control: no-cache), ' +
      'mixed (uniform draws; the default), compare (a hit run then a miss run at the same load, side by side)',
  },
  hotSet: { ...count(1_000_000), placeholder: 'n', description: 'ids in the hot set of --cache hit (default 10)' },
  seed: { type: 'int', placeholder: 'n', min: 0, max: 2 ** 31, description: 'seed of the --cache mixed draws, to repeat a run' },
  timeout: { type: 'number', placeholder: 'seconds', min: 0.001, max: 600, description: 'per-request timeout (default 10)' },
  maxInFlight: { ...count(100_000), placeholder: 'n', description: 'open model: requests in flight before sends are dropped (default 1000)' },
  maxSendsPerTick: { ...count(100_000), placeholder: 'n', description: 'open model: sends per timer tick before the rest wait (default 100)' },
  connections: { ...count(100_000), placeholder: 'n', description: 'open model: most connections open; a due request waits for a free one, its wait counted in its latency (default: 64 to an endpoint on this machine such as papi local, else --max-in-flight)' },
  output: { type: 'string', placeholder: 'file.html', description: 'write a self-contained HTML report' },
  p90Max: { type: 'number', placeholder: 'ms', min: 0, max: Infinity, description: 'exit 4 when p90 is above this' },
  maxErrorRate: { type: 'number', placeholder: 'fraction', min: 0, max: 1, description: 'exit 4 when the error rate (0–1) is above this' },
  exportJmeter: { type: 'string', placeholder: 'plan.jmx', description: 'write an equivalent JMeter plan and its CSV instead of running' },
} as const;

export default defineCommand({
  name: 'bench',
  summary: 'Load-test the endpoint at a constant arrival rate and report latency percentiles',
  description:
    'Replaces the JMeter plan of the tutorial: an open-model load (requests started on a schedule, ' +
    'latency measured from the intended start, so queueing is not hidden) with p50/p90/p95/p99/p99.9 ' +
    'from an HDR histogram, errors by status and kind, and the cache hit ratio from X-Cache. ' +
    'A run is marked invalid, with what to do, when the generator dropped sends or its send lag p99 exceeded ' +
    "1 ms, twice this machine's own timer lag (measured just before) and a tenth of the latency p99. " +
    'With --url, the deployed endpoint (as papi status prints it) gets the token; other URLs get only --header. ' +
    'Exit code 4 when every request failed or a --p90-max or --max-error-rate gate is exceeded; Ctrl-C prints the report so far.',
  examples: [
    { command: 'papi bench --url http://127.0.0.1:8001 --ids cust_ids.csv', description: '10,000 requests at 200/s' },
    { command: 'papi bench --url … --ids ids.csv --cache miss --rate 150', description: 'never repeat an id within the run' },
    { command: 'papi bench --url … --ids ids.csv --cache hit --p90-max 200', description: 'all cache hits; exit 4 above 200 ms p90' },
    { command: 'papi bench --cache compare --rate 100 --requests 500', description: 'with and without the cache, through the ingress (needs service.cache.honorNoCache: true)' },
    { command: 'papi bench --url … --ids ids.csv --concurrency 16 --duration 30', description: 'closed model: capacity, not user latency' },
    { command: 'papi bench --url … --ids ids.csv --output report.html', description: 'also write a self-contained HTML report' },
    { command: 'papi bench --url … --ids ids.csv --export-jmeter plan.jmx', description: 'write an equivalent JMeter plan (and plan.csv), send nothing' },
  ],
  needs: 'connection',
  options: BENCH_OPTIONS,
  async run(ctx, _args, flags) {
    const { bench } = await import('../../bench/index.js');
    const result = await bench(ctx, flags);
    if (result.kind === 'jmeter') {
      const { settings } = result;
      if (result.withHeaders) ctx.out.warn(`${result.plan} holds the request headers (Authorization); it was written 0600.`);
      return {
        data: { command: 'bench', exportJmeter: { plan: result.plan, csv: result.csv }, ...settings },
        human: `wrote ${result.plan} (${settings.threads} threads, ${settings.loops < 0 ? 'for the duration' : `${settings.loops} loops`}${settings.perMinute ? `, ${settings.perMinute}/min` : ''}) and ${result.csv}`,
      };
    }
    if (result.kind === 'compare') return finishCompare(ctx, result.hit, result.miss);
    return finish(ctx, result.report);
  },
});

function finishCompare(ctx: Context, hit: BenchReport, miss: BenchReport) {
  const result = {
    data: { command: 'bench', valid: hit.valid && miss.valid, compare: { hit, miss, missOverHit: compareRatios(hit, miss) } },
    human: formatCompare(hit, miss),
  };
  const interrupted = hit.stopReason === 'interrupted' || miss.stopReason === 'interrupted';
  const allFailed = [hit, miss].find((r) => r.sent > 0 && r.errors.total >= r.sent - r.cancelled);
  if (interrupted) {
    ctx.out.result(result.data, result.human);
    throw new CancelledError('Interrupted: the report covers the run so far.');
  }
  if (allFailed) {
    ctx.out.result(result.data, result.human);
    throw new BenchGateError(`every request of the ${allFailed === hit ? 'hit' : 'miss'} run failed: the figures measure errors, not the service`, {
      code: 'BENCH_ALL_FAILED',
      hint: 'See the errors above; `papi get <id>` with the same target shows the first one in full.',
    });
  }
  return result;
}

function finish(ctx: Context, report: BenchReport) {
  const result = { data: report, human: formatReport(report) };
  const failed = report.gates.filter((gate) => !gate.passed);
  if (report.stopReason === 'interrupted') {
    // The report so far is the product of an interrupted run; the exit code still says 130.
    ctx.out.result(result.data, result.human);
    throw new CancelledError('Interrupted: the report covers the run so far.');
  }
  // A run in which nothing succeeded measured nothing: a script must not read it as a pass.
  if (report.sent > 0 && report.errors.total >= report.sent - report.cancelled) {
    ctx.out.result(result.data, result.human);
    throw new BenchGateError(`every request failed (${report.errors.total} of ${report.sent}): the figures measure errors, not the service`, {
      code: 'BENCH_ALL_FAILED',
      hint: 'See the errors above; `papi get <id>` with the same target shows the first one in full.',
    });
  }
  if (failed.length > 0) {
    ctx.out.result(result.data, result.human);
    throw new BenchGateError(`gate failed: ${failed.map(gateText).join('; ')}`);
  }
  return result;
}

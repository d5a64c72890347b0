// npm run soak (issue 13 item 9; not part of the test suite): papi up in a fresh project on papi
// local, a one-minute warm-up that is not counted, then ten one-minute runs of `papi bench` at
// 1,000 requests/s through papi local's ingress over the mixed id set, back to back, as a user runs
// them (each run gets its token the way papi bench does, so a token that expires mid-soak is
// refreshed like it would be for them). Prints, per minute: errors, dropped sends, p50/p99, and the
// RSS of papi local and of the service's processes, sampled every 5 s: the minute's lowest (what is
// still held after the collector ran) and highest. The slope in MB per minute is fitted to the
// lowest (least squares over the minutes): one sample a minute would mostly show where the garbage
// collector's sawtooth happened to be. Exit 1 when any error or dropped send was counted.
//
//   npm run soak [-- --minutes 10 --rate 1000 --warmup 60 --project <dir>]
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { descendants, rssMb } from './proc.js';

const papi = fileURLToPath(new URL('../../../bin/papi', import.meta.url));

interface BenchJson {
  sent: number;
  completed: number;
  dropped: number;
  errors: { total: number };
  latencyMs: { p50: number; p99: number };
  achievedRate: number;
  valid: boolean;
  invalidReasons?: string[];
}

interface Minute {
  minute: number;
  bench: BenchJson;
  local: Range;
  service: Range;
}

interface Range {
  low: number;
  high: number;
}

const SAMPLE_EVERY_MS = 5000;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      rate: { type: 'string', default: '1000' },
      warmup: { type: 'string', default: '60' },
      project: { type: 'string' },
    },
  });
  const minutes = Number(values.minutes);
  const rate = Number(values.rate);
  const warmupS = Number(values.warmup);
  const project = values.project ?? mkdtempSync(path.join(tmpdir(), 'papi-soak-'));
  const own = values.project === undefined;
  const env = { ...process.env, NO_COLOR: '1', PAPI_TARGET: undefined, SNOWFLAKE_ACCOUNT: undefined };
  const run = (args: string[]) => execa(process.execPath, [papi, ...args], { cwd: project, env, extendEnv: false, reject: false });

  try {
    console.log(`soak: ${project}; papi up …`);
    const up = await run(['up', '--json']);
    if (up.exitCode !== 0) throw new Error(`papi up failed (exit ${up.exitCode}):\n${up.stderr}`);
    const localPid = (JSON.parse(readFileSync(path.join(project, '.papi', 'local', 'local.json'), 'utf8')) as { pid: number }).pid;

    const bench = async (seconds: number): Promise<BenchJson> => {
      const r = await run(['bench', '--rate', String(rate), '--duration', String(seconds), '--cache', 'mixed', '--json']);
      if (r.stdout.trim() === '') throw new Error(`papi bench printed nothing (exit ${r.exitCode}):\n${r.stderr}`);
      return JSON.parse(r.stdout) as BenchJson;
    };

    console.log(`warm-up: ${warmupS} s at ${rate}/s (not counted)`);
    if (warmupS > 0) await bench(warmupS);

    const rows: Minute[] = [];
    console.log('minute     sent  errors  dropped   p50 ms   p99 ms  papi local MB (low-high)  service MB (low-high)');
    for (let minute = 1; minute <= minutes; minute++) {
      const local: number[] = [];
      const service: number[] = [];
      const sample = () => (local.push(rssMb([localPid])), service.push(rssMb(descendants(localPid))));
      const sampler = setInterval(sample, SAMPLE_EVERY_MS);
      const result = await bench(60).finally(() => clearInterval(sampler));
      sample();
      const row = { minute, bench: result, local: range(local), service: range(service) };
      rows.push(row);
      const shown = (r: Range) => `${r.low.toFixed(1)}-${r.high.toFixed(1)}`;
      console.log(
        `${String(minute).padStart(6)} ${String(result.sent).padStart(8)} ${String(result.errors.total).padStart(7)} ${String(result.dropped).padStart(8)}` +
          ` ${result.latencyMs.p50.toFixed(2).padStart(8)} ${result.latencyMs.p99.toFixed(2).padStart(8)} ${shown(row.local).padStart(25)} ${shown(row.service).padStart(22)}` +
          `${result.valid ? '' : `  INVALID: ${(result.invalidReasons ?? []).join('; ')}`}`,
      );
    }
    const errors = rows.reduce((n, r) => n + r.bench.errors.total, 0);
    const dropped = rows.reduce((n, r) => n + r.bench.dropped, 0);
    const sent = rows.reduce((n, r) => n + r.bench.sent, 0);
    console.log(`\n${sent} requests in ${minutes} min at ${rate}/s: ${errors} errors, ${dropped} dropped sends`);
    console.log(
      `RSS slope of each minute's lowest: papi local ${slope(rows.map((r) => r.local.low)).toFixed(2)} MB/min, service ${slope(rows.map((r) => r.service.low)).toFixed(2)} MB/min`,
    );
    process.exitCode = errors === 0 && dropped === 0 ? 0 : 1;
  } finally {
    if (own) {
      await run(['local', 'stop']);
      rmSync(project, { recursive: true, force: true });
    }
  }
}

function range(values: number[]): Range {
  return { low: Math.min(...values), high: Math.max(...values) };
}

/** Least-squares slope of the values against their index (per minute). */
function slope(values: number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = values.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  values.forEach((y, x) => {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  });
  return num / den;
}

await main();

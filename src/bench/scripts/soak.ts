// npm run soak (issue 13 item 9; not part of the test suite): papi up in a fresh project on papi
// local, a one-minute warm-up that is not counted, then ten one-minute runs of `papi bench` at
// 1,000 requests/s through papi local's ingress over the mixed id set, back to back, as a user runs
// them (each run gets its token the way papi bench does, so a token that expires mid-soak is
// refreshed like it would be for them). Prints, per minute: errors, dropped sends, p50/p99, and the
// RSS of papi local and of the service's processes; then the RSS slope in MB per minute (least
// squares over the ten minutes). Exit 1 when any error or dropped send was counted.
//
//   npm run soak [-- --minutes 10 --rate 1000 --warmup 60 --project <dir>]
import { execa } from 'execa';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

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
  localMb: number;
  serviceMb: number;
}

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
    console.log('minute     sent  errors  dropped   p50 ms   p99 ms  papi local MB  service MB');
    for (let minute = 1; minute <= minutes; minute++) {
      const result = await bench(60);
      const row = { minute, bench: result, localMb: rssMb([localPid]), serviceMb: rssMb(descendants(localPid)) };
      rows.push(row);
      console.log(
        `${String(minute).padStart(6)} ${String(result.sent).padStart(8)} ${String(result.errors.total).padStart(7)} ${String(result.dropped).padStart(8)}` +
          ` ${result.latencyMs.p50.toFixed(2).padStart(8)} ${result.latencyMs.p99.toFixed(2).padStart(8)} ${row.localMb.toFixed(1).padStart(14)} ${row.serviceMb.toFixed(1).padStart(11)}` +
          `${result.valid ? '' : `  INVALID: ${(result.invalidReasons ?? []).join('; ')}`}`,
      );
    }
    const errors = rows.reduce((n, r) => n + r.bench.errors.total, 0);
    const dropped = rows.reduce((n, r) => n + r.bench.dropped, 0);
    const sent = rows.reduce((n, r) => n + r.bench.sent, 0);
    console.log(`\n${sent} requests in ${minutes} min at ${rate}/s: ${errors} errors, ${dropped} dropped sends`);
    console.log(`RSS slope: papi local ${slope(rows.map((r) => r.localMb)).toFixed(2)} MB/min, service ${slope(rows.map((r) => r.serviceMb)).toFixed(2)} MB/min`);
    process.exitCode = errors === 0 && dropped === 0 ? 0 : 1;
  } finally {
    if (own) {
      await run(['local', 'stop']);
      rmSync(project, { recursive: true, force: true });
    }
  }
}

/** Every process below `root` (the service's containers and their helpers), from /proc. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone since readdir.
    }
  }
  const found: number[] = [];
  const walk = (pid: number): void => {
    for (const [child, parent] of parents) if (parent === pid) (found.push(child), walk(child));
  };
  walk(root);
  return found;
}

/** Summed VmRSS of the processes, in MB (0 for any that is gone). */
function rssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Gone.
    }
  }
  return kb / 1024;
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

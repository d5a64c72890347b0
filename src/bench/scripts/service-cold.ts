// npm run bench:cold — a cold cache under load (issue 16 item 5), the way a user meets it: a fresh
// project, `papi up` on papi local, then at once `papi bench --rate 1000 --duration 60` over the 943
// users through the ingress (every user's first request a miss), and the same run again with the
// cache warm, side by side. Goal: no dropped sends and p99 ≤ 50 ms on the cold run. The machine may be
// shared: the load average is printed with the figures.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { packagePath } from '../../paths.js';
import { fmt, pct, type BenchReport } from '../report.js';
import { emitJson } from './json-output.js';

const RATE = Number(process.env.PAPI_BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.PAPI_BENCH_SECONDS ?? 60);
const GOAL_P99_MS = 50;

async function main(): Promise<void> {
  const project = mkdtempSync(join(tmpdir(), 'papi-bench-cold-'));
  const env = { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(project, 'cache') };
  const papi = (...args: string[]) => execa(process.execPath, [packagePath('bin', 'papi'), ...args], { cwd: project, env, reject: false });
  try {
    const up = await papi('up');
    if (up.exitCode !== 0) throw new Error(`papi up failed:\n${up.stderr}`);
    const bench = async () => {
      const run = await papi('bench', '--rate', String(RATE), '--duration', String(SECONDS), '--json');
      if (!run.stdout) throw new Error(`papi bench failed:\n${run.stderr}`);
      return JSON.parse(run.stdout) as BenchReport;
    };
    const load = () => loadavg().map((n) => n.toFixed(1)).join(' ');
    const before = load();
    const cold = await bench();
    const warm = await bench();
    console.log(`cold cache under load: papi up, then papi bench --rate ${RATE} --duration ${SECONDS} through papi local's ingress, twice (load average before: ${before}, after: ${load()})`);
    for (const [name, r] of [['cold', cold], ['warm', warm]] as const) {
      const l = r.latencyMs;
      console.log(
        `  ${name}  ${fmt(r.achievedRate).padStart(6)}/s  dropped ${String(r.dropped).padStart(5)}  errors ${String(r.errors.total).padStart(4)}  hits ${pct(r.cache.hitRatio ?? 0).padStart(7)}` +
          `  p50 ${fmt(l.p50).padStart(6)}  p95 ${fmt(l.p95).padStart(6)}  p99 ${fmt(l.p99).padStart(6)}  max ${fmt(l.max).padStart(6)} ms${r.valid ? '' : `  INVALID (${r.invalidReasons.join('; ')})`}`,
      );
    }
    const ok = cold.dropped === 0 && cold.latencyMs.p99 <= GOAL_P99_MS;
    console.log(`  cold/warm p99 ${(cold.latencyMs.p99 / warm.latencyMs.p99).toFixed(2)}; goal (cold: no dropped sends, p99 ≤ ${GOAL_P99_MS} ms) ${ok ? 'ok' : 'NOT MET'}`);
    const summary = (r: BenchReport) => ({ rate: r.achievedRate, dropped: r.dropped, errors: r.errors.total, p50Ms: r.latencyMs.p50, p99Ms: r.latencyMs.p99, valid: r.valid });
    emitJson({ rate: RATE, seconds: SECONDS, cold: summary(cold), warm: summary(warm) });
  } finally {
    await papi('local', 'stop');
    rmSync(project, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

// Cache misses (issue 5 item 8), the way a user measures them: a fresh project, `papi setup` on papi
// local's sample data, `papi dev` serving the bundled service against it, and `papi bench --cache
// compare` (a hit run, then a miss run: every id once with Cache-Control: no-cache, so each request is
// a hybrid-table lookup through the driver). The machine is shared: read the figures as orders of magnitude.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { execa } from 'execa';
import { packagePath } from '../../paths.js';
import { fmt, pct, type BenchReport } from '../report.js';

// Below papi local's lookup capacity on this machine (a few hundred per second), so the figures show latency, not queueing.
const RATE = 100;
const REQUESTS = 600;

export async function measureMisses(): Promise<void> {
  const project = mkdtempSync(join(tmpdir(), 'papi-bench-misses-'));
  const env = { ...process.env, NO_COLOR: '1', XDG_CACHE_HOME: join(project, 'cache') };
  const papi = (...args: string[]) => execa(process.execPath, [packagePath('bin', 'papi'), ...args], { cwd: project, env });
  try {
    console.log('');
    console.log(`cache misses: papi dev against papi local (sample data), open model ${RATE}/s, ${REQUESTS} requests`);
    await papi('init');
    // A miss run needs the service to honour Cache-Control: no-cache.
    const yaml = join(project, 'papi.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace(/^( +honorNoCache:) false/m, '$1 true'));
    await papi('setup');
    const dev = papi('dev', '--port', '0', '--json');
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: dev.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
        dev.catch(reject);
      });
      const run = await papi('bench', '--url', url, '--cache', 'compare', '--requests', String(REQUESTS), '--rate', String(RATE), '--warmup', '0', '--json');
      const { compare } = JSON.parse(run.stdout) as { compare: { hit: BenchReport; miss: BenchReport } };
      for (const [name, report] of [['miss', compare.miss], ['hit', compare.hit]] as const) {
        const l = report.latencyMs;
        console.log(
          `  ${name.padEnd(5)} ${fmt(report.achievedRate).padStart(6)}/s  p50 ${fmt(l.p50).padStart(6)}  p90 ${fmt(l.p90).padStart(6)}  p99 ${fmt(l.p99).padStart(6)} ms` +
            `  hits ${pct(report.cache.hitRatio ?? 0)}  errors ${report.errors.total}${report.valid ? '' : `  INVALID (${report.invalidReasons.join('; ')})`}`,
        );
      }
      console.log('  (a miss is one pooled lookup with binds through snowflake-sdk into papi local, DuckDB underneath;');
      console.log('   on Snowflake a hybrid-table lookup takes double-digit milliseconds, so misses set the P90 there)');
    } finally {
      dev.kill('SIGINT');
      await dev.catch(() => undefined);
    }
  } finally {
    await papi('local', 'stop').catch(() => undefined);
    rmSync(project, { recursive: true, force: true });
  }
}

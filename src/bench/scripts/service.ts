// npm run bench:service — issue 5 item 8: GET /customer/:id on cache hits, the API service (Hono,
// TTL cache, lookup, request log; in-memory store) against a bare node:http server answering from
// a Map, measured in the same run on the same machine: closed-loop throughput and open-model
// p50/p99 at a fixed rate, and the service/bare throughput ratio (goal ≥ 0.8); then cache misses
// against papi local (service-misses.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packagePath } from '../../paths.js';
import { fmt, pct, type BenchReport } from '../report.js';
import { line, measure } from './bench.js';
import { measureMisses } from './service-misses.js';
import { cpuMs, pinSelf, startServer, type RunningServer } from './servers.js';

const CLOSED_CONNECTIONS = 32;
const OPEN_RATE = 1000;
const SECONDS = 5;
const ROUNDS = 3;
/** Cache hits over this many distinct users (primed before each run). */
const HOT_USERS = 1000;

/** The service lives in service/src (not built into dist/): bundle the entry, dependencies included. */
async function bundleServiceServer(dir: string): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(dir, 'service-server.mjs');
  await build({
    entryPoints: [packagePath('src', 'bench', 'scripts', 'service-server.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const HOT = { mode: 'hit', hotSet: HOT_USERS } as const;

async function main(): Promise<void> {
  const pinned = pinSelf();
  const dir = mkdtempSync(join(tmpdir(), 'papi-bench-'));
  try {
    const serviceScript = await bundleServiceServer(dir);
    const bare = await startServer(fileURLToPath(new URL('./bare-server.js', import.meta.url)));
    const service = await startServer(serviceScript);
    try {
      console.log(`cache hits, GET /customer/:id, service vs bare node:http (${pinned ? 'servers core 0, generator core 1' : 'unpinned'})`);
      type Measured = BenchReport & { serverCpuUs: number };
      const rounds: Array<{ bare: Measured; service: Measured; bareOpen: Measured; serviceOpen: Measured }> = [];
      for (let round = 1; round <= ROUNDS; round++) {
        // Alternate the order so neither server always runs on a warmer (or busier) machine.
        const run = async (server: RunningServer, model: Parameters<typeof measure>[1]) => {
          const before = cpuMs(server.pid);
          const report = await measure(server.url, model, SECONDS, HOT);
          const after = cpuMs(server.pid);
          // Server CPU per request is steadier than throughput on a shared machine.
          const cpuUs = before === undefined || after === undefined ? NaN : ((after - before) * 1000) / (report.sent + report.warmup.requests + report.warmup.primed);
          return Object.assign(report, { serverCpuUs: cpuUs });
        };
        const pair = async (model: Parameters<typeof measure>[1]) => {
          if (round % 2 === 1) {
            const b = await run(bare, model);
            return { b, s: await run(service, model) };
          }
          const s = await run(service, model);
          return { b: await run(bare, model), s };
        };
        const closed = await pair({ kind: 'closed', concurrency: CLOSED_CONNECTIONS });
        const open = await pair({ kind: 'open', rate: OPEN_RATE });
        console.log(`${line(`bare closed ${CLOSED_CONNECTIONS}`, closed.b)}  server cpu ${fmt(closed.b.serverCpuUs)} µs/req`);
        console.log(`${line(`service closed ${CLOSED_CONNECTIONS}`, closed.s)}  server cpu ${fmt(closed.s.serverCpuUs)} µs/req`);
        console.log(line(`bare open ${OPEN_RATE}/s`, open.b));
        console.log(line(`service open ${OPEN_RATE}/s`, open.s));
        rounds.push({ bare: closed.b, service: closed.s, bareOpen: open.b, serviceOpen: open.s });
      }
      const bareRate = median(rounds.map((r) => r.bare.achievedRate));
      const serviceRate = median(rounds.map((r) => r.service.achievedRate));
      const ratio = median(rounds.map((r) => r.service.achievedRate / r.bare.achievedRate));
      console.log('');
      console.log(`medians of ${ROUNDS} rounds:`);
      console.log(`  bare node:http  ${fmt(bareRate)}/s closed; at ${OPEN_RATE}/s p50 ${fmt(median(rounds.map((r) => r.bareOpen.latencyMs.p50)))} ms, p99 ${fmt(median(rounds.map((r) => r.bareOpen.latencyMs.p99)))} ms`);
      console.log(`  service         ${fmt(serviceRate)}/s closed; at ${OPEN_RATE}/s p50 ${fmt(median(rounds.map((r) => r.serviceOpen.latencyMs.p50)))} ms, p99 ${fmt(median(rounds.map((r) => r.serviceOpen.latencyMs.p99)))} ms`);
      console.log(`  service / bare throughput ratio: ${ratio.toFixed(2)} (goal ≥ 0.8) ${ratio >= 0.8 ? 'ok' : 'BELOW GOAL'}`);
      const bareCpu = median(rounds.map((r) => r.bare.serverCpuUs));
      const serviceCpu = median(rounds.map((r) => r.service.serverCpuUs));
      console.log(`  server CPU per request: bare ${fmt(bareCpu)} µs, service ${fmt(serviceCpu)} µs; bare/service ${(bareCpu / serviceCpu).toFixed(2)} (the throughput ratio a CPU-bound server would reach)`);
      const hits = rounds.map((r) => r.service.cache.hitRatio ?? 0);
      console.log(`  lowest service X-Cache hit ratio of the closed runs: ${pct(Math.min(...hits))}`);
    } finally {
      await service.stop();
      await bare.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await measureMisses();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

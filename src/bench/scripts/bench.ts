// npm run bench:bench — the generator's self-check (issue 7 item 6): against a bare node:http
// server on loopback, how many requests per second it holds open-model on one core, and its own
// overhead at 1,000/s (send lag and latency from the intended start, which includes the server).
import { fileURLToPath } from 'node:url';
import { IdPicker } from '../ids.js';
import { emitJson } from './json-output.js';
import { buildReport, fmt, type BenchReport } from '../report.js';
import { destroy, runBench, type LoadModel } from '../run.js';
import { SAMPLE_USERS } from './sample-rows.js';
import { pinSelf, startServer } from './servers.js';

const RATES = [1000, 2000, 5000, 8000, 10_000, 15_000];
const STEP_SECONDS = 2;
const OVERHEAD_RATE = 1000;
const OVERHEAD_SECONDS = 5;

/** A run over the sample users: `mixed` draws from all of them; `hit` primes and cycles a hot set. */
export async function measure(
  url: string,
  model: LoadModel,
  durationS: number,
  ids: { mode: 'mixed' | 'hit'; hotSet?: number } = { mode: 'mixed' },
  warmupS = 1,
): Promise<BenchReport> {
  const all = Array.from({ length: SAMPLE_USERS }, (_, i) => String(i + 1));
  const picker = new IdPicker(all, { mode: ids.mode, hotSetSize: ids.hotSet, idsPerRequest: 1, seed: 7 });
  const m = await runBench({
    target: { url, headers: {} },
    ids: picker,
    model,
    durationMs: durationS * 1000,
    warmupMs: warmupS * 1000,
    prime: ids.mode === 'hit',
  });
  const report = buildReport(m, {
    url,
    headerNames: [],
    cache: ids.mode,
    idsPerRequest: 1,
    idCount: all.length,
    hotSet: picker.hotSet.length,
    requests: null,
    durationS,
    warmupS,
    timeoutMs: 10_000,
    maxInFlight: 1000,
    maxSendsPerTick: 100,
    seed: 7,
  });
  destroy(m);
  return report;
}

export function line(name: string, r: BenchReport): string {
  const lag = r.sendLagMs ? `lag p99 ${fmt(r.sendLagMs.p99).padStart(6)}` : ''.padStart(14);
  return (
    `${name.padEnd(22)} ${fmt(r.achievedRate).padStart(8)}/s  p50 ${fmt(r.latencyMs.p50).padStart(6)}  p90 ${fmt(r.latencyMs.p90).padStart(6)}` +
    `  p99 ${fmt(r.latencyMs.p99).padStart(6)}  max ${fmt(r.latencyMs.max).padStart(7)} ms  ${lag}  dropped ${r.dropped}  errors ${r.errors.total}` +
    `${r.valid ? '' : '  INVALID'}`
  );
}

/** The machine is shared: each step gets a few tries, and the figures say how many it took. */
const TRIES = 3;

async function main(): Promise<void> {
  const pinned = pinSelf();
  const server = await startServer(fileURLToPath(new URL('./bare-server.js', import.meta.url)));
  try {
    console.log(`generator self-check against bare node:http on loopback (${pinned ? 'server core 0, generator core 1' : 'unpinned'})`);
    let sustained = 0;
    for (const rate of RATES) {
      let held = false;
      for (let attempt = 1; attempt <= TRIES && !held; attempt++) {
        const r = await measure(server.url, { kind: 'open', rate }, STEP_SECONDS);
        console.log(line(`open ${rate}/s #${attempt}`, r));
        held = r.valid && r.errors.total === 0 && r.achievedRate >= rate * 0.97;
      }
      if (held) sustained = rate;
    }
    const closed = await measure(server.url, { kind: 'closed', concurrency: 32 }, STEP_SECONDS);
    console.log(line('closed 32 connections', closed));
    const overhead: BenchReport[] = [];
    for (let attempt = 1; attempt <= TRIES; attempt++) {
      overhead.push(await measure(server.url, { kind: 'open', rate: OVERHEAD_RATE }, OVERHEAD_SECONDS));
      console.log(line(`overhead ${OVERHEAD_RATE}/s #${attempt}`, overhead[overhead.length - 1]!));
    }
    const lag = overhead.map((r) => r.sendLagMs!.p99).sort((a, b) => a - b);
    const p99 = overhead.map((r) => r.latencyMs.p99).sort((a, b) => a - b);
    console.log('');
    console.log(`highest open-model rate held (valid, no errors, ≥ 97 % achieved): ${sustained}/s (goal ≥ 5000/s) ${sustained >= 5000 ? 'ok' : 'BELOW GOAL'}`);
    console.log(
      `overhead at ${OVERHEAD_RATE}/s over ${TRIES} runs: send lag p99 (the generator's own schedule overhead) best ${fmt(lag[0]!)} / median ${fmt(lag[1]!)} ms ` +
        `(goal < 1 ms) ${lag[1]! < 1 ? 'ok' : 'ABOVE GOAL'}; end to end from the intended start, bare server and response handling included: ` +
        `p99 best ${fmt(p99[0]!)} / median ${fmt(p99[1]!)} ms`,
    );
    console.log(`closed-loop capacity with 32 connections: ${fmt(closed.achievedRate)}/s`);
    emitJson({ sustainedOpenRate: sustained, overheadRate: OVERHEAD_RATE, sendLagP99MedianMs: lag[1], p99MedianMs: p99[1], closedRate: closed.achievedRate });
  } finally {
    await server.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

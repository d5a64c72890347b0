// Benchmark (prints figures; not a test): what papi local's ingress guard (spcs/ingress-guard.ts)
// costs a container per request. The same one-file node:http server runs as a child process twice,
// plain and with the guard preloaded; one caller sends the same keep-alive requests (carrying the
// secret header both times, so the bytes on the wire are equal) and the figures are printed side by
// side with their ratio.
//   npm run bench:guard                      (GUARD_ITERATIONS=… per round, GUARD_ROUNDS=… to change)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHistogram, performance } from 'node:perf_hooks';
import { emitJson } from '../../bench/scripts/json-output.js';
import { GUARD_HEADER, GUARD_SECRET_ENV, guardedArgv, writeGuard } from '../spcs/ingress-guard.js';

const ITERATIONS = positiveInteger(process.env.GUARD_ITERATIONS, 5_000);
const ROUNDS = positiveInteger(process.env.GUARD_ROUNDS, 7);
const WARMUP = 2_000;
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const SERVER = `
const { createServer } = require('node:http');
const body = JSON.stringify([{ USER_ID: 22, RECOMMENDATIONS: Array.from({ length: 10 }, (_, i) => ({ movie_id: i, movie_name: 'Movie ' + i, movie_score: '9.00' })) }]);
const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

interface Figures {
  name: string;
  p50: number;
  p99: number;
  rps: number;
}

async function start(argv: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(argv[0]!, argv.slice(1), { env: { ...process.env, [GUARD_SECRET_ENV]: SECRET, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').once('data', (line: string) => resolve(Number(line.trim())));
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  return { child, port };
}

function get(agent: Agent, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/customer/22', agent, headers: { [GUARD_HEADER]: SECRET } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

/** One round: ITERATIONS sequential GETs through a keep-alive connection. */
async function round(agent: Agent, port: number): Promise<Omit<Figures, 'name'>> {
  const histogram = createHistogram();
  const started = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = process.hrtime.bigint();
    const status = await get(agent, port);
    histogram.record(process.hrtime.bigint() - t0);
    if (status !== 200) throw new Error(`HTTP ${status}`);
  }
  const seconds = (performance.now() - started) / 1000;
  return { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, rps: ITERATIONS / seconds };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'papi-bench-guard-'));
  const servers: Array<{ child: ChildProcess; port: number; agent: Agent }> = [];
  try {
    const server = path.join(dir, 'server.cjs');
    writeFileSync(server, SERVER);
    const guard = await writeGuard(dir);
    for (const argv of [[process.execPath, server], guardedArgv([process.execPath, server], guard)]) {
      servers.push({ ...(await start(argv)), agent: new Agent({ keepAlive: true, maxSockets: 1 }) });
    }
    for (const { agent, port } of servers) for (let i = 0; i < WARMUP; i++) await get(agent, port);
    // Rounds alternate between the two servers, so a busy moment of the machine hits both alike.
    const results: Array<Array<Omit<Figures, 'name'>>> = [[], []];
    for (let r = 0; r < ROUNDS; r++) for (const [i, { agent, port }] of servers.entries()) results[i]!.push(await round(agent, port));
    const [plain, guarded] = ['node:http, no guard', 'node:http, guard preloaded'].map((name, i): Figures => ({
      name,
      p50: median(results[i]!.map((f) => f.p50)),
      p99: median(results[i]!.map((f) => f.p99)),
      rps: median(results[i]!.map((f) => f.rps)),
    })) as [Figures, Figures];
    console.log(`${ROUNDS} alternating rounds of ${ITERATIONS} sequential keep-alive GETs, one caller; medians over rounds`);
    for (const f of [plain, guarded]) console.log(`${f.name.padEnd(30)} p50 ${f.p50.toFixed(3)} ms  p99 ${f.p99.toFixed(3)} ms  ${f.rps.toFixed(0)} req/s`);
    console.log(`guard / plain: p50 ×${(guarded.p50 / plain.p50).toFixed(2)}, p99 ×${(guarded.p99 / plain.p99).toFixed(2)}, throughput ×${(guarded.rps / plain.rps).toFixed(2)}`);
    emitJson({ rounds: ROUNDS, iterations: ITERATIONS, plain, guarded });
  } finally {
    for (const { child, agent } of servers) {
      agent.destroy();
      child.kill();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function positiveInteger(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

await main();

// npm run bench — every benchmark of issue 16, one after another, and ONE table of their figures:
// goal, figure, target, met or not, under the date and the machine (CPU, cores, memory, Node, the load
// average before and after). Each script runs as its own process with --json (its human lines are
// shown on stderr as it goes); a script that cannot run gives a row saying why.
//   npm run bench [-- --only service,copy] [--json | --markdown | --write-readme]
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { packagePath } from '../../paths.js';
import { BENCHMARKS, type Benchmark } from './goals.js';
import { busyShare } from './proc.js';
import { renderMarkdown, renderText, replaceReadmeBlock, type BenchTable, type Machine, type Row } from './table.js';

interface Options {
  only?: string[];
  json: boolean;
  markdown: boolean;
  writeReadme: boolean;
}

const USAGE = 'usage: npm run bench -- [--only name,name] [--json | --markdown | --write-readme]';

export function parseArgs(argv: string[]): Options {
  const options: Options = { json: false, markdown: false, writeReadme: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') options.json = true;
    else if (arg === '--markdown') options.markdown = true;
    else if (arg === '--write-readme') options.writeReadme = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const list = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (!list) throw new Error(`--only needs a list of benchmarks: ${BENCHMARKS.map((b) => b.name).join(', ')}\n${USAGE}`);
      options.only = list.split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = options.only.filter((name) => !BENCHMARKS.some((b) => b.name === name));
      if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; the benchmarks are ${BENCHMARKS.map((b) => b.name).join(', ')}`);
    } else throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  return options;
}

function machine(): Omit<Machine, 'loadAfter'> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadBefore: os.loadavg(),
  };
}

/** The machine counts as quiet when its CPUs were this busy or less over a second (all CPUs together). */
const QUIET_SHARE = 0.15;
/** How long a benchmark waits for a quiet machine before it runs anyway. */
const QUIET_WAIT_MS = 30_000;

/**
 * Waits until the machine is quiet, so that a benchmark does not start while the last one's processes
 * (papi local stopping, DuckDB's threads, a service exiting) or anything else still use the CPUs: what
 * a benchmark measures then is partly the machine's. Says how long it waited.
 */
async function quietMachine(): Promise<string> {
  const started = Date.now();
  for (;;) {
    const busy = await busyShare(1000);
    if (busy === undefined) return 'machine load unknown (no /proc/stat)';
    const waited = ((Date.now() - started) / 1000).toFixed(0);
    const percent = `${Math.round(busy * 100)} %`;
    if (busy <= QUIET_SHARE) return `machine quiet (CPUs ${percent} busy over the last second; waited ${waited} s)`;
    if (Date.now() - started >= QUIET_WAIT_MS) return `the machine stayed busy (CPUs ${percent} busy after ${waited} s): measuring anyway`;
  }
}

/** Runs one script with --json; its human lines go to our stderr, prefixed with its name. */
async function run(benchmark: Benchmark): Promise<{ figures?: unknown; failure?: string }> {
  const script = packagePath('dist', benchmark.script);
  const child = spawn(process.execPath, [script, ...(benchmark.args ?? []), '--json'], {
    env: { ...process.env, ...benchmark.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  const stderrLines: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  let partial = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      stderrLines.push(line);
      process.stderr.write(`[${benchmark.name}] ${line}\n`);
    }
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  });
  if (partial) stderrLines.push(partial);
  const last = stdout.trim().split('\n').at(-1);
  if (code === 0 && last) {
    try {
      return { figures: JSON.parse(last) };
    } catch {
      return { failure: `its --json output was not JSON: ${last.slice(0, 200)}` };
    }
  }
  // The reason is the script's own last words (an error message, or "wrk is not installed …").
  const reason = stderrLines.map((l) => l.trim()).filter(Boolean).at(-1) ?? 'no output';
  return { failure: `exit ${code ?? 'by signal'}: ${reason}` };
}

/** The rows of one benchmark from its figures, or one row saying why there are none. */
export function rowsOf(benchmark: Benchmark, result: { figures?: unknown; failure?: string }): Row[] {
  const notRun = (why: string): Row[] => [{ goal: benchmark.goal, what: benchmark.title, unit: 'count', notRun: why }];
  if (result.failure !== undefined) return notRun(result.failure);
  try {
    return benchmark.rows(result.figures);
  } catch (error) {
    return notRun(`its figures did not have the expected shape (${error instanceof Error ? error.message : String(error)})`);
  }
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 2;
    return;
  }
  const chosen = BENCHMARKS.filter((b) => !options.only || options.only.includes(b.name));
  const date = new Date().toISOString();
  const before = machine();
  const rows: Row[] = [];
  const figures: Record<string, unknown> = {};
  for (const benchmark of chosen) {
    process.stderr.write(`\n== ${benchmark.name}: ${benchmark.title}\n`);
    process.stderr.write(`   ${await quietMachine()}\n`);
    const result = await run(benchmark);
    figures[benchmark.name] = result.figures ?? { failure: result.failure };
    rows.push(...rowsOf(benchmark, result));
  }
  const table: BenchTable = { date, machine: { ...before, loadAfter: os.loadavg() }, rows };
  process.stderr.write('\n');
  if (options.json) console.log(JSON.stringify({ ...table, figures }, null, 2));
  else if (options.markdown) console.log(renderMarkdown(table));
  else console.log(renderText(table));
  if (options.writeReadme) {
    const readme = packagePath('README.md');
    writeFileSync(readme, replaceReadmeBlock(readFileSync(readme, 'utf8'), renderMarkdown(table)));
    process.stderr.write('README.md: the Benchmarks table replaced\n');
  }
  // A benchmark that could not run is a failed run; a target not met is a figure, not a failure.
  if (rows.some((r) => r.notRun)) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

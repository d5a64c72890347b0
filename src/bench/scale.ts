// npm run bench:scale (issue 15 item 3): what `papi setup --data sample --sample-size <size>` costs on
// papi local for each recommender, so the cost curve is visible. One run = a fresh temp project, papi
// local started detached (its pid is what CPU and memory are read from, via /proc), then setup with
// human output: its step lines ("✓ Load ratings loaded · … (2.8s)") are read as they come, so a run
// stopped at its timeout still reports the steps it finished and how long the next one had run.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { SAMPLE_SHAPES, sampleLines } from '../data/sample.js';
import type { SampleSize } from '../config/types.js';
import { isAlive } from '../local/index.js';
import { poll } from '../poll.js';
import { cpuMs, peakRssMb } from './scripts/proc.js';

const papi = fileURLToPath(new URL('../../bin/papi', import.meta.url));

export const SCALE_SIZES = ['100k', '1m', '10m'] as const;
export const SCALE_ALGORITHMS = ['item-knn', 'user-knn', 'popularity', 'puresvd'] as const;

export interface StepTime {
  title: string;
  ms: number;
  /** papi local's CPU seconds between the previous step's line and this one's. */
  cpuS?: number;
}

export interface ScaleRun {
  size: string;
  algorithm: string;
  status: 'done' | 'timeout' | 'failed';
  /** papi setup's wall time (papi local already started), up to the stop for a timeout. */
  wallMs: number;
  /** `papi local start --detach` in the fresh project. */
  localStartMs: number;
  steps: StepTime[];
  /** The step that was running when the run was stopped: the one after the last finished. */
  unfinished?: { after: string; ms: number; cpuS?: number };
  /** papi local's CPU seconds (user + system) and peak resident memory (VmHWM), from /proc. */
  cpuS?: number;
  peakRssMb?: number;
  timeoutMs: number;
  loadAvg: { start: number; end: number };
  error?: string;
}

/** Join sizes of the recommenders on a sample (`--joins`). */
export interface JoinSizes {
  ratings: number;
  /** item-knn's both_rated: the pairs of titles each user rated, each pair once (Σ over users of n(n − 1)/2). */
  itemKnnPairs: number;
  /** item-knn's scoring: each user's `recent` newest ratings × the titles that share a rater with them. */
  itemKnnScoring: number;
  /** user-knn's dot products: the pairs of users who rated each title, both orders (Σ over titles of r(r − 1)). */
  userKnnPairs: number;
}

/**
 * The rows the recommenders' joins produce on a generated sample, counted from its ratings as
 * sql/recommend/*.sql joins them (the sample yields each user's ratings together, one rating per
 * title). `recent` is item-knn's profile length at its default half-life: 3 half-lives of 3 ratings.
 */
export function joinSizes(size: SampleSize, recent = 9): JoinSizes {
  return countJoins(sampleLines({ size }), SAMPLE_SHAPES[size].titles, recent);
}

/** The same count over ratings lines (`user,item,rating,timestamp`, each user's together); `items` is the highest title id. */
export function countJoins(lines: Iterable<[string, string]>, items: number, recent = 9): JoinSizes {
  const perItem = new Map<number, number>();
  const shared = new Uint8Array(Math.ceil(((items + 1) * (items + 1)) / 8)); // title pairs with a rater in common
  const degree = new Uint32Array(items + 1); // titles sharing a rater with each title
  const profiles: number[][] = [];
  let ratings = 0;
  let itemKnnPairs = 0;
  let user: string | undefined;
  let rated: Array<[number, string]> = [];
  const endUser = () => {
    const n = rated.length;
    itemKnnPairs += (n * (n - 1)) / 2;
    for (let x = 0; x < n; x++)
      for (let y = x + 1; y < n; y++) {
        const a = Math.min(rated[x]![0], rated[y]![0]);
        const b = Math.max(rated[x]![0], rated[y]![0]);
        const bit = a * (items + 1) + b;
        if (shared[bit >> 3]! & (1 << (bit & 7))) continue;
        shared[bit >> 3]! |= 1 << (bit & 7);
        degree[a]!++;
        degree[b]!++;
      }
    // Newest first by (timestamp, title id), as the SQL's profiles.
    rated.sort((p, q) => (p[1] === q[1] ? q[0] - p[0] : p[1] < q[1] ? 1 : -1));
    profiles.push(rated.slice(0, recent).map(([item]) => item));
    rated = [];
  };
  for (const [kind, line] of lines) {
    if (kind !== 'ratings') continue;
    const [u, item, , at] = line.split(',') as [string, string, string, string];
    if (u !== user && user !== undefined) endUser();
    user = u;
    rated.push([Number(item), at]);
    perItem.set(Number(item), (perItem.get(Number(item)) ?? 0) + 1);
    ratings++;
  }
  if (user !== undefined) endUser();
  let itemKnnScoring = 0;
  for (const profile of profiles) for (const item of profile) itemKnnScoring += degree[item]!;
  let userKnnPairs = 0;
  for (const r of perItem.values()) userKnnPairs += r * (r - 1);
  return { ratings, itemKnnPairs, itemKnnScoring, userKnnPairs };
}

/** A finished step's line on setup's stderr (NO_COLOR, not a TTY): `✓ <title> … (<duration>)`. */
export function parseStepLine(line: string): StepTime | undefined {
  const m = /^[✓✗] (.*) \((\d+(?:\.\d+)?)(ms|s)\)$|^[✓✗] (.*) \((\d+)m(\d+)s\)$/.exec(line.trim());
  if (!m) return undefined;
  if (m[1] !== undefined) return { title: m[1], ms: Number(m[2]) * (m[3] === 'ms' ? 1 : 1000) };
  return { title: m[4]!, ms: (Number(m[5]) * 60 + Number(m[6])) * 1000 };
}

/** `30` (minutes), `30m`, `90s`: the per-run timeout in ms. */
export function parseTimeout(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|s)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw new Error(`--timeout ${JSON.stringify(text)}: give minutes (30, 30m) or seconds (90s)`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 60_000);
}

const sum = (steps: StepTime[], test: (title: string) => boolean) => steps.filter((s) => test(s.title)).reduce((n, s) => n + s.ms, 0);
/** Loading the data: clearing the stage, then PUT and COPY INTO of each file. */
export const loadMs = (steps: StepTime[]) => sum(steps, (t) => t.startsWith('Load ') || t.startsWith('Clear the stage'));
export const recommendMs = (steps: StepTime[]) => sum(steps, (t) => t.startsWith('Compute recommendations'));
const recommendCpu = (steps: StepTime[]) => steps.find((s) => s.title.startsWith('Compute recommendations'))?.cpuS;
const withCpu = (text: string, cpuS: number | undefined) => (cpuS === undefined ? text : `${text} (${cpuS.toFixed(0)} CPU s)`);
const isRecommend = (steps: StepTime[]) => steps.some((s) => s.title.startsWith('Compute recommendations'));

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

const limit = (ms: number) => (ms < 60_000 ? `${Number((ms / 1000).toFixed(1))} s` : `${Number((ms / 60_000).toFixed(1))} min`);
/** A step's title without its outcome and detail (`Load users loaded · 943 rows` → `Load users`). */
const bare = (title: string) => title.replace(/ (created|unchanged|applied|loaded|computed|published)( · .*)?$/, '');

/** One line per run: size, algorithm, wall, load, recommendations, papi local's CPU and peak memory. */
export function formatTable(runs: ScaleRun[]): string {
  const header = ['size', 'algorithm', 'setup wall', 'load', 'recommendations', 'papi local CPU', 'peak RSS', 'load avg', 'note'];
  // papi local's CPU is its whole run's; the recommendation step's own share is in parentheses.
  const rows = runs.map((r) => {
    const rec = isRecommend(r.steps)
      ? withCpu(formatDuration(recommendMs(r.steps)), recommendCpu(r.steps))
      : r.unfinished && r.steps.some((s) => s.title.startsWith('Load users'))
        ? withCpu(`> ${formatDuration(r.unfinished.ms)}`, r.unfinished.cpuS) + ' unfinished'
        : '-';
    const note =
      r.status === 'timeout'
        ? `did not finish after ${limit(r.timeoutMs)}${r.unfinished ? `: stopped ${formatDuration(r.unfinished.ms)} after "${bare(r.unfinished.after)}"` : ''}`
        : r.status === 'failed'
          ? `failed: ${r.error ?? 'unknown error'}`
          : '';
    return [
      r.size,
      r.algorithm,
      r.status === 'done' ? formatDuration(r.wallMs) : `> ${formatDuration(r.wallMs)}`,
      r.steps.some((s) => s.title.startsWith('Load ratings')) ? formatDuration(loadMs(r.steps)) : '-',
      rec,
      r.cpuS === undefined ? '-' : `${r.cpuS.toFixed(0)} s`,
      r.peakRssMb === undefined ? '-' : `${r.peakRssMb.toFixed(0)} MB`,
      `${r.loadAvg.start.toFixed(1)}→${r.loadAvg.end.toFixed(1)}`,
      note,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** papi local's CPU seconds (utime + stime) and peak resident memory in MB, or undefined once it is gone. */
export function readProc(pid: number): { cpuS: number; peakRssMb: number } | undefined {
  const peak = peakRssMb(pid);
  return peak === undefined ? undefined : { cpuS: cpuMs([pid]) / 1000, peakRssMb: peak };
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  return (await poll(() => (isAlive(pid) ? undefined : true), { intervalMs: 250, timeoutMs: ms })) ?? false;
}

export interface ScaleRunOptions {
  size: string;
  algorithm: string;
  timeoutMs: number;
  /** Called with each finished step, for progress. */
  onStep?: (step: StepTime) => void;
  /** Reports the project folder (tests check it is removed). */
  onProject?: (dir: string, localPid: number) => void;
}

/** One measured setup in a fresh temp project; papi local is stopped and the folder removed whatever happens. */
export async function runScale(options: ScaleRunOptions): Promise<ScaleRun> {
  const { size, algorithm, timeoutMs } = options;
  const dir = mkdtempSync(path.join(tmpdir(), 'papi-scale-'));
  const env = { ...process.env, NO_COLOR: '1', PAPI_TARGET: undefined, SNOWFLAKE_ACCOUNT: undefined };
  const papiIn = (args: string[], extra: { timeout?: number } = {}) =>
    execa(process.execPath, [papi, ...args], { cwd: dir, env, extendEnv: false, reject: false, ...extra });
  const loadStart = loadavg()[0]!;
  const steps: StepTime[] = [];
  let localPid: number | undefined;
  let last: ReturnType<typeof readProc>;
  const result = (status: ScaleRun['status'], rest: Partial<ScaleRun>): ScaleRun => ({
    size,
    algorithm,
    status,
    wallMs: 0,
    localStartMs: 0,
    steps,
    timeoutMs,
    loadAvg: { start: loadStart, end: loadavg()[0]! },
    ...(last ? { cpuS: last.cpuS, peakRssMb: last.peakRssMb } : {}),
    ...rest,
  });
  try {
    const init = await papiIn(['init']);
    if (init.exitCode !== 0) return result('failed', { error: `papi init: ${init.stderr.trim()}` });
    const configPath = path.join(dir, 'papi.yaml');
    const doc = parseDocument(readFileSync(configPath, 'utf8'));
    doc.setIn(['recommender', 'algorithm'], algorithm);
    doc.setIn(['data', 'sampleSize'], size);
    writeFileSync(configPath, doc.toString());

    const localStarted = performance.now();
    const local = await papiIn(['local', 'start', '--detach', '--json']);
    const localStartMs = performance.now() - localStarted;
    if (local.exitCode !== 0) return result('failed', { localStartMs, error: `papi local start: ${local.stderr.trim()}` });
    const pid = (JSON.parse(readFileSync(path.join(dir, '.papi', 'local', 'local.json'), 'utf8')) as { pid: number }).pid;
    localPid = pid;
    current = { dir, pid };
    options.onProject?.(dir, pid);
    last = readProc(pid);
    const sampler = setInterval(() => (last = readProc(pid) ?? last), 1000);

    const started = performance.now();
    let lastStepAt = started;
    let cpuAtLastStep = last?.cpuS;
    const cpuSince = () => {
      const now = readProc(pid)?.cpuS;
      const spent = now !== undefined && cpuAtLastStep !== undefined ? now - cpuAtLastStep : undefined;
      cpuAtLastStep = now ?? cpuAtLastStep;
      return spent;
    };
    const setup: ResultPromise = papiIn(['setup', '--data', 'sample', '--sample-size', size]);
    let buffered = '';
    const stderrLines: string[] = [];
    setup.stderr?.setEncoding('utf8');
    setup.stderr?.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        stderrLines.push(line);
        const step = parseStepLine(line);
        if (!step) continue;
        lastStepAt = performance.now();
        const cpuS = cpuSince();
        if (cpuS !== undefined) step.cpuS = cpuS;
        steps.push(step);
        options.onStep?.(step);
      }
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      setup.kill('SIGTERM');
      setTimeout(() => setup.kill('SIGKILL'), 10_000).unref();
    }, timeoutMs);
    const finished = await setup.finally(() => clearTimeout(timer));
    const stoppedAt = performance.now();
    const cpuUnfinished = cpuSince();
    clearInterval(sampler);
    last = readProc(pid) ?? last;
    const wallMs = stoppedAt - started;
    if (timedOut) {
      const after = steps.at(-1)?.title ?? 'the start of setup';
      return result('timeout', { wallMs, localStartMs, unfinished: { after, ms: stoppedAt - lastStepAt, ...(cpuUnfinished === undefined ? {} : { cpuS: cpuUnfinished }) } });
    }
    if (finished.exitCode !== 0) {
      const error = stderrLines.filter((l) => l.startsWith('error:')).join(' ') || `exit ${finished.exitCode}`;
      return result('failed', { wallMs, localStartMs, error });
    }
    return result('done', { wallMs, localStartMs });
  } finally {
    if (localPid !== undefined) {
      // A statement still running in DuckDB can keep papi local from answering its stop: give it a
      // minute, then kill it, so the next run starts on an idle machine.
      await papiIn(['local', 'stop'], { timeout: 60_000 });
      if (!(await waitGone(localPid, 30_000))) {
        process.kill(localPid, 'SIGKILL');
        await waitGone(localPid, 10_000);
      }
    }
    rmSync(dir, { recursive: true, force: true });
    current = undefined;
  }
}

let current: { dir: string; pid: number } | undefined;

/** On Ctrl-C or SIGTERM, the run under way leaves nothing behind: its papi local killed, its folder removed. */
export function cleanUpOnSignal(): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (current) {
      if (isAlive(current.pid)) process.kill(current.pid, 'SIGKILL');
      rmSync(current.dir, { recursive: true, force: true });
    }
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

// Benchmark (prints figures; not a test): memory of papi local while COPY INTO loads the sample's
// ratings file (the statement `papi setup` runs). papi local runs in a child process of its own, so
// its peak resident set (VmHWM in /proc/<pid>/status) counts the server, the engine and DuckDB only;
// this process writes the sample and drives PUT and COPY through the real snowflake-sdk.
//   npm run bench:copy-memory                       (COPY_SAMPLE_SIZE=100k|1m|10m, default 1m; Linux only)
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SAMPLE_SHAPES, writeSample, type SampleSize } from '../../data/sample.js';
import { connect } from '../../snowflake/driver.js';
import { startLocal } from '../index.js';

interface Credentials {
  account: string;
  accessUrl: string;
  user: string;
  password: string;
}

/** The child: papi local on `dataDir`, its address and credentials handed back over IPC (never printed). */
async function serve(dataDir: string): Promise<void> {
  const local = await startLocal({ dataDir });
  const credentials: Credentials = { account: local.account, accessUrl: local.accessUrl, user: local.user, password: local.password };
  // The JavaScript heap's peak, sampled: what COPY holds in JavaScript (the rest of the resident set is
  // DuckDB's, and the loaded table's own data grows with the file).
  let heapPeak = 0;
  setInterval(() => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed)), 50).unref();
  process.on('message', () => process.send!({ heapPeakMb: heapPeak / 2 ** 20 }));
  process.send!(credentials);
  process.on('disconnect', () => void local.close().then(() => process.exit(0)));
}

/** Peak and current resident set of a process, in MB. */
function memoryOf(pid: number): { peakMb: number; rssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

async function main(): Promise<void> {
  const size = (process.env.COPY_SAMPLE_SIZE ?? '1m') as SampleSize;
  if (!(size in SAMPLE_SHAPES)) throw new Error(`COPY_SAMPLE_SIZE must be one of ${Object.keys(SAMPLE_SHAPES).join(', ')}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'papi-bench-copy-memory-'));
  let child: ChildProcess | undefined;
  try {
    const files = { ratings: path.join(dir, 'ratings.csv'), titles: path.join(dir, 'titles.csv'), users: path.join(dir, 'users.csv') };
    const counts = await writeSample(files, { size });
    child = fork(fileURLToPath(import.meta.url), ['serve', path.join(dir, 'local')], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const credentials = await new Promise<Credentials>((resolve, reject) => {
      child!.once('message', (m) => resolve(m as Credentials));
      child!.once('exit', (code) => reject(new Error(`papi local exited (${code})`)));
    });
    const idle = memoryOf(child.pid!);
    const c = await connect(credentials);
    let loaded = 0;
    let copyMs = 0;
    try {
      await c.execute('CREATE DATABASE BENCH');
      await c.execute('CREATE STAGE BENCH.PUBLIC.ST');
      await c.execute('CREATE TABLE BENCH.PUBLIC.R (USER_ID NUMBER(38,0), ITEM_ID NUMBER(38,0), RATING FLOAT, TIMESTAMP TIMESTAMP_NTZ)');
      await c.execute(`PUT 'file://${files.ratings}' @BENCH.PUBLIC.ST/ratings/ AUTO_COMPRESS = FALSE`);
      const t0 = performance.now();
      const result = await c.execute(`COPY INTO BENCH.PUBLIC.R FROM @BENCH.PUBLIC.ST/ratings/
        FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE FIELD_OPTIONALLY_ENCLOSED_BY = '"')
        MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT`);
      copyMs = performance.now() - t0;
      loaded = Number((result[0] as Record<string, unknown>).rows_loaded);
    } finally {
      await c.close();
    }
    if (loaded !== counts.ratings) throw new Error(`COPY loaded ${loaded} rows, expected ${counts.ratings}`);
    const after = memoryOf(child.pid!);
    const { heapPeakMb } = await new Promise<{ heapPeakMb: number }>((resolve) => {
      child!.once('message', (m) => resolve(m as { heapPeakMb: number }));
      child!.send('heap');
    });
    const mb = (v: number) => v.toFixed(0).padStart(8);
    console.log(`COPY INTO of the ${size} sample's ratings (${loaded.toLocaleString('en-US')} rows, ${(statSync(files.ratings).size / 2 ** 20).toFixed(0)} MB of CSV), papi local in its own process, Node ${process.version}`);
    console.log(`${'papi local'.padEnd(28)} ${'peak MB'.padStart(8)} ${'RSS MB'.padStart(8)}`);
    console.log(`${'started, idle'.padEnd(28)} ${mb(idle.peakMb)} ${mb(idle.rssMb)}`);
    console.log(`${'after COPY'.padEnd(28)} ${mb(after.peakMb)} ${mb(after.rssMb)}`);
    console.log(`${'JavaScript heap used, peak'.padEnd(28)} ${mb(heapPeakMb)}`);
    console.log(`COPY INTO wall time: ${(copyMs / 1000).toFixed(1)} s`);
  } finally {
    child?.disconnect();
    if (child && child.exitCode === null) await new Promise((resolve) => child!.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

const run = process.argv[2] === 'serve' ? serve(process.argv[3]!) : main();
run.catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});

// Benchmark (prints figures; not a test): COPY INTO of the sample's 100,000 ratings on papi local,
// the statement `papi setup` runs (the same FILE_FORMAT and options), through the real snowflake-sdk;
// beside it, papi's own line reader (src/data/csv.ts) splitting the same file, as a reference for
// what reading the text alone costs in this process.
//   npm run bench:copy                                    (COPY_ROUNDS=… to change)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { emitJson } from '../../bench/scripts/json-output.js';
import { splitCsvLine } from '../../data/csv.js';
import { generateSample } from '../../data/sample.js';
import { connect } from '../../snowflake/driver.js';
import { startLocal } from '../index.js';

const ROUNDS = positiveInteger(process.env.COPY_ROUNDS, 5);

function positiveInteger(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** CPU time (user + system, all threads: the driver, the server and DuckDB share this process). */
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'papi-bench-copy-'));
  const file = path.join(dir, 'ratings.csv');
  const sample = generateSample();
  writeFileSync(file, sample.ratings);
  const local = await startLocal({ dataDir: path.join(dir, 'local') });
  const copyMs: number[] = [];
  const copyCpuMs: number[] = [];
  const readerMs: number[] = [];
  const readerCpuMs: number[] = [];
  let loaded = 0;
  try {
    const c = await connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: local.password });
    try {
      await c.execute('CREATE DATABASE BENCH');
      await c.execute('CREATE STAGE BENCH.PUBLIC.ST');
      await c.execute('CREATE TABLE BENCH.PUBLIC.R (USER_ID NUMBER(38,0), ITEM_ID NUMBER(38,0), RATING FLOAT, TIMESTAMP TIMESTAMP_NTZ)');
      await c.execute(`PUT 'file://${file}' @BENCH.PUBLIC.ST/ratings/ AUTO_COMPRESS = FALSE`);
      for (let round = 0; round < ROUNDS; round++) {
        await c.execute('TRUNCATE TABLE BENCH.PUBLIC.R');
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        const result = await c.execute(`COPY INTO BENCH.PUBLIC.R FROM @BENCH.PUBLIC.ST/ratings/
          FILE_FORMAT = (TYPE = CSV PARSE_HEADER = TRUE FIELD_OPTIONALLY_ENCLOSED_BY = '"')
          MATCH_BY_COLUMN_NAME = CASE_INSENSITIVE ON_ERROR = ABORT_STATEMENT FORCE = TRUE`);
        copyMs.push(performance.now() - t0);
        copyCpuMs.push(cpuMs(process.cpuUsage(cpu0)));
        loaded = Number((result[0] as Record<string, unknown>).rows_loaded);
        // The reference: papi's own reader on the same bytes, in the same round.
        const t1 = performance.now();
        const cpu1 = process.cpuUsage();
        let fields = 0;
        for (const line of readFileSync(file, 'utf8').split('\n')) {
          const split = splitCsvLine(line, ',');
          if ('fields' in split) fields += split.fields.length;
        }
        readerMs.push(performance.now() - t1);
        readerCpuMs.push(cpuMs(process.cpuUsage(cpu1)));
        if (fields < 400_000) throw new Error(`reference reader: ${fields} fields`);
      }
    } finally {
      await c.close();
    }
  } finally {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (loaded !== sample.counts.ratings) throw new Error(`COPY loaded ${loaded} rows, expected ${sample.counts.ratings}`);
  const ms = (v: number) => v.toFixed(0).padStart(9);
  console.log(`COPY INTO of the sample's ${loaded.toLocaleString('en-US')} ratings on papi local, ${ROUNDS} rounds, Node ${process.version}`);
  console.log('Wall time counts waiting for a shared CPU; CPU time (all threads of this process) does not.');
  console.log(`${'step'.padEnd(36)} ${'wall p50'.padStart(9)} ${'wall min'.padStart(9)} ${'CPU p50'.padStart(9)}  (ms)`);
  console.log(`${'COPY INTO through the driver'.padEnd(36)} ${ms(median(copyMs))} ${ms(Math.min(...copyMs))} ${ms(median(copyCpuMs))}`);
  console.log(`${"papi's own line reader, same file".padEnd(36)} ${ms(median(readerMs))} ${ms(Math.min(...readerMs))} ${ms(median(readerCpuMs))}`);
  console.log(`COPY ÷ reader: wall ×${(median(copyMs) / median(readerMs)).toFixed(1)}, CPU ×${(median(copyCpuMs) / median(readerCpuMs)).toFixed(1)}   (goal: COPY ≤ 500 ms)`);
  emitJson({ rows: loaded, rounds: ROUNDS, copyWallMs: median(copyMs), copyWallMinMs: Math.min(...copyMs), copyCpuMs: median(copyCpuMs), readerWallMs: median(readerMs), readerCpuMs: median(readerCpuMs) });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});

// Benchmark (prints figures; not a test): the point lookup papi's service makes — a hybrid table read
// by primary key with binds, one id and ten ids — through the real snowflake-sdk against papi local,
// beside the same lookups as prepared statements straight on DuckDB (@duckdb/node-api) on an
// equivalent table (DECIMAL(38,0) key, JSON document: the types papi local stores NUMBER and VARIANT
// as). The ratio between the two is what the protocol (HTTP, JSON rowsets, the driver, the SQL
// translation and privilege checks) costs per lookup.
//
// The driver has a floor of its own: the same lookups through the same driver against a stub server
// that answers with canned JSON (stub-snowflake.ts) show it; papi local's own share is the ratio of the
// two, measured side by side in one run: the two take turns lookup by lookup, with the same ids.
//
// One caller, closed loop, in one process (driver, server and DuckDB share the event loop, as a
// service and papi local would not): figures are per-lookup latency and single-caller throughput.
//   npm run bench:local                                   (LOOKUP_ITERATIONS=… LOOKUP_USERS=… to change)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { DuckDBInstance, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { emitJson } from '../../bench/scripts/json-output.js';
import { connect, type Connection } from '../../snowflake/driver.js';
import { startLocal } from '../index.js';
import { startStubSnowflake, type StubAnswers } from './stub-snowflake.js';

const USERS = positiveInteger(process.env.LOOKUP_USERS, 10_000);
const ITERATIONS = positiveInteger(process.env.LOOKUP_ITERATIONS, 3_000);
const WARMUP = Math.min(500, ITERATIONS);
const BATCH = 10;
const TABLE = 'BENCH.PUBLIC.HYBRID_MOVIE_RECOMMENDATIONS';

interface Figures {
  name: string;
  p50: number;
  p99: number;
  qps: number;
}

function positiveInteger(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** A deterministic id stream (xorshift), the same for every run and both engines. */
function idStream(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return ((x >>> 0) % USERS) + 1;
  };
}

/** The document of one user, shaped like papi's recommendations (ten movies). */
function recommendations(user: number): string {
  return JSON.stringify(
    Array.from({ length: 10 }, (_, i) => ({ movie_id: ((user * 7 + i * 13) % 1682) + 1, movie_name: `Movie ${i} of user ${user} (1995)`, movie_score: (9 - i * 0.5).toFixed(2) })),
  );
}

type Lookup = (ids: number[]) => Promise<number>;

/**
 * Measures lookups of `idsPerLookup` ids through each of `paths`, taking turns lookup by lookup with the
 * same ids, so that every path sees the same warm-up, the same ids and the same moments of a busy
 * machine: run one after the other, the path measured second ran on a process the first had warmed
 * (the stub's ten-id lookups, measured after its one-id ones, came out faster than those).
 */
async function measureSideBySide(paths: { name: string; lookup: Lookup }[], idsPerLookup: number): Promise<Figures[]> {
  const next = idStream(0x9e3779b9 + idsPerLookup);
  const ids = () => Array.from({ length: idsPerLookup }, next);
  for (let i = 0; i < WARMUP; i++) {
    const wanted = ids();
    for (const path of paths) await path.lookup(wanted);
  }
  const histograms: RecordableHistogram[] = paths.map(() => createHistogram());
  const busyNs = paths.map(() => 0n);
  for (let i = 0; i < ITERATIONS; i++) {
    const wanted = ids();
    // The order within a turn alternates too, so neither path always follows the other.
    for (let k = 0; k < paths.length; k++) {
      const at = (i + k) % paths.length;
      const path = paths[at]!;
      const t0 = process.hrtime.bigint();
      const found = await path.lookup(wanted);
      const took = process.hrtime.bigint() - t0;
      histograms[at]!.record(took);
      busyNs[at]! += took;
      // Every id exists: a lookup that finds fewer rows is a broken benchmark, not a fast one.
      if (found !== new Set(wanted).size) throw new Error(`${path.name}: expected ${new Set(wanted).size} rows, got ${found}`);
    }
  }
  // Throughput of one caller: lookups per second of the time spent in that path's lookups.
  return paths.map((path, i) => ({ name: path.name, p50: histograms[i]!.percentile(50) / 1e6, p99: histograms[i]!.percentile(99) / 1e6, qps: ITERATIONS / (Number(busyNs[i]!) / 1e9) }));
}

const placeholders = (n: number, marker: (i: number) => string) => Array.from({ length: n }, (_, i) => marker(i + 1)).join(', ');

/** The service's lookups of one and of ten ids through the driver, on each connection side by side. */
async function throughDriver(connections: { to: string; c: Connection }[]): Promise<Figures[][]> {
  const one = `SELECT USER_ID, RECOMMENDATIONS FROM ${TABLE} WHERE USER_ID IN (?)`;
  const ten = `SELECT USER_ID, RECOMMENDATIONS FROM ${TABLE} WHERE USER_ID IN (${placeholders(BATCH, () => '?')})`;
  const paths = (sql: string, label: string) => connections.map(({ to, c }) => ({ name: `driver → ${to}, ${label}`, lookup: async (ids: number[]) => (await c.execute(sql, ids)).length }));
  return [await measureSideBySide(paths(one, '1 id'), 1), await measureSideBySide(paths(ten, `${BATCH} ids`), BATCH)];
}

/** papi local's answers recorded over plain HTTP, for the stub to give back: a login, a lookup, every row. */
async function recordAnswers(accessUrl: string, user: string, password: string): Promise<StubAnswers> {
  const post = async (path: string, body: unknown, token?: string) => {
    const response = await fetch(`${accessUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Snowflake Token="${token}"` } : {}) },
      body: JSON.stringify(body),
    });
    return { text: await response.text() };
  };
  const login = await post('/session/v1/login-request', { data: { ACCOUNT_NAME: 'PAPI', LOGIN_NAME: user, PASSWORD: password } });
  const token = (JSON.parse(login.text) as { data: { token: string } }).data.token;
  const query = async (sqlText: string, bindings: Record<string, unknown>) =>
    JSON.parse((await post('/queries/v1/query-request', { sqlText, bindings }, token)).text) as { success: boolean; data: { rowset: unknown[][] } };
  const lookup = await query(`SELECT USER_ID, RECOMMENDATIONS FROM ${TABLE} WHERE USER_ID IN (?)`, { 1: { type: 'FIXED', value: '1' } });
  if (!lookup.success) throw new Error(`recording a lookup failed: ${JSON.stringify(lookup)}`);
  const rows = new Map<string, string>();
  for (let from = 1; from <= USERS; from += 100) {
    const range = await query(`SELECT USER_ID, RECOMMENDATIONS FROM ${TABLE} WHERE USER_ID BETWEEN ? AND ?`, { 1: { type: 'FIXED', value: String(from) }, 2: { type: 'FIXED', value: String(from + 99) } });
    for (const row of range.data.rowset) rows.set(String(row[0]), JSON.stringify(row));
  }
  if (rows.size !== USERS) throw new Error(`recorded ${rows.size} rows, expected ${USERS}`);
  return { login: login.text, lookup, rows };
}

async function onDuckDB(): Promise<Figures[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run('CREATE TABLE recs (user_id DECIMAL(38,0) PRIMARY KEY, recommendations JSON)');
    const insert = await db.prepare('INSERT INTO recs VALUES ($1, $2)');
    await db.run('BEGIN');
    for (let user = 1; user <= USERS; user++) {
      insert.bindInteger(1, user);
      insert.bindVarchar(2, recommendations(user));
      await insert.run();
    }
    await db.run('COMMIT');
    const run = (statement: DuckDBPreparedStatement) => async (ids: number[]) => {
      ids.forEach((id, i) => statement.bindInteger(i + 1, id));
      return (await statement.runAndReadAll()).getRows().length;
    };
    const one = await db.prepare('SELECT user_id, recommendations FROM recs WHERE user_id IN ($1)');
    const ten = await db.prepare(`SELECT user_id, recommendations FROM recs WHERE user_id IN (${placeholders(BATCH, (i) => `$${i}`)})`);
    const [one1] = await measureSideBySide([{ name: 'DuckDB prepared, 1 id', lookup: run(one) }], 1);
    const [ten1] = await measureSideBySide([{ name: `DuckDB prepared, ${BATCH} ids`, lookup: run(ten) }], BATCH);
    return [one1!, ten1!];
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'papi-bench-lookup-'));
  const local = await startLocal({ dataDir: dir });
  let driver: Figures[];
  let stubbed: Figures[];
  try {
    const c = await connect({ account: local.account, accessUrl: local.accessUrl, user: local.user, password: local.password });
    try {
      await c.execute('CREATE DATABASE BENCH');
      await c.execute('CREATE TABLE BENCH.PUBLIC.STAGING (USER_ID NUMBER(38,0), DOC VARCHAR)');
      const rows = Array.from({ length: USERS }, (_, i) => [i + 1, recommendations(i + 1)]);
      for (let i = 0; i < rows.length; i += 5_000) await c.execute('INSERT INTO BENCH.PUBLIC.STAGING (USER_ID, DOC) VALUES (?, ?)', rows.slice(i, i + 5_000));
      await c.execute(`CREATE HYBRID TABLE ${TABLE} (USER_ID NUMBER(38,0) PRIMARY KEY, RECOMMENDATIONS VARIANT) AS SELECT USER_ID, PARSE_JSON(DOC) FROM BENCH.PUBLIC.STAGING`);
      const stub = await startStubSnowflake(await recordAnswers(local.accessUrl, local.user, local.password));
      try {
        const s = await connect({ account: local.account, accessUrl: stub.accessUrl, user: local.user, password: local.password });
        try {
          const [[local1, stub1], [local10, stub10]] = await throughDriver([
            { to: 'papi local', c },
            { to: 'stub', c: s },
          ]);
          driver = [local1!, local10!];
          stubbed = [stub1!, stub10!];
        } finally {
          await s.close();
        }
      } finally {
        await stub.close();
      }
    } finally {
      await c.close();
    }
  } finally {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const duck = await onDuckDB();

  const ms = (value: number) => value.toFixed(3).padStart(8);
  console.log(`Point lookups by primary key: ${USERS.toLocaleString('en-US')} users, ${ITERATIONS.toLocaleString('en-US')} lookups after ${WARMUP} warm-up, one caller, Node ${process.version}`);
  console.log(`${'path'.padEnd(32)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'lookups/s'.padStart(10)}`);
  for (const f of [...driver, ...stubbed, ...duck]) console.log(`${f.name.padEnd(32)} ${ms(f.p50)} ${ms(f.p99)} ${f.qps.toFixed(0).padStart(10)}`);
  console.log("papi local's own share (papi local ÷ stub, both through the driver; goal p50 ≤ ×1.5, p99 ≤ ×2):");
  for (let i = 0; i < driver.length; i++) {
    const d = driver[i]!;
    const s = stubbed[i]!;
    console.log(`  ${(i === 0 ? '1 id' : `${BATCH} ids`).padEnd(6)}  p50 ×${(d.p50 / s.p50).toFixed(2)}   p99 ×${(d.p99 / s.p99).toFixed(2)}   throughput ÷${(s.qps / d.qps).toFixed(2)}`);
  }
  console.log('protocol overhead (papi local through the driver ÷ DuckDB prepared):');
  for (let i = 0; i < driver.length; i++) {
    const d = driver[i]!;
    const k = duck[i]!;
    console.log(`  ${(i === 0 ? '1 id' : `${BATCH} ids`).padEnd(6)}  p50 ×${(d.p50 / k.p50).toFixed(1)}   p99 ×${(d.p99 / k.p99).toFixed(1)}   throughput ÷${(k.qps / d.qps).toFixed(1)}`);
  }
  emitJson({ users: USERS, iterations: ITERATIONS, batch: BATCH, local: driver, stub: stubbed, duckdb: duck });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});

// Benchmark (prints figures; not a test): 50 overlapping password logins through the real snowflake-sdk
// against papi local — a pool opening 50 sessions as one user (papi local hashes the pair once), beside
// 50 different users logging in at once (each password hashed: what every login cost before).
//   npm run bench:logins                                  (LOGINS=… ROUNDS=… to change)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { emitJson } from '../../bench/scripts/json-output.js';
import { connect, type Connection } from '../../snowflake/driver.js';
import { startLocal } from '../index.js';

const LOGINS = positiveInteger(process.env.LOGINS, 50);
const ROUNDS = positiveInteger(process.env.ROUNDS, 3);

function positiveInteger(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'papi-bench-logins-'));
  const local = await startLocal({ dataDir: dir });
  const base = { account: local.account, accessUrl: local.accessUrl };
  const pool: number[] = [];
  const distinct: number[] = [];
  try {
    const admin = await connect({ ...base, user: local.user, password: local.password });
    try {
      for (let round = 0; round < ROUNDS; round++)
        for (let i = 0; i < LOGINS; i++) await admin.execute(`CREATE USER U${round}_${i} PASSWORD = 'pw-${round}-${i}'`);
      await admin.execute("CREATE USER POOLED PASSWORD = 'pooled-pw'");
    } finally {
      await admin.close();
    }
    /** Every login's time, all started at once; the sessions are closed after. */
    const overlapping = async (params: (i: number) => { user: string; password: string }, into: number[]) => {
      const sessions = await Promise.all(
        Array.from({ length: LOGINS }, async (_, i) => {
          const t0 = performance.now();
          const c = await connect({ ...base, ...params(i) });
          into.push(performance.now() - t0);
          return c;
        }),
      );
      await Promise.all(sessions.map((c: Connection) => c.close()));
    };
    // Alternated, so neither side always runs on a warmer process.
    for (let round = 0; round < ROUNDS; round++) {
      await overlapping(() => ({ user: 'POOLED', password: 'pooled-pw' }), pool);
      await overlapping((i) => ({ user: `U${round}_${i}`, password: `pw-${round}-${i}` }), distinct);
    }
  } finally {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const ms = (v: number) => v.toFixed(0).padStart(8);
  console.log(`${LOGINS} overlapping password logins through the driver on papi local, ${ROUNDS} rounds, Node ${process.version}`);
  console.log(`${'logins'.padEnd(44)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
  console.log(`${`one user, ${LOGINS} sessions (a pool)`.padEnd(44)} ${ms(percentile(pool, 50))} ${ms(percentile(pool, 99))}`);
  console.log(`${`${LOGINS} users, each password hashed`.padEnd(44)} ${ms(percentile(distinct, 50))} ${ms(percentile(distinct, 99))}`);
  console.log(`pool ÷ hashed each: p99 ×${(percentile(pool, 99) / percentile(distinct, 99)).toFixed(2)}   (goal: pool p99 ≤ 500 ms)`);
  emitJson({ logins: LOGINS, rounds: ROUNDS, poolP50Ms: percentile(pool, 50), poolP99Ms: percentile(pool, 99), distinctP50Ms: percentile(distinct, 50), distinctP99Ms: percentile(distinct, 99) });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});

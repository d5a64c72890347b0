// Test helpers: an engine on a temp data directory, sessions, and results as objects.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlError } from '../../errors.js';
import { openEngine, type EngineOptions, type LocalEngineApi } from '../index.js';
import type { Bind, SessionState, StatementResult } from '../types.js';

export const ADMIN = { user: 'ADMIN', password: 'admin-secret' };

export interface Harness {
  engine: LocalEngineApi;
  dataDir: string;
  admin: SessionState;
  open(options?: Partial<EngineOptions>): Promise<LocalEngineApi>;
  cleanup(): Promise<void>;
}

export async function harness(options: Partial<EngineOptions> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'papi-engine-'));
  const h: Harness = {
    engine: await openEngine({ dataDir, admin: ADMIN, ...options }),
    dataDir,
    admin: session('ADMIN', 'ACCOUNTADMIN', 'COMPUTE_WH'),
    async open(more = {}) {
      await h.engine.close();
      h.engine = await openEngine({ dataDir, admin: ADMIN, ...options, ...more });
      return h.engine;
    },
    async cleanup() {
      await h.engine.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

export function session(user: string, role: string, warehouse?: string): SessionState {
  return { user, role, warehouse, parameters: {} };
}

export type Row = Record<string, string | null>;

export function rowsOf(result: StatementResult): Row[] {
  if (result.kind !== 'rows') throw new Error('not a rows result');
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c.name, row[i] ?? null])));
}

export async function run(engine: LocalEngineApi, s: SessionState, sql: string, binds: Bind[] = []): Promise<Row[]> {
  return rowsOf(await engine.execute(s, sql, binds));
}

export async function status(engine: LocalEngineApi, s: SessionState, sql: string): Promise<string | null | undefined> {
  return (await run(engine, s, sql))[0]?.status;
}

/** The SqlError a statement fails with (the test fails if it succeeds). */
export async function failure(engine: LocalEngineApi, s: SessionState, sql: string, binds: Bind[] = []): Promise<SqlError> {
  try {
    await engine.execute(s, sql, binds);
  } catch (error) {
    if (error instanceof SqlError) return error;
    throw error;
  }
  throw new Error(`expected failure: ${sql}`);
}

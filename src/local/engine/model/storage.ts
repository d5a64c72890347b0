// The DuckDB side of the engine: one database file in the data directory, one connection, statements
// run one at a time (a queue), transactions so a failed statement changes nothing, and prepared
// statements cached by SQL text for the hot point lookups.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import {
  DuckDBConnection,
  DuckDBInstance,
  type DuckDBPreparedStatement,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { denseBinds, sqlString, TIMESTAMP_MACROS } from '../sql/render.js';

export interface QueryResult {
  names: string[];
  types: DuckDBType[];
  rows: DuckDBValue[][];
}

const PREPARED_CACHE_LIMIT = 256;

/** A statement prepared for its binds: `used` is the request's bind number for each of its parameters. */
interface Prepared {
  statement?: DuckDBPreparedStatement;
  used: number[];
}

export class Storage {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly prepared = new Map<string, Prepared>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(dataDir: string): Promise<Storage> {
    const file = join(dataDir, 'data.duckdb');
    const instance = await DuckDBInstance.create(file);
    // DuckDB creates the file under the process's umask (usually 0644): the data is the owner's alone.
    chmodSync(file, 0o600);
    const connection = await instance.connect();
    // Never the machine's zone: each statement runs in its session's TIMEZONE (useTimeZone).
    await connection.run("SET TimeZone = 'UTC'");
    // Memory DuckDB frees goes back to the system soon (its allocator's background threads purge, and
    // thread caches flush past 16 MB): after a million-row result papi local shrinks back.
    await connection.run('SET allocator_background_threads = true');
    await connection.run("SET allocator_flush_threshold = '16MB'");
    for (const macro of TIMESTAMP_MACROS) await connection.run(macro);
    return new Storage(instance, connection);
  }

  private timeZone = 'UTC';

  /**
   * DuckDB's TimeZone for the next statement: the session's TIMEZONE, which TIMESTAMP_LTZ values are
   * read and shown in (https://docs.snowflake.com/en/sql-reference/parameters#timezone). Call under exclusive().
   */
  async useTimeZone(zone: string): Promise<void> {
    if (zone === this.timeZone) return;
    await this.connection.run(`SET TimeZone = ${sqlString(zone)}`);
    this.timeZone = zone;
  }

  /** Stops the statement DuckDB is running now (it fails with an INTERRUPT error). */
  interrupt(): void {
    this.connection.interrupt();
  }

  /** Runs `work` alone: statements of different sessions never interleave inside a transaction. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs `work` in one DuckDB transaction: all of it or nothing. Call inside exclusive(). */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.connection.run('COMMIT');
      return result;
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  async run(sql: string, params: DuckDBValue[] = []): Promise<void> {
    if (params.length === 0) await this.connection.run(sql);
    else await this.query(sql, params);
  }

  /** Runs a DML statement and returns how many rows it changed. `params` are all the request's binds, $1 … $n. */
  async execute(sql: string, params: DuckDBValue[] = [], paramTypes?: DuckDBType[]): Promise<number> {
    const statement = await this.bound(sql, params, paramTypes);
    return (await (statement ? statement.run() : this.connection.run(sql))).rowsChanged;
  }

  async query(sql: string, params: DuckDBValue[] = [], paramTypes?: DuckDBType[]): Promise<QueryResult> {
    const statement = await this.bound(sql, params, paramTypes);
    const reader = await (statement ? statement.runAndReadAll() : this.connection.runAndReadAll(sql));
    return { names: reader.columnNames(), types: reader.columnTypes(), rows: reader.getRows() as DuckDBValue[][] };
  }

  /** The prepared statement with the binds it uses, or undefined when it takes none. */
  private async bound(sql: string, params: DuckDBValue[], paramTypes?: DuckDBType[]): Promise<DuckDBPreparedStatement | undefined> {
    if (params.length === 0) return undefined;
    const { statement, used } = await this.prepare(sql);
    if (!statement) return undefined;
    statement.clearBindings();
    used.forEach((n, i) => statement.bindValue(i + 1, params[n - 1]!, paramTypes?.[n - 1]));
    return statement;
  }

  /**
   * Prepared once per SQL text, with its binds renumbered for DuckDB (see denseBinds); none when it takes no bind.
   * What this saves is the parse: DuckDB (1.5) keeps no plan for a prepared statement that has binds and
   * reads a table, it plans it again on every run with the values. Measured on a point lookup of 10,000 rows:
   * 0.13 ms prepared without binds, 0.43 ms with one bind, about 1 ms with ten, whatever the table's size —
   * the floor of papi local's lookups (npm run bench:local, its DuckDB column pays the same).
   */
  private async prepare(sql: string): Promise<Prepared> {
    const cached = this.prepared.get(sql);
    if (cached) return cached;
    const dense = denseBinds(sql);
    const prepared: Prepared = { used: dense.used, ...(dense.used.length > 0 ? { statement: await this.connection.prepare(dense.sql) } : {}) };
    if (this.prepared.size >= PREPARED_CACHE_LIMIT) this.forgetPrepared();
    this.prepared.set(sql, prepared);
    return prepared;
  }

  /** DDL changes what prepared statements refer to: drop them all. */
  forgetPrepared(): void {
    for (const { statement } of this.prepared.values()) statement?.destroySync();
    this.prepared.clear();
  }

  /** The highest id among the tables and views named after an id (tables.ts storageName), or 0. */
  async highestStorageId(): Promise<number> {
    const { rows } = await this.query(
      "SELECT table_name AS name FROM duckdb_tables() WHERE NOT internal UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal",
    );
    let highest = 0;
    for (const [name] of rows) {
      const id = /^t(\d+)$/.exec(String(name))?.[1];
      if (id !== undefined) highest = Math.max(highest, Number(id));
    }
    return highest;
  }

  get raw(): DuckDBConnection {
    return this.connection;
  }

  async close(): Promise<void> {
    this.forgetPrepared();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

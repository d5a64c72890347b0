// The Snowflake store: a pool of snowflake-sdk connections and ONE statement per lookup,
//   SELECT USER_ID, RECOMMENDATIONS FROM <table> WHERE USER_ID IN (?, ?, …)
// with the ids as binds (padded to a power of two, so few texts recur). The table name comes from configuration, validated and quoted in
// settings.ts; nothing from the URL is ever SQL text. Each connection is built afresh (inside SPCS
// the OAuth token file rotates); a query that fails because the session is gone drops that
// connection and runs once more on a new one.

import { readFile } from 'node:fs/promises';
import type { Connection, ConnectionOptions, RowStatement, Bind } from 'snowflake-sdk';
import type { IdFormat } from './ids.js';
import type { Logger } from './log.js';
import { DEFAULT_MAX_BATCH_IDS } from './lookup.js';
import { Pool } from './pool.js';
import { loadSnowflakeSdk } from './sdk.js';
import type { ConnectionSettings, ServiceSettings } from './settings.js';
import type { Store } from './store-types.js';

export type { Store } from './store-types.js';

/** Snowflake error numbers after which a connection's session cannot be used again. */
const SESSION_GONE = new Set(['390104', '390111', '390112', '390114', '390303', '390318']);

export class StoreTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

type Row = Record<string, unknown>;

export interface SnowflakeStoreOptions {
  connection: ConnectionSettings;
  tableSql: string;
  idFormat: IdFormat;
  pool: ServiceSettings['pool'];
  timeoutMs: number;
  log: Logger;
  /** Most ids in one lookup (the service's per-request limit): the lookup texts prepared at start go up to it. */
  maxBatchIds?: number;
}

/** The store papi's service runs with. Opens `pool.min` connections and prepares its lookups in the background. */
export function createSnowflakeStore(options: SnowflakeStoreOptions): Store & { statementCount(): number } {
  const { timeoutMs, log } = options;
  let statements = 0;

  const pool = new Pool<Connection>(
    {
      create: async () => {
        const sdk = await loadSnowflakeSdk();
        const connection = sdk.createConnection(await connectionOptions(options.connection));
        // connectAsync() resolves even when the login fails (the error only reaches a callback): use connect().
        const connecting = new Promise<Connection>((resolve, reject) =>
          connection.connect((error, connected) => (error ? reject(error) : resolve(connected))),
        );
        try {
          return await withTimeout(connecting, timeoutMs, 'connecting to Snowflake');
        } catch (error) {
          // A login that finishes after its timeout must not leave a session open.
          connecting.then(() => connection.destroy(() => undefined), () => undefined);
          throw error;
        }
      },
      destroy: (connection) =>
        new Promise<void>((resolve) => {
          if (!connection.isUp()) return resolve();
          connection.destroy(() => resolve());
        }),
    },
    options.pool,
  );
  // Readiness (ping) waits for the warm-up: a container counts as ready with its connections open
  // and every lookup text it will send run once (see prepareLookups).
  const warming = pool.warm().then(async (errors) => {
    errors.forEach((error) => log.storeError('warm-up', error));
    // No connection opened: the store is unreachable, and preparing would only make readiness wait
    // for more failed logins before it says so.
    if (pool.size.total > 0) await prepareLookups();
  });

  /** Runs one statement; a lost session is retried once on a fresh connection. */
  async function run(sqlText: string, binds: Bind[], counted = true): Promise<{ rows: Row[]; userIdIsNumber: boolean }> {
    for (let attempt = 1; ; attempt++) {
      let lost = false; // the session is gone: worth one more try on a new connection
      let broken = false; // the connection must not be reused
      try {
        return await pool.use(
          async (connection) => {
            try {
              return await execute(connection, sqlText, binds, timeoutMs, () => counted && statements++);
            } catch (error) {
              lost = isSessionGone(error) || !connection.isUp();
              broken = lost || error instanceof StoreTimeoutError || sqlStateOf(error) === undefined;
              throw error;
            }
          },
          // A failed statement with a SQLSTATE is Snowflake answering: the connection is fine.
          () => broken,
        );
      } catch (error) {
        if (!lost || attempt > 1) throw error;
        log.storeError('query (retrying on a new connection)', error);
      }
    }
  }

  const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');
  const lookupSql = (binds: number): string => `SELECT USER_ID, RECOMMENDATIONS FROM ${options.tableSql} WHERE USER_ID IN (${placeholders(binds)})`;

  /**
   * Runs each lookup text once (every padded size up to maxBatchIds, binding an id no user has), so
   * the first requests after start do not each pay a text's first parse and plan: on papi local a
   * first run took 11 ms against 4, and a cold start sends all of them within a second. Nothing it
   * reads is kept. A failure is logged and the service starts anyway (lookups then retry as usual).
   */
  async function prepareLookups(): Promise<void> {
    const started = Date.now();
    const sizes = paddedSizes(options.maxBatchIds ?? DEFAULT_MAX_BATCH_IDS);
    const probe = bindFor(options.idFormat === 'numeric' ? '0' : '', options.idFormat);
    const failed = (
      await Promise.all(
        sizes.map((size) =>
          run(lookupSql(size), Array.from({ length: size }, () => probe), false).then(
            () => false,
            (error: unknown) => (log.storeError('preparing lookups', error), true),
          ),
        ),
      )
    ).filter(Boolean).length;
    log.info('lookups_prepared', { statements: sizes.length - failed, failed, ms: Date.now() - started });
  }

  return {
    async fetchRows(ids) {
      const rows = new Map<string, string>();
      if (ids.length === 0) return rows;
      const binds = paddedIds(ids);
      const result = await run(lookupSql(binds.length), binds.map((id) => bindFor(id, options.idFormat)));
      for (const row of result.rows) {
        const id = rowKey(row.USER_ID, options.idFormat);
        if (id !== undefined) rows.set(id, rowJson(row, result.userIdIsNumber));
      }
      return rows;
    },
    async ping() {
      // The table itself, not just the session: a role that lost SELECT (or a table not yet
      // published) must make the service unready, not answer 503 to every lookup.
      await warming;
      await run(`SELECT 1 FROM ${options.tableSql} LIMIT 1`, []);
    },
    close: () => pool.close(),
    statementCount: () => statements,
  };
}

/** Connection options for snowflake-sdk; inside SPCS the token is read now, for this connection. */
export async function connectionOptions(settings: ConnectionSettings): Promise<ConnectionOptions> {
  const session = {
    account: settings.account,
    ...(settings.database ? { database: settings.database } : {}),
    ...(settings.schema ? { schema: settings.schema } : {}),
    ...(settings.warehouse ? { warehouse: settings.warehouse } : {}),
    ...(settings.role ? { role: settings.role } : {}),
    ...(settings.accessUrl ? { accessUrl: settings.accessUrl } : {}),
    application: 'papi-service',
    // A login the pool has given up on (timeout) must not keep retrying in the background for minutes.
    sfRetryMaxLoginRetries: 2,
  };
  switch (settings.kind) {
    case 'token-file': {
      const token = (await readFile(settings.tokenFile, 'utf8')).trim();
      return { ...session, authenticator: 'OAUTH', token };
    }
    case 'password':
      return { ...session, username: settings.username, password: settings.password };
    case 'key-pair':
      return {
        ...session,
        username: settings.username,
        authenticator: 'SNOWFLAKE_JWT',
        privateKeyPath: settings.privateKeyPath,
        ...(settings.privateKeyPass === undefined ? {} : { privateKeyPass: settings.privateKeyPass }),
      };
  }
}

function execute(
  connection: Connection,
  sqlText: string,
  binds: Bind[],
  timeoutMs: number,
  counted: () => void,
): Promise<{ rows: Row[]; userIdIsNumber: boolean }> {
  const done = new Promise<{ rows: Row[]; userIdIsNumber: boolean }>((resolve, reject) => {
    counted();
    connection.execute({
      sqlText,
      binds,
      // Ids up to 38 digits exceed a double: keep USER_ID as its exact digits.
      fetchAsString: ['Number'],
      complete: (error, statement: RowStatement, rows: Row[] | undefined) => {
        if (error) return reject(error);
        const column = statement.getColumns()?.find((c) => c.getName().toUpperCase() === 'USER_ID');
        resolve({ rows: rows ?? [], userIdIsNumber: column?.isNumber() ?? false });
      },
    });
  });
  return withTimeout(done, timeoutMs, 'a Snowflake query');
}

/**
 * The ids of one lookup padded to the next power of two by repeating the last one (IN ignores the
 * repeats): a cold burst's batches of every size from 1 to 100 then share 8 statement texts instead
 * of 100. Each new text is parsed, compiled and prepared once — about 7 ms on papi local, measured,
 * against 4 for a text seen before — and Snowflake compiles each one too.
 */
export function paddedIds(ids: readonly string[]): string[] {
  const size = paddedSize(ids.length);
  const padded = [...ids];
  while (padded.length < size) padded.push(ids[ids.length - 1]!);
  return padded;
}

/** The bind count a lookup of `count` ids is padded to: the next power of two. */
function paddedSize(count: number): number {
  let size = 1;
  while (size < count) size *= 2;
  return size;
}

/** Every bind count a lookup of 1 to maxIds ids can have: 1, 2, 4, … up to paddedSize(maxIds). */
export function paddedSizes(maxIds: number): number[] {
  const sizes: number[] = [];
  for (let size = 1; size <= paddedSize(maxIds); size *= 2) sizes.push(size);
  return sizes;
}

/** Binds: small integers as numbers (compared as NUMBER everywhere), the rest as exact text. */
function bindFor(id: string, format: IdFormat): Bind {
  if (format === 'numeric') {
    const n = Number(id);
    if (Number.isSafeInteger(n)) return n;
  }
  return id;
}

/** The id a row answers, in the canonical form ids.ts produces. */
function rowKey(value: unknown, format: IdFormat): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value);
  return format === 'numeric' ? text.replace(/^0+(?=\d)/, '') : text;
}

/** The row as the tutorial returned it: USER_ID a number (exact digits), RECOMMENDATIONS parsed JSON. */
export function rowJson(row: Row, userIdIsNumber: boolean): string {
  const id = row.USER_ID;
  const idJson =
    userIdIsNumber && typeof id === 'string' && /^-?\d+(\.\d+)?$/.test(id) ? id : JSON.stringify(id ?? null);
  let recommendations: unknown = row.RECOMMENDATIONS ?? null;
  if (typeof recommendations === 'string') {
    // A VARIANT arrives parsed; a text column holding JSON is parsed here so the answer is the same.
    try {
      recommendations = JSON.parse(recommendations) as unknown;
    } catch {
      // Not JSON: returned as the string it is.
    }
  }
  return `{"USER_ID":${idJson},"RECOMMENDATIONS":${JSON.stringify(recommendations)}}`;
}

function isSessionGone(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code !== undefined && SESSION_GONE.has(String(code));
}

function sqlStateOf(error: unknown): string | undefined {
  const state = (error as { sqlState?: unknown } | null)?.sqlState;
  return typeof state === 'string' && state !== '' ? state : undefined;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

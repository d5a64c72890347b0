// The one place papi loads snowflake-sdk (lazily: it costs ~450 ms) and the connection factory every
// command uses. The driver is made quiet first: no cloud-platform probing, no connection-shape
// telemetry, no snowflake.log and nothing on stdout. Driver errors become papi's typed errors:
// SnowflakeError for statements, AuthError for logins and connections (with a hint).
import type * as Snowflake from 'snowflake-sdk';
import { accountUrlOf, isLoopbackHost } from '../config/account-url.js';
import type { ConnectionParams } from '../config/types.js';
import { effectiveAuthenticator } from '../config/connection-check.js';
import { AuthError, ConfigError, SnowflakeError } from '../ui/errors.js';

type SnowflakeSdk = typeof Snowflake;

/** A bind value as the driver takes it (positional `?` or `:1`). */
export type BindValue = string | number | boolean | null | Date | Record<string, unknown> | unknown[];

export interface ColumnInfo {
  name: string;
  /** Snowflake's type name in lower case: fixed, real, text, boolean, date, timestamp_ntz, variant, … */
  type: string;
  nullable: boolean;
  precision?: number;
  scale?: number;
}

export interface RawResult<Row = Record<string, unknown>> {
  rows: Row[];
  columns: ColumnInfo[];
  queryId: string;
  /** Rows inserted/updated/deleted by DML, when the driver reports it. */
  rowsAffected?: number;
}

export interface ExecuteOptions {
  /** Column types the driver should hand back as strings (e.g. 'Number' for ids beyond 2^53). */
  fetchAsString?: Array<'String' | 'Boolean' | 'Number' | 'Date' | 'JSON' | 'Buffer'>;
  /** Run asynchronously on the server and wait for the result by query id. */
  async?: boolean;
  /** Rows as arrays in column order (objects keep one value per column name). */
  rowMode?: 'array';
  /** The result's columns only: the statement is described, not run. */
  describeOnly?: boolean;
}

export interface Connection {
  execute<Row = Record<string, unknown>>(sql: string, binds?: readonly BindValue[], options?: ExecuteOptions): Promise<Row[]>;
  executeRaw<Row = Record<string, unknown>>(sql: string, binds?: readonly BindValue[], options?: ExecuteOptions): Promise<RawResult<Row>>;
  /** The driver's serialized connection (its session tokens): the registry login reads the session token from it. Never log it. */
  serialize(): string;
  close(): Promise<void>;
}

export interface DriverLog {
  debug(message: string): void;
}

/** Logins that fail for a reason the user must fix (not a statement error). */
const LOGIN_ERRORS = new Set(['390100', '390101', '390102', '390104', '390111', '390112', '390114', '390144', '390189', '390190', '390303', '390318']);
const NETWORK_ERROR_CODE = '401001';

let loading: Promise<SnowflakeSdk> | undefined;

export function loadDriver(log?: DriverLog): Promise<SnowflakeSdk> {
  loading ??= (async () => {
    // Read when the driver loads or connects: set them first, unless the user chose otherwise.
    process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
    process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE ??= '1';
    const module = (await import('snowflake-sdk')) as SnowflakeSdk & { default?: SnowflakeSdk };
    const sdk = module.default ?? module;
    const toDebug = (message: string): void => log?.debug(`snowflake-sdk: ${String(message).replace(/\s+/g, ' ').slice(0, 300)}`);
    const ignore = (): void => undefined;
    // A custom logger replaces the driver's console and file (snowflake.log) output.
    sdk.configure({ logLevel: 'ERROR', customLogger: { error: toDebug, warn: ignore, info: ignore, debug: ignore, trace: ignore } });
    return sdk;
  })();
  return loading;
}

/** Connects with the resolved parameters; fails with AuthError (bad credentials, nothing listening). */
export async function connect(
  params: ConnectionParams,
  options: { application?: string; log?: DriverLog; signal?: AbortSignal } = {},
): Promise<Connection> {
  const sdk = await loadDriver(options.log);
  const connectionOptions = driverOptions(params, options.application ?? 'papi');
  let connection: Snowflake.Connection;
  try {
    connection = sdk.createConnection(connectionOptions);
  } catch (error) {
    throw new ConfigError(`The connection settings are not usable: ${messageOf(error)}`, { cause: error, code: 'CONNECTION_INVALID' });
  }
  // connectAsync resolves even when the login fails (the error goes only to a callback): use connect.
  await new Promise<void>((resolve, reject) => {
    connection.connect((error) => (error ? reject(loginError(error, params)) : resolve()));
  });
  return wrap(connection, params, options.signal);
}

function driverOptions(params: ConnectionParams, application: string): Snowflake.ConnectionOptions {
  const accessUrl = params.accessUrl ?? accountUrlOf(params);
  if (!params.account && !accessUrl) {
    throw new ConfigError('No Snowflake account is configured.', {
      code: 'CONNECTION_INVALID',
      hint: 'Set SNOWFLAKE_ACCOUNT or a connection in connections.toml, or use papi local (`papi local start`).',
    });
  }
  const base = {
    account: params.account ?? '',
    ...(accessUrl ? { accessUrl } : {}),
    ...(params.role ? { role: params.role } : {}),
    ...(params.warehouse ? { warehouse: params.warehouse } : {}),
    ...(params.database ? { database: params.database } : {}),
    ...(params.schema ? { schema: params.schema } : {}),
    ...(params.clientSessionKeepAlive !== undefined ? { clientSessionKeepAlive: params.clientSessionKeepAlive } : {}),
    application,
    // Without this the driver retries a refused login for minutes.
    sfRetryMaxLoginRetries: 2,
  };
  switch (effectiveAuthenticator(params)) {
    case 'SNOWFLAKE_JWT':
      if (!params.privateKeyPath) throw new ConfigError('Key-pair authentication needs a private key file.', { code: 'CONNECTION_INVALID', hint: 'Set private_key_file in connections.toml or SNOWFLAKE_PRIVATE_KEY_PATH.' });
      return {
        ...base,
        username: params.user ?? '',
        authenticator: 'SNOWFLAKE_JWT',
        privateKeyPath: params.privateKeyPath,
        ...(params.privateKeyPassphrase ? { privateKeyPass: params.privateKeyPassphrase } : {}),
      };
    case 'OAUTH':
    case 'PROGRAMMATIC_ACCESS_TOKEN':
      // Without a token the driver reads token_file_path itself (and refuses a file others can read).
      return {
        ...base,
        ...(params.user ? { username: params.user } : {}),
        authenticator: effectiveAuthenticator(params),
        ...(params.token ? { token: params.token } : params.tokenFilePath ? { tokenFilePath: params.tokenFilePath } : { token: '' }),
      };
    case 'SNOWFLAKE':
      return { ...base, username: params.user ?? '', password: params.password ?? '' };
  }
}

/**
 * Ctrl-C for every statement of a connection, in one place: none starts once `signal` aborted, and
 * the running one is cancelled on the server (the driver's statement cancel) while the command stops
 * at once with the signal's reason. What earlier statements did stays done.
 */
function abortable<T>(signal: AbortSignal | undefined, start: (settle: { resolve(v: T): void; reject(e: unknown): void }) => Snowflake.RowStatement | Snowflake.FileAndStageBindStatement | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let statement: Snowflake.RowStatement | Snowflake.FileAndStageBindStatement | undefined;
    const onAbort = () => {
      // A statement that cannot be cancelled (already over, or a server without cancel) is left alone.
      statement?.cancel(() => undefined);
      reject(signal!.reason);
    };
    const done = () => signal?.removeEventListener('abort', onAbort);
    signal?.addEventListener('abort', onAbort, { once: true });
    statement = start({
      resolve: (value) => (done(), resolve(value)),
      reject: (error) => (done(), reject(error)),
    });
  });
}

function wrap(connection: Snowflake.Connection, params: ConnectionParams, signal?: AbortSignal): Connection {
  const executeRaw = async <Row>(sqlText: string, binds: readonly BindValue[] = [], options: ExecuteOptions = {}): Promise<RawResult<Row>> => {
    signal?.throwIfAborted();
    if (options.async) {
      const queryId = await abortable<string>(signal, ({ resolve, reject }) =>
        connection.execute({
          sqlText,
          binds: binds as unknown as Snowflake.Binds,
          asyncExec: true,
          complete: (error, statement) => (error ? reject(statementError(error, sqlText, params)) : resolve(statement.getQueryId())),
        }),
      );
      signal?.throwIfAborted();
      try {
        const statement = await connection.getResultsFromQueryId({ queryId, ...(options.fetchAsString ? { fetchAsString: options.fetchAsString } : {}) });
        const rows = await new Promise<Row[]>((resolve, reject) => {
          const collected: Row[] = [];
          statement
            .streamRows()
            .on('data', (row: Row) => collected.push(row))
            .on('error', (error: unknown) => reject(error))
            .on('end', () => resolve(collected));
        });
        return { rows, columns: columnsOf(statement), queryId };
      } catch (error) {
        throw statementError(error, sqlText, params);
      }
    }
    return abortable<RawResult<Row>>(signal, ({ resolve, reject }) =>
      connection.execute({
        sqlText,
        binds: binds as unknown as Snowflake.Binds,
        ...(options.fetchAsString ? { fetchAsString: options.fetchAsString } : {}),
        ...(options.rowMode ? { rowMode: options.rowMode } : {}),
        ...(options.describeOnly ? { describeOnly: true } : {}),
        complete: (error, statement, rows) => {
          if (error) return reject(statementError(error, sqlText, params));
          const affected = statement.getNumUpdatedRows?.();
          resolve({
            rows: (rows ?? []) as Row[],
            columns: columnsOf(statement),
            queryId: statement.getQueryId(),
            ...(typeof affected === 'number' ? { rowsAffected: affected } : {}),
          });
        },
      }),
    );
  };
  return {
    executeRaw,
    execute: async <Row>(sql: string, binds?: readonly BindValue[], options?: ExecuteOptions) => (await executeRaw<Row>(sql, binds, options)).rows,
    serialize: () => connection.serialize(),
    close: () =>
      new Promise<void>((resolve) => {
        if (!connection.isUp()) return resolve();
        // A failed logout leaves nothing to clean up locally: the session expires on the server.
        connection.destroy(() => resolve());
      }),
  };
}

function columnsOf(statement: Snowflake.RowStatement | Snowflake.FileAndStageBindStatement): ColumnInfo[] {
  return (statement.getColumns() ?? []).map((column) => ({
    name: column.getName(),
    type: column.getType(),
    nullable: column.isNullable(),
    ...(typeof column.getPrecision() === 'number' ? { precision: column.getPrecision() } : {}),
    ...(typeof column.getScale() === 'number' ? { scale: column.getScale() } : {}),
  }));
}

interface DriverError {
  code?: string | number;
  sqlState?: string;
  message?: string;
  name?: string;
  cause?: { code?: string };
  data?: { queryId?: string };
}

function isLoopback(params: ConnectionParams): boolean {
  try {
    return isLoopbackHost(new URL(params.accessUrl ?? accountUrlOf(params) ?? '').hostname);
  } catch {
    return false;
  }
}

function isNetworkError(error: DriverError): boolean {
  return String(error.code) === NETWORK_ERROR_CODE || error.name === 'NetworkError' || /ECONNREFUSED|ECONNRESET|ENOTFOUND/.test(`${error.cause?.code ?? ''} ${error.message ?? ''}`);
}

function unreachable(error: unknown, params: ConnectionParams): AuthError {
  const where = params.accessUrl ?? params.host ?? params.account ?? 'Snowflake';
  return new AuthError(`Could not reach ${where}.`, {
    code: 'CONNECTION_FAILED',
    cause: error,
    hint: isLoopback(params) ? 'Is papi local running? Start it with `papi local start` (or --detach).' : 'Check the account, the network, proxy and VPN.',
  });
}

function loginError(error: unknown, params: ConnectionParams): AuthError {
  const e = (error ?? {}) as DriverError;
  if (isNetworkError(e)) return unreachable(error, params);
  const code = e.code === undefined ? undefined : String(e.code);
  const message = `Login to Snowflake failed: ${messageOf(error)}`;
  const hints: Record<string, string> = {
    '390100': 'Check the user name and password (papi local prints them at `papi local start`).',
    '390144': "Check the key: ALTER USER … SET RSA_PUBLIC_KEY='<body>' must match the private key, and the account and user names.",
    '390303': 'The OAuth token is invalid: get a new one.',
    '390318': 'The OAuth token expired: get a new one.',
    '390189': 'The role is not granted to this user: GRANT ROLE … TO USER …, or connect with another role.',
  };
  return new AuthError(message, { code: 'LOGIN_FAILED', cause: error, hint: (code && hints[code]) ?? 'Check the connection settings (`papi status --verbose` shows where each came from).' });
}

function statementError(error: unknown, sqlText: string, params: ConnectionParams): SnowflakeError | AuthError {
  const e = (error ?? {}) as DriverError;
  if (isNetworkError(e)) return unreachable(error, params);
  const code = e.code === undefined ? undefined : String(e.code);
  if (code && LOGIN_ERRORS.has(code)) {
    return new AuthError(`The Snowflake session ended: ${messageOf(error)}`, { code: 'SESSION_EXPIRED', cause: error, hint: 'Run the command again to log in afresh.' });
  }
  return new SnowflakeError(messageOf(error), code, e.sqlState, { cause: error, statement: sqlText, ...(hintFor(code) ? { hint: hintFor(code) } : {}) });
}

function hintFor(code: string | undefined): string | undefined {
  switch (code) {
    case '002003':
      return 'The object does not exist, or the current role cannot see it: check the name and the role’s grants.';
    case '003001':
      return 'The current role lacks a privilege: check the grants of the role in use.';
    default:
      return undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

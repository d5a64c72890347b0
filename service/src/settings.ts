// The service's configuration, read once from the environment (SPCS injects SNOWFLAKE_* and the
// spec's env adds PAPI_*). Every problem is reported at once.

import type { IdFormat } from './ids.js';
import { WARM_UP_REQUESTS } from './warm-up.js';

export const DEFAULT_TOKEN_FILE = '/snowflake/session/token';
export const DEFAULT_TABLE = 'API.DATA.HYBRID_MOVIE_RECOMMENDATIONS';

/** How the service logs in to Snowflake. */
export type ConnectionSettings =
  | {
      /** Inside SPCS (or papi local's runner): OAuth with the token file, read for each connection. */
      kind: 'token-file';
      tokenFile: string;
      account: string;
      accessUrl: string;
      database?: string;
      schema?: string;
      warehouse?: string;
      role?: string;
    }
  | {
      kind: 'password';
      account: string;
      accessUrl?: string;
      username: string;
      password: string;
      database?: string;
      schema?: string;
      warehouse?: string;
      role?: string;
    }
  | {
      kind: 'key-pair';
      account: string;
      accessUrl?: string;
      username: string;
      privateKeyPath: string;
      privateKeyPass?: string;
      database?: string;
      schema?: string;
      warehouse?: string;
      role?: string;
    };

export interface ServiceSettings {
  host: string;
  port: number;
  /** The table's name as SQL text: validated parts, quoted when needed. */
  tableSql: string;
  idFormat: IdFormat;
  maxIds: number;
  cache: {
    ttlSeconds: number;
    maxEntries: number;
    maxStaleSeconds: number;
    maxBytes: number;
    maxNegativeEntries: number;
    /** A request's `Cache-Control: no-cache` makes its ids be looked up in the table (off: any caller could force a query per request). */
    honorNoCache: boolean;
  };
  pool: { min: number; max: number; acquireTimeoutMs: number };
  /** Longest wait for a login or a query before the store counts as unavailable. */
  storeTimeoutMs: number;
  /** Requests the service sends itself before it is ready (warm-up.ts; 0: none). */
  warmUpRequests: number;
  connection: ConnectionSettings;
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid service configuration: ${problems.join('; ')}`);
    this.name = 'SettingsError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads the settings from env. `fileExists` tells whether the SPCS token file is there: its
 * presence (or PAPI_TOKEN_FILE) selects OAuth, as inside a service container.
 */
export function readSettings(env: Env, fileExists: (path: string) => boolean): ServiceSettings {
  const problems: string[] = [];
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw.slice(0, 20)}")`);
      return fallback;
    }
    return Number(raw);
  };

  const port = value('PORT') !== undefined ? integer('PORT', 8001, 0, 65535) : integer('PAPI_SERVICE_PORT', 8001, 0, 65535);
  const idFormatRaw = value('PAPI_ID_FORMAT') ?? 'numeric';
  let idFormat: IdFormat = 'numeric';
  if (idFormatRaw === 'numeric' || idFormatRaw === 'alphanumeric') idFormat = idFormatRaw;
  else problems.push(`PAPI_ID_FORMAT must be "numeric" or "alphanumeric" (got "${idFormatRaw.slice(0, 20)}")`);

  const flag = (name: string, fallback: boolean): boolean => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === 'false') return raw === 'true';
    problems.push(`${name} must be "true" or "false" (got "${raw.slice(0, 20)}")`);
    return fallback;
  };

  const tableSql = tableName(value('PAPI_TABLE') ?? DEFAULT_TABLE, problems);
  // Two connections, measured: under a cold burst of 1,000 requests/s through papi local, four
  // connections ran 126–130 lookups of 7 ids each and answered p99 9.9–10.8 s; two ran 74–80 of 12–13
  // ids, p99 5.6–6.2 s, with fewer dropped sends (same busy machine, runs alternated). Each lookup costs
  // CPU on both sides (the driver's request, gzip, the statement), and a store that runs statements
  // one at a time (papi local) only queues the extra ones; misses meanwhile gather into the next batch.
  // On Snowflake two lookups in flight of tens of ms each still carry thousands of ids a second.
  // Measured again once papi local answered key lookups from its index (npm run bench:cold, 30 s runs,
  // alternated, quiet machine): cold p99 four 195 and 276 ms, two 199 and 185 ms — no better.
  const poolMax = integer('PAPI_POOL_MAX', 2, 1, 64);
  const settings: Omit<ServiceSettings, 'connection'> = {
    host: value('PAPI_HOST') ?? '0.0.0.0',
    port,
    tableSql,
    idFormat,
    maxIds: integer('PAPI_MAX_IDS', 100, 1, 1000),
    cache: {
      ttlSeconds: integer('PAPI_CACHE_TTL_SECONDS', 180, 0, 7 * 24 * 3600),
      maxEntries: integer('PAPI_CACHE_MAX_ENTRIES', 100_000, 0, 10_000_000),
      maxStaleSeconds: integer('PAPI_CACHE_STALE_SECONDS', 24 * 3600, 0, 30 * 24 * 3600),
      maxBytes: integer('PAPI_CACHE_MAX_BYTES', 256 * 1024 * 1024, 0, 16 * 1024 * 1024 * 1024),
      // "No such id" answers: few, so unknown ids cannot push real users' rows out.
      maxNegativeEntries: integer('PAPI_CACHE_MAX_NEGATIVE_ENTRIES', 10_000, 0, 10_000_000),
      honorNoCache: flag('PAPI_CACHE_HONOR_NO_CACHE', false),
    },
    pool: {
      // All connections open at start: a login under load (seconds on papi local, hundreds of ms on
      // Snowflake) would stall every miss queued behind it.
      min: Math.min(integer('PAPI_POOL_MIN', poolMax, 0, 64), poolMax),
      max: poolMax,
      acquireTimeoutMs: integer('PAPI_POOL_ACQUIRE_TIMEOUT_MS', 10_000, 1, 600_000),
    },
    storeTimeoutMs: integer('PAPI_STORE_TIMEOUT_MS', 15_000, 100, 600_000),
    warmUpRequests: integer('PAPI_WARM_UP_REQUESTS', WARM_UP_REQUESTS, 0, 100_000),
  };
  const connection = connectionSettings(env, value, fileExists, problems);
  if (problems.length > 0 || connection === undefined) throw new SettingsError(problems);
  return { ...settings, connection };
}

/** A plain Snowflake identifier: letters, digits, _ and $, not starting with a digit, at most 255 characters. */
const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,254}$/;

/**
 * PAPI_TABLE: TABLE, SCHEMA.TABLE or DB.SCHEMA.TABLE, each part a plain identifier. Each part goes into
 * the SQL double-quoted in the upper case Snowflake stores it in, so a reserved word (USER) stays a name.
 * The service checks this itself: it ships alone in its image and shares no code with the CLI.
 */
function tableName(raw: string, problems: string[]): string {
  const parts = raw.split('.');
  if (parts.length > 3) {
    problems.push(`PAPI_TABLE must be TABLE, SCHEMA.TABLE or DATABASE.SCHEMA.TABLE (got "${raw.slice(0, 80)}")`);
    return '';
  }
  const bad = parts.find((part) => !PLAIN_IDENTIFIER.test(part));
  if (bad === undefined) return parts.map((part) => `"${part.toUpperCase()}"`).join('.');
  problems.push(
    bad === ''
      ? `PAPI_TABLE "${raw.slice(0, 80)}" has an empty part`
      : `PAPI_TABLE part "${bad.slice(0, 80)}" is not a plain Snowflake identifier (letters, digits, _ and $; not starting with a digit; at most 255 characters)`,
  );
  return '';
}

function connectionSettings(
  env: Env,
  value: (name: string) => string | undefined,
  fileExists: (path: string) => boolean,
  problems: string[],
): ConnectionSettings | undefined {
  const account = value('SNOWFLAKE_ACCOUNT');
  const session = {
    database: value('SNOWFLAKE_DATABASE'),
    schema: value('SNOWFLAKE_SCHEMA'),
    warehouse: value('SNOWFLAKE_WAREHOUSE'),
    role: value('SNOWFLAKE_ROLE'),
  };
  const host = value('SNOWFLAKE_HOST');
  const tokenFile = value('PAPI_TOKEN_FILE') ?? DEFAULT_TOKEN_FILE;
  const insideService = env.PAPI_TOKEN_FILE !== undefined || fileExists(tokenFile);

  if (account === undefined) problems.push('SNOWFLAKE_ACCOUNT is not set');
  if (insideService) {
    if (host === undefined) problems.push('SNOWFLAKE_HOST is not set (a token file was found, so OAuth needs it)');
    if (account === undefined || host === undefined) return undefined;
    return { kind: 'token-file', tokenFile, account, accessUrl: accessUrlFromHost(host, value('SNOWFLAKE_PROTOCOL'), value('SNOWFLAKE_PORT')), ...session };
  }

  const accessUrl =
    value('SNOWFLAKE_ACCESS_URL') ?? (host === undefined ? undefined : accessUrlFromHost(host, value('SNOWFLAKE_PROTOCOL'), value('SNOWFLAKE_PORT')));
  const username = value('SNOWFLAKE_USER');
  const password = value('SNOWFLAKE_PASSWORD');
  const privateKeyPath = value('SNOWFLAKE_PRIVATE_KEY_PATH');
  if (username === undefined) problems.push(`SNOWFLAKE_USER is not set (and there is no token file at ${tokenFile})`);
  if (password === undefined && privateKeyPath === undefined) {
    problems.push('set SNOWFLAKE_PASSWORD or SNOWFLAKE_PRIVATE_KEY_PATH');
  }
  if (account === undefined || username === undefined) return undefined;
  if (privateKeyPath !== undefined) {
    const privateKeyPass = env.PRIVATE_KEY_PASSPHRASE;
    return { kind: 'key-pair', account, accessUrl, username, privateKeyPath, privateKeyPass, ...session };
  }
  if (password === undefined) return undefined;
  return { kind: 'password', account, accessUrl, username, password, ...session };
}

/**
 * SPCS gives a bare host (https); papi local gives host:port with SNOWFLAKE_PROTOCOL=http, or a URL.
 * SNOWFLAKE_PORT is added when the host has no port of its own.
 */
export function accessUrlFromHost(host: string, protocol?: string, port?: string): string {
  if (/^https?:\/\//i.test(host)) return host.replace(/\/+$/, '');
  const scheme = protocol?.toLowerCase() === 'http' ? 'http' : 'https';
  const withPort = port && !/:\d+$/.test(host) ? `${host}:${port}` : host;
  return `${scheme}://${withPort}`;
}

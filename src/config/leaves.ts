// Every setting papi has, as a flat list of leaves: its config path, its papi.yaml path, its type and
// default, and for connection parameters the connections.toml keys. The papi.yaml schema, the merge,
// provenance and the unknown-key check are all derived from this one list. No zod here: this module
// is cheap to import.
import { INSTANCE_FAMILIES, WAREHOUSE_SIZES } from '../snowflake/template.js';
import { DEFAULT_OBJECTS, DEFAULTS, SAMPLE_SIZES } from './defaults.js';
import { RECOMMENDER_ALGORITHMS } from './types.js';

export type LeafKind =
  /** A Snowflake object name papi puts into SQL: src/snowflake/identifiers.ts rules. */
  | { type: 'identifier' }
  /** One of a fixed set; `upper`/`lower` accept any case and store it folded. */
  | { type: 'enum'; values: readonly string[]; upper?: boolean; lower?: boolean }
  /** true/false (TOML booleans, or true/false/yes/no/1/0 as text from the environment); stored as 'true'/'false'. */
  | { type: 'bool' }
  | { type: 'int'; min: number; max: number }
  | { type: 'text' }
  /** A file or directory path: `~` expanded; relative ones in papi.yaml resolve against its directory. */
  | { type: 'path' };

export interface Leaf {
  /** Path in PapiConfig, e.g. `service.cache.ttlSeconds`. */
  path: string;
  /** Path in papi.yaml; null when papi.yaml must not hold it (secrets). */
  yamlPath: string | null;
  kind: LeafKind;
  default?: string | number;
  secret?: boolean;
  /** connections.toml keys for this connection parameter, first one wins. */
  tomlKeys?: readonly string[];
}

export const AUTHENTICATORS = ['SNOWFLAKE', 'SNOWFLAKE_JWT', 'OAUTH', 'PROGRAMMATIC_ACCESS_TOKEN'] as const;

const identifier = { type: 'identifier' } as const;
const text = { type: 'text' } as const;
const path = { type: 'path' } as const;
const int = (min: number, max: number) => ({ type: 'int', min, max }) as const;
const oneOf = (values: readonly string[], upper = false) => ({ type: 'enum', values, upper }) as const;
const bool = { type: 'bool' } as const;

const o = DEFAULT_OBJECTS;
const d = DEFAULTS;

function setting(p: string, kind: LeafKind, value: string | number): Leaf {
  return { path: p, yamlPath: p, kind, default: value };
}

function connection(key: string, kind: LeafKind, tomlKeys: readonly string[], secret = false): Leaf {
  return { path: `connection.${key}`, yamlPath: secret ? null : `connection.${key}`, kind, tomlKeys, ...(secret ? { secret } : {}) };
}

export const LEAVES: readonly Leaf[] = [
  { path: 'target', yamlPath: 'target', kind: oneOf(['local', 'snowflake']), default: 'local' },
  { path: 'connectionName', yamlPath: 'connection.name', kind: text },
  connection('account', text, ['account']),
  connection('user', text, ['user']),
  connection('host', text, ['host']),
  // port and protocol build the account URL with host (http only for papi local and test endpoints).
  connection('port', int(1, 65535), ['port']),
  connection('protocol', { type: 'enum', values: ['https', 'http'], lower: true }, ['protocol']),
  // Without host: <account>.<region>.snowflakecomputing.com (the legacy locator form).
  connection('region', text, ['region']),
  connection('role', text, ['role']),
  connection('warehouse', text, ['warehouse']),
  connection('database', text, ['database']),
  connection('schema', text, ['schema']),
  connection('authenticator', oneOf(AUTHENTICATORS, true), ['authenticator']),
  connection('privateKeyPath', path, ['private_key_file', 'private_key_path']),
  connection('tokenFilePath', path, ['token_file_path']),
  connection('clientSessionKeepAlive', bool, ['client_session_keep_alive']),
  connection('password', text, ['password'], true),
  connection('privateKeyPassphrase', text, ['private_key_file_pwd'], true),
  connection('token', text, ['token'], true),

  setting('snowflake.adminRole', identifier, o.adminRole),
  setting('snowflake.apiRole', identifier, o.apiRole),
  setting('snowflake.warehouse.name', identifier, o.warehouse.name),
  setting('snowflake.warehouse.size', oneOf(WAREHOUSE_SIZES, true), o.warehouse.size),
  setting('snowflake.recommender.database', identifier, o.recommender.database),
  setting('snowflake.recommender.schema', identifier, o.recommender.schema),
  setting('snowflake.recommender.stage', identifier, o.recommender.stage),
  setting('snowflake.api.database', identifier, o.api.database),
  setting('snowflake.api.schema', identifier, o.api.schema),
  setting('snowflake.api.table', identifier, o.api.table),
  setting('snowflake.api.tableType', oneOf(['hybrid', 'standard']), o.api.tableType),
  setting('snowflake.imageRepository', identifier, o.imageRepository),
  setting('snowflake.computePool.name', identifier, o.computePool.name),
  setting('snowflake.computePool.instanceFamily', oneOf(INSTANCE_FAMILIES, true), o.computePool.instanceFamily),
  setting('snowflake.computePool.minNodes', int(1, 100), o.computePool.minNodes),
  setting('snowflake.computePool.maxNodes', int(1, 100), o.computePool.maxNodes),
  setting('snowflake.service.name', identifier, o.service.name),
  setting('snowflake.service.user', identifier, o.service.user),
  setting('snowflake.service.minInstances', int(1, 100), o.service.minInstances),
  setting('snowflake.service.maxInstances', int(1, 100), o.service.maxInstances),

  setting('data.source', text, d.data.source),
  setting('data.sampleSize', { type: 'enum', values: SAMPLE_SIZES, lower: true }, d.data.sampleSize),
  // data.source: tables reads these in place (DB.SCHEMA.TABLE), through views (src/setup/source-tables.ts).
  ...['ratings', 'titles', 'users'].map((t): Leaf => ({ path: `data.tables.${t}`, yamlPath: `data.tables.${t}`, kind: text })),
  // Their columns by papi's names; unset: papi's own column names (USER_ID, ITEM_ID, RATING, TITLE, ID); no timestamp.
  ...['ratings.user', 'ratings.item', 'ratings.rating', 'ratings.timestamp', 'titles.item', 'titles.title', 'users.user'].map(
    (c): Leaf => ({ path: `data.columns.${c}`, yamlPath: `data.columns.${c}`, kind: identifier }),
  ),
  setting('recommender.algorithm', oneOf(RECOMMENDER_ALGORITHMS), d.recommender.algorithm),
  setting('recommender.neighbors', int(1, 1000), d.recommender.neighbors),
  setting('recommender.halfLife', int(0, 1000), d.recommender.halfLife),
  setting('recommender.factors', int(1, 500), d.recommender.factors),
  setting('recommender.iterations', int(1, 100), d.recommender.iterations),
  setting('recommender.topN', int(1, 1000), d.recommender.topN),
  // How often a Snowflake task recomputes and republishes ('60 minutes'); none: no task (src/setup/schedule.ts).
  { path: 'recommender.schedule', yamlPath: 'recommender.schedule', kind: text },
  setting('service.port', int(1, 65535), d.service.port),
  setting('service.maxIdsPerRequest', int(1, 1000), d.service.maxIdsPerRequest),
  setting('service.idFormat', oneOf(['integer', 'alphanumeric']), d.service.idFormat),
  setting('service.cache.ttlSeconds', int(0, 7 * 24 * 3600), d.service.cache.ttlSeconds),
  setting('service.cache.maxEntries', int(0, 10_000_000), d.service.cache.maxEntries),
  setting('service.cache.honorNoCache', bool, String(d.service.cache.honorNoCache)),
  setting('local.dataDir', path, d.local.dataDir),
  setting('local.port', int(0, 65535), d.local.port),
];

export const LEAF_BY_PATH: ReadonlyMap<string, Leaf> = new Map(LEAVES.map((leaf) => [leaf.path, leaf]));

/** What a leaf accepts, for messages: `an integer 1–65535`. */
export function describeKind(kind: LeafKind): string {
  switch (kind.type) {
    case 'identifier':
      return 'a plain Snowflake name (letters, digits, _ and $, not starting with a digit)';
    case 'enum':
      return `one of ${kind.values.join(', ')}`;
    case 'int':
      return `an integer ${kind.min}–${kind.max}`;
    case 'bool':
      return 'true or false';
    case 'text':
      return 'a non-empty string';
    case 'path':
      return 'a path';
  }
}

/**
 * Keys that hold secrets, in any spelling people use (password, private_key_file_pwd, privateKey,
 * token, passphrase…): papi.yaml is usually committed, so they are refused there wherever they appear.
 */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[^a-z]/g, '');
  if (k === 'privatekeyfile' || k === 'privatekeypath' || k === 'tokenfilepath' || k === 'tokenfile') return false;
  return /password|passwd|passphrase|secret|token|privatekey|keypwd|filepwd|^pat$/.test(k);
}

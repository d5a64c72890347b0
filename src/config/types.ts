// The resolved configuration every command receives. The loader (src/config/load.ts) builds it from
// defaults < connections.toml < papi.yaml < env < flags and remembers where each value came from.

import type { IdFormat } from './id-format.js';

export type TargetKind = 'local' | 'snowflake';

export type SampleSize = '100k' | '1m' | '10m';
export const RECOMMENDER_ALGORITHMS = ['item-knn', 'user-knn', 'popularity', 'puresvd'] as const;
export type RecommenderAlgorithm = (typeof RECOMMENDER_ALGORITHMS)[number];

export interface ObjectNames {
  /** Role that owns the data pipeline (ML_MODEL_ROLE in the tutorial). */
  adminRole: string;
  /** Least-privilege role the service uses to read the published table (DATA_API_ROLE). */
  apiRole: string;
  warehouse: { name: string; size: string };
  /** Where raw data, the stage and the computed recommendations live. */
  recommender: { database: string; schema: string; stage: string };
  /** Where the published table, the image repository and the service live. */
  api: { database: string; schema: string; table: string; tableType: 'hybrid' | 'standard' };
  imageRepository: string;
  computePool: { name: string; instanceFamily: string; minNodes: number; maxNodes: number };
  service: { name: string; user: string; minInstances: number; maxInstances: number };
}

export interface PapiConfig {
  version: 1;
  /** `local` = papi's local Snowflake; `snowflake` = the connection below. */
  target: TargetKind;
  /** Connection name in connections.toml / config.toml (target snowflake only). */
  connectionName?: string;
  /**
   * Resolved connection parameters for the driver (never secrets read from papi.yaml).
   * Target `local`: left EMPTY by the loader (connections.toml is not even read); the code that
   * starts or finds papi local fills in its URL and credentials.
   */
  connection: ConnectionParams;
  snowflake: ObjectNames;
  /** `sampleSize`: which generated sample `--data sample` loads (MovieLens 100K, 1M or 10M in shape). */
  data: {
    source: string;
    sampleSize: SampleSize;
    /** `source: tables`: the account's own tables, read in place (DB.SCHEMA.TABLE each). */
    tables?: { ratings?: string; titles?: string; users?: string };
    /** Their column names, by papi's names for them. */
    columns?: {
      ratings?: { user?: string; item?: string; rating?: string; timestamp?: string };
      titles?: { item?: string; title?: string };
      users?: { user?: string };
    };
  };
  recommender: {
    /** Which recommender computes the published table (src/recommend/algorithms.ts). */
    algorithm: RecommenderAlgorithm;
    /** user-knn: other users per user (9 = the tutorial notebook). */
    neighbors: number;
    /** item-knn: a user's rating weighs half as much once they have rated this many titles since (0 = no decay). */
    halfLife: number;
    /** puresvd: latent factors (right singular vectors of the ratings matrix) per user and title. */
    factors: number;
    /** puresvd: rounds of subspace iteration that find them (more: closer to the exact SVD, slower). */
    iterations: number;
    topN: number;
    /** How often a Snowflake task recomputes and republishes (e.g. '60 minutes'); none: no task. */
    schedule?: string;
  };
  service: {
    port: number;
    maxIdsPerRequest: number;
    /** User ids: integer (NUMBER) or alphanumeric (VARCHAR); src/config/id-format.ts. */
    idFormat: IdFormat;
    /** honorNoCache: a request's `Cache-Control: no-cache` makes the service ask the table (papi bench --cache miss needs it). */
    cache: { ttlSeconds: number; maxEntries: number; honorNoCache: boolean };
  };
  local: { dataDir: string; port: number };
  /** Directory holding papi.yaml (or the working directory); relative paths resolve against it. */
  projectDir: string;
  /** Path of the papi.yaml that was read, if any. */
  configPath?: string;
}

export interface ConnectionParams {
  account?: string;
  user?: string;
  host?: string;
  port?: number;
  /** https unless the connection says http (papi local, test endpoints). */
  protocol?: 'https' | 'http';
  /** Appended to a legacy account locator when there is no host. */
  region?: string;
  /** The account URL built from host/account, region, protocol and port (src/config/account-url.ts): the driver's `accessUrl`. */
  accessUrl?: string;
  role?: string;
  warehouse?: string;
  database?: string;
  schema?: string;
  authenticator?: 'SNOWFLAKE' | 'SNOWFLAKE_JWT' | 'OAUTH' | 'PROGRAMMATIC_ACCESS_TOKEN';
  password?: string;
  /** `private_key_file` (alias `private_key_path`); `~` expanded, relative paths in papi.yaml resolved. */
  privateKeyPath?: string;
  /** `private_key_file_pwd` or PRIVATE_KEY_PASSPHRASE. */
  privateKeyPassphrase?: string;
  /** An OAuth token or a programmatic access token. */
  token?: string;
  /** `token_file_path`: a file holding the token (read by the connection code, not the loader). */
  tokenFilePath?: string;
  /** `client_session_keep_alive`: the driver sends heartbeats so an idle session does not expire. */
  clientSessionKeepAlive?: boolean;
}

/** Where a value came from, for `--verbose`. */
export type Provenance = 'default' | 'connections.toml' | 'papi.yaml' | 'env' | 'flag';

/** One value's origin: its kind and where exactly (`papi.yaml:14`, `PAPI_LOCAL_PORT`, `--connection`). */
export interface ValueSource {
  kind: Provenance;
  where: string;
}

/** Config path (`service.port`, `connection.user`, `connectionName`) → where its value came from. */
export type ConfigProvenance = ReadonlyMap<string, ValueSource>;

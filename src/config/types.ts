// The resolved configuration every command receives. The loader (src/config/load.ts) builds it from
// defaults < connections.toml < papi.yaml < env < flags and remembers where each value came from.

export type TargetKind = 'local' | 'snowflake';

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
  /** Connection name in connections.toml (target snowflake). */
  connectionName?: string;
  /** Resolved connection parameters for the driver (never secrets read from papi.yaml). */
  connection: ConnectionParams;
  snowflake: ObjectNames;
  data: { source: string };
  recommender: { neighbors: number; topN: number };
  service: {
    port: number;
    maxIdsPerRequest: number;
    idFormat: 'integer' | 'alphanumeric';
    cache: { ttlSeconds: number; maxEntries: number };
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
  accessUrl?: string;
  role?: string;
  warehouse?: string;
  database?: string;
  schema?: string;
  authenticator?: 'SNOWFLAKE' | 'SNOWFLAKE_JWT' | 'OAUTH' | 'PROGRAMMATIC_ACCESS_TOKEN';
  password?: string;
  privateKeyPath?: string;
  privateKeyPassphrase?: string;
  token?: string;
}

/** Where a value came from, for `--verbose`. */
export type Provenance = 'default' | 'connections.toml' | 'papi.yaml' | 'env' | 'flag';

// Every environment variable the papi CLI reads, in one typed list (the README renders it). Code that
// reads the environment names its variable through ENV (a typo is a type error), never a bare string.

export type EnvGroup = 'papi' | 'snowflake' | 'output' | 'system';

export interface EnvVar {
  name: string;
  group: EnvGroup;
  /** One line for the README and `--help`. */
  description: string;
  /** The config path it sets, when it sets exactly one. */
  configPath?: string;
  /** Holds a secret: never printed (`***` in `--verbose`). */
  secret?: true;
}

const vars = [
  // papi's own
  { name: 'PAPI_CONFIG', group: 'papi', description: 'path of the papi.yaml to use (like --config; default: nearest papi.yaml upwards from the working directory)' },
  { name: 'PAPI_TARGET', group: 'papi', description: '`local` forces papi local (even over -c and SNOWFLAKE_ACCOUNT); `snowflake` selects the Snowflake connection', configPath: 'target' },
  { name: 'PAPI_LOCAL_DIR', group: 'papi', description: "papi local's data directory (default .papi/local, relative to the project directory)", configPath: 'local.dataDir' },
  { name: 'PAPI_LOCAL_PORT', group: 'papi', description: "papi local's port on 127.0.0.1 (0 = any free port)", configPath: 'local.port' },
  { name: 'PAPI_SETUP_LOCK_TIMEOUT', group: 'papi', description: 'seconds a `papi setup` waits for another one running on the same project before it gives up with exit 4 (default 900)' },
  { name: 'PAPI_TABLE_TYPE', group: 'papi', description: 'publish into a `hybrid` (default) or a `standard` table', configPath: 'snowflake.api.tableType' },
  // Snowflake connections, read the way the Snowflake CLI reads them
  { name: 'SNOWFLAKE_HOME', group: 'snowflake', description: 'directory holding connections.toml / config.toml (default ~/.snowflake)' },
  { name: 'SNOWFLAKE_DEFAULT_CONNECTION_NAME', group: 'snowflake', description: 'connection to use when -c is not given', configPath: 'connectionName' },
  { name: 'SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>', group: 'snowflake', description: "overrides one key of connection NAME (e.g. SNOWFLAKE_CONNECTIONS_DEV_ROLE); beats the file's value" },
  { name: 'SNOWFLAKE_ACCOUNT', group: 'snowflake', description: 'account identifier; when set, papi targets Snowflake instead of papi local', configPath: 'connection.account' },
  { name: 'SNOWFLAKE_USER', group: 'snowflake', description: 'login name of the Snowflake user', configPath: 'connection.user' },
  { name: 'SNOWFLAKE_HOST', group: 'snowflake', description: 'account host name, when not <account>.snowflakecomputing.com', configPath: 'connection.host' },
  { name: 'SNOWFLAKE_PORT', group: 'snowflake', description: 'port of the account URL (default 443)', configPath: 'connection.port' },
  { name: 'SNOWFLAKE_PROTOCOL', group: 'snowflake', description: 'https (default) or http (papi local, test endpoints)', configPath: 'connection.protocol' },
  { name: 'SNOWFLAKE_REGION', group: 'snowflake', description: 'region of a legacy account locator, when there is no host: <account>.<region>.snowflakecomputing.com', configPath: 'connection.region' },
  { name: 'SNOWFLAKE_ROLE', group: 'snowflake', description: 'role for the session', configPath: 'connection.role' },
  { name: 'SNOWFLAKE_WAREHOUSE', group: 'snowflake', description: 'warehouse for the session', configPath: 'connection.warehouse' },
  { name: 'SNOWFLAKE_DATABASE', group: 'snowflake', description: 'database for the session', configPath: 'connection.database' },
  { name: 'SNOWFLAKE_SCHEMA', group: 'snowflake', description: 'schema for the session', configPath: 'connection.schema' },
  { name: 'SNOWFLAKE_AUTHENTICATOR', group: 'snowflake', description: 'SNOWFLAKE (password), SNOWFLAKE_JWT (key pair), OAUTH or PROGRAMMATIC_ACCESS_TOKEN', configPath: 'connection.authenticator' },
  { name: 'SNOWFLAKE_PASSWORD', group: 'snowflake', description: 'password (or a programmatic access token)', configPath: 'connection.password', secret: true },
  { name: 'SNOWFLAKE_PRIVATE_KEY_FILE', group: 'snowflake', description: 'PKCS#8 PEM private key file for key-pair login', configPath: 'connection.privateKeyPath' },
  { name: 'SNOWFLAKE_PRIVATE_KEY_PATH', group: 'snowflake', description: 'alias of SNOWFLAKE_PRIVATE_KEY_FILE', configPath: 'connection.privateKeyPath' },
  { name: 'SNOWFLAKE_PRIVATE_KEY_FILE_PWD', group: 'snowflake', description: 'passphrase of an encrypted private key', configPath: 'connection.privateKeyPassphrase', secret: true },
  { name: 'PRIVATE_KEY_PASSPHRASE', group: 'snowflake', description: 'passphrase of an encrypted private key (the Snowflake CLI name)', configPath: 'connection.privateKeyPassphrase', secret: true },
  { name: 'SNOWFLAKE_TOKEN', group: 'snowflake', description: 'OAuth token or programmatic access token', configPath: 'connection.token', secret: true },
  { name: 'SNOWFLAKE_TOKEN_FILE_PATH', group: 'snowflake', description: 'file holding the token', configPath: 'connection.tokenFilePath' },
  { name: 'SNOWFLAKE_CLIENT_SESSION_KEEP_ALIVE', group: 'snowflake', description: 'true keeps idle sessions alive with heartbeats (long `papi logs --follow`)', configPath: 'connection.clientSessionKeepAlive' },
  // output (decided in src/ui and src/cli, listed here so the README has them all)
  { name: 'NO_COLOR', group: 'output', description: 'no colour in output (like --no-color)' },
  { name: 'FORCE_COLOR', group: 'output', description: 'colour even when stderr is not a terminal' },
  { name: 'CI', group: 'output', description: 'set by CI systems: no prompts, no spinners' },
  // system
  { name: 'HOME', group: 'system', description: 'home directory: ~/.snowflake and `~` in key paths' },
] as const satisfies readonly EnvVar[];

/** Every variable papi reads, in README order. */
export const ENV_VARS: readonly EnvVar[] = vars;

export type EnvName = (typeof vars)[number]['name'];

/** ENV.PAPI_TARGET === 'PAPI_TARGET': names are checked at compile time. */
export const ENV = Object.fromEntries(vars.map((v) => [v.name, v.name])) as { readonly [K in EnvName]: K };

/** `SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>` for a connection name and a connections.toml key. */
export function connectionEnvName(connection: string, key: string): string {
  return `SNOWFLAKE_CONNECTIONS_${connection.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_${key.toUpperCase()}`;
}

/** Reads a variable; empty counts as unset (as `VAR= papi …` should). */
export function readEnv(env: Record<string, string | undefined>, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The README's table of environment variables, rendered from ENV_VARS. */
export function envTableMarkdown(): string {
  const rows = ENV_VARS.map((v) => `| \`${v.name}\` | ${v.description}${v.configPath ? ` (sets \`${v.configPath}\`)` : ''} |`);
  return ['| variable | meaning |', '|---|---|', ...rows].join('\n');
}

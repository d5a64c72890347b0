// Is the resolved Snowflake connection complete enough to log in? The loader does not ask (a
// `--dry-run` needs no credentials); the code that connects calls requireConnection first, so a
// missing account or key reads as a config problem with where to set it, not as a driver error.
import { ConfigError } from '../ui/errors.js';
import { provenanceOf } from './load.js';
import type { ConnectionParams, PapiConfig } from './types.js';

export type Authenticator = NonNullable<ConnectionParams['authenticator']>;

/** The authenticator to use: the configured one, else implied by what is there (key → JWT, token → OAUTH). */
export function effectiveAuthenticator(connection: ConnectionParams): Authenticator {
  if (connection.authenticator) return connection.authenticator;
  if (connection.privateKeyPath) return 'SNOWFLAKE_JWT';
  if (connection.token || connection.tokenFilePath) return 'OAUTH';
  return 'SNOWFLAKE';
}

const WHERE: Record<string, string> = {
  account: 'account in the connection, SNOWFLAKE_ACCOUNT, or connection.account in papi.yaml',
  user: 'user in the connection, SNOWFLAKE_USER, or connection.user in papi.yaml',
  password: 'password in the connection, SNOWFLAKE_CONNECTIONS_<NAME>_PASSWORD or SNOWFLAKE_PASSWORD',
  privateKeyPath: 'private_key_file in the connection, SNOWFLAKE_PRIVATE_KEY_FILE, or connection.privateKeyPath in papi.yaml',
  token: 'token or token_file_path in the connection, SNOWFLAKE_TOKEN or SNOWFLAKE_TOKEN_FILE_PATH',
};

/** What is missing to log in, as `connection.<key>` names (empty when complete). */
export function missingConnectionSettings(connection: ConnectionParams): string[] {
  const missing: string[] = [];
  if (!connection.account) missing.push('account');
  const authenticator = effectiveAuthenticator(connection);
  if (!connection.user && authenticator !== 'OAUTH') missing.push('user');
  if (authenticator === 'SNOWFLAKE' && !connection.password) missing.push('password');
  if (authenticator === 'SNOWFLAKE_JWT' && !connection.privateKeyPath) missing.push('privateKeyPath');
  if ((authenticator === 'OAUTH' || authenticator === 'PROGRAMMATIC_ACCESS_TOKEN') && !connection.token && !connection.tokenFilePath)
    missing.push('token');
  return missing;
}

/** Throws a ConfigError (exit 2) naming every missing setting and where each can be set. */
export function requireConnection(config: PapiConfig): void {
  if (config.target !== 'snowflake') return;
  const missing = missingConnectionSettings(config.connection);
  if (missing.length === 0) return;
  const targetSource = provenanceOf(config)?.get('target');
  const why = targetSource ? ` (target snowflake from ${targetSource.where})` : '';
  const name = config.connectionName ?? 'default';
  throw new ConfigError(
    `the Snowflake connection "${name}"${why} is missing ${missing.map((m) => `connection.${m}`).join(', ')}`,
    {
      code: 'CONNECTION_INCOMPLETE',
      hint: `Set ${missing.map((m) => WHERE[m]).join('; ')}. The connection lives in ~/.snowflake/connections.toml as [${name}]. To use papi local instead: PAPI_TARGET=local.`,
    },
  );
}

// Is the resolved Snowflake connection complete enough to log in? The loader does not ask (a
// `--dry-run` needs no credentials); the code that connects calls requireConnection first, so a
// missing account or key reads as a config problem with where to set it, not as a driver error.
import { statSync } from 'node:fs';
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

/** The key file or token file the login will read, when it is not a readable file: what is wrong. */
export function unreadableConnectionFiles(connection: ConnectionParams): Array<{ setting: string; key: string; path: string; problem: string }> {
  const authenticator = effectiveAuthenticator(connection);
  const files: Array<{ setting: string; key: string; path: string | undefined }> = [
    { setting: 'privateKeyPath', key: 'private_key_file', path: authenticator === 'SNOWFLAKE_JWT' ? connection.privateKeyPath : undefined },
    { setting: 'tokenFilePath', key: 'token_file_path', path: connection.token ? undefined : connection.tokenFilePath },
  ];
  const found: Array<{ setting: string; key: string; path: string; problem: string }> = [];
  for (const { setting, key, path } of files) {
    if (!path) continue;
    let problem: string | undefined;
    try {
      if (!statSync(path).isFile()) problem = 'is not a file';
    } catch (error) {
      problem = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
    }
    if (problem) found.push({ setting, key, path, problem });
  }
  return found;
}

/** Throws a ConfigError (exit 2) naming every missing setting and where each can be set. */
export function requireConnection(config: PapiConfig): void {
  if (config.target !== 'snowflake') return;
  const missing = missingConnectionSettings(config.connection);
  if (missing.length === 0) {
    const [bad] = unreadableConnectionFiles(config.connection);
    if (!bad) return;
    const where = provenanceOf(config)?.get(`connection.${bad.setting}`)?.where;
    throw new ConfigError(`${bad.key} ${bad.path} ${bad.problem}${where ? ` (from ${where})` : ''}`, {
      code: 'CONNECTION_INVALID',
      hint: `Point ${bad.key} at the file (a ~ or a path relative to where papi runs), or remove the key. ${bad.key === 'private_key_file' ? 'The key is a PKCS#8 PEM file, mode 0600.' : 'The file holds the token alone, mode 0600.'}`,
    });
  }
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

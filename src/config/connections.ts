// Snowflake connections, read the way the Snowflake CLI and the Node driver read them:
// $SNOWFLAKE_HOME (default ~/.snowflake) holds connections.toml (`[name]` tables) and/or config.toml
// (`[connections.name]`, `default_connection_name`). When connections.toml exists, its connections
// replace config.toml's (Snowflake CLI rule). A file that group or others can access is refused: the
// Snowflake CLI's strict rule (no group/other bits at all); the driver also refuses a file owned by
// someone else. Only read when the target is Snowflake.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { readEnv } from './env.js';
import type { Problem } from './problems.js';

export interface ConnectionEntry {
  name: string;
  values: Record<string, unknown>;
  /** `~/.snowflake/connections.toml [dev]`, for provenance. */
  where: string;
}

export interface ConnectionFiles {
  /** The Snowflake home directory, as displayed (`~/.snowflake`). */
  display: string;
  connections: Map<string, ConnectionEntry>;
  /** config.toml's `default_connection_name`. */
  defaultName?: { name: string; where: string };
  /** Files that were read, as displayed. */
  read: string[];
  /** A file was refused or did not parse (its problem is reported; a missing name would only echo it). */
  broken: boolean;
}

/** `~/…` for paths under HOME: shorter messages, and no home directory in output people paste. */
export function tildePath(path: string, home: string | undefined): string {
  return home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
}

export function snowflakeHome(env: Record<string, string | undefined>, home: string): string {
  return readEnv(env, 'SNOWFLAKE_HOME') ?? join(home, '.snowflake');
}

const PERMISSION_HINT = (path: string) => `Restrict it to its owner: chmod 0600 "${path}"`;

/** Returns the file's text, undefined when absent; a problem when it is too open or unreadable. */
async function readPrivateFile(path: string, display: string, problems: Problem[]): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (process.platform !== 'win32') {
    const mode = info.mode & 0o777;
    if ((mode & 0o077) !== 0) {
      problems.push({
        where: display,
        message: `readable or writable by group or others (mode ${mode.toString(8).padStart(4, '0')}); it may hold passwords and keys, so papi refuses it, as the Snowflake CLI does`,
        hint: PERMISSION_HINT(path),
      });
      return undefined;
    }
    const uid = process.getuid?.();
    if (uid !== undefined && info.uid !== uid) {
      problems.push({ where: display, message: 'owned by another user; papi refuses it, as the Snowflake driver does', hint: `chown $USER "${path}" && chmod 0600 "${path}"` });
      return undefined;
    }
  }
  return readFile(path, 'utf8');
}

function parseToml(text: string, display: string, problems: Problem[]): Record<string, unknown> | undefined {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    problems.push({ where: `${display}:${error.line}`, message: `TOML syntax: ${error.message.split('\n')[0]}` });
    return undefined;
  }
}

const isTable = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);

export async function readConnectionFiles(env: Record<string, string | undefined>, home: string, problems: Problem[]): Promise<ConnectionFiles> {
  const before = problems.length;
  const dir = snowflakeHome(env, home);
  const files: ConnectionFiles = { display: tildePath(dir, home), connections: new Map(), read: [], broken: false };

  const configPath = join(dir, 'config.toml');
  const configDisplay = tildePath(configPath, home);
  const configText = await readPrivateFile(configPath, configDisplay, problems);
  const config = configText === undefined ? undefined : parseToml(configText, configDisplay, problems);
  if (configText !== undefined) files.read.push(configDisplay);
  if (config) {
    const name = config.default_connection_name;
    if (typeof name === 'string' && name !== '') files.defaultName = { name, where: configDisplay };
  }

  const connectionsPath = join(dir, 'connections.toml');
  const connectionsDisplay = tildePath(connectionsPath, home);
  const connectionsText = await readPrivateFile(connectionsPath, connectionsDisplay, problems);
  if (connectionsText !== undefined) {
    files.read.push(connectionsDisplay);
    const tables = parseToml(connectionsText, connectionsDisplay, problems);
    for (const [name, values] of Object.entries(tables ?? {}))
      if (isTable(values)) files.connections.set(name, { name, values, where: `${connectionsDisplay} [${name}]` });
  } else if (config && isTable(config.connections)) {
    for (const [name, values] of Object.entries(config.connections))
      if (isTable(values)) files.connections.set(name, { name, values, where: `${configDisplay} [connections.${name}]` });
  }
  files.broken = problems.length > before;
  return files;
}

// The config loader's entry: finds papi.yaml, then hands over to resolve.ts, which is imported only
// here and only when a command asks for its config (zod, yaml and smol-toml stay out of `papi --help`).
// The result is deep-frozen; where each value came from is kept beside it (provenanceOf).
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '../ui/errors.js';
import { ENV, readEnv } from './env.js';
import { LEAF_BY_PATH } from './leaves.js';
import type { ConfigProvenance, PapiConfig } from './types.js';

/** A command-line flag that sets a config value, e.g. `--table-type standard`. */
export interface FlagValue {
  /** Config path, e.g. `snowflake.api.tableType`. */
  path: string;
  value: string | number;
  /** How provenance names it: `--table-type`. */
  flag: string;
}

export interface LoadOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** --config PATH. */
  configPath?: string;
  /** -c/--connection NAME: selects that Snowflake connection (and the Snowflake target). */
  connectionName?: string;
  /** Other flags that override config values (highest precedence). */
  flags?: FlagValue[];
  warn(message: string): void;
  /** Gets one line per value not taken from the defaults (`service.port = 8080 (papi.yaml:14)`). */
  debug(message: string): void;
}

export const CONFIG_FILE_NAME = 'papi.yaml';

const provenances = new WeakMap<PapiConfig, ConfigProvenance>();

/** Where each value of a config returned by loadConfig came from (config path → source). */
export function provenanceOf(config: PapiConfig): ConfigProvenance | undefined {
  return provenances.get(config);
}

export async function loadConfig(options: LoadOptions): Promise<PapiConfig> {
  const file = findConfigFile(options);
  const { resolveConfig } = await import('./resolve.js');
  options.debug(`config file: ${file ? file.path : 'none (defaults, env and flags only)'}`);
  const { config, provenance } = await resolveConfig(options, file);
  for (const line of provenanceLines(config, provenance)) options.debug(line);
  deepFreeze(config);
  provenances.set(config, provenance);
  return config;
}

/**
 * The papi.yaml to read: --config PATH, else PAPI_CONFIG, else papi.yaml in the working directory or
 * its nearest ancestor that has one; undefined when there is none (defaults, env and flags only).
 */
export function findConfigFile(options: Pick<LoadOptions, 'cwd' | 'env' | 'configPath'>): { path: string; display: string } | undefined {
  const explicit = options.configPath ?? readEnv(options.env, ENV.PAPI_CONFIG);
  if (explicit !== undefined) {
    const from = options.configPath !== undefined ? '--config' : ENV.PAPI_CONFIG;
    const path = resolve(options.cwd, explicit);
    if (!existsSync(path) || !statSync(path).isFile())
      throw new ConfigError(`${from} ${explicit}: no such file`, { code: 'CONFIG_NOT_FOUND', hint: 'Create one with `papi init`, or fix the path.' });
    return { path, display: displayPath(path, options.cwd) };
  }
  for (let dir = resolve(options.cwd); ; dir = dirname(dir)) {
    const path = join(dir, CONFIG_FILE_NAME);
    if (existsSync(path) && statSync(path).isFile()) return { path, display: displayPath(path, options.cwd) };
    if (dirname(dir) === dir) return undefined;
  }
}

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel.length < path.length && !isAbsolute(rel) ? rel : path;
}

/** `service.port = 8080 (papi.yaml:14)` for every value that is not a default; secrets as `***`. */
export function provenanceLines(config: PapiConfig, provenance: ConfigProvenance): string[] {
  const lines: string[] = [];
  for (const [path, source] of provenance) {
    if (source.kind === 'default') continue;
    const value = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], config);
    const shown = LEAF_BY_PATH.get(path)?.secret ? '***' : String(value);
    lines.push(`${path} = ${shown} (${source.kind === 'env' ? `env ${source.where}` : source.kind === 'flag' ? `flag ${source.where}` : source.where})`);
  }
  return lines;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

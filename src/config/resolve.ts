// The config loader proper (imported lazily by load.ts: zod, yaml and smol-toml load only here).
// Every leaf takes the value of the highest source that sets it, and remembers that source:
//   flags > env (PAPI_*, SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>) > papi.yaml > connections.toml
//         > generic SNOWFLAKE_<KEY> (connection parameters only) > defaults
// Generic SNOWFLAKE_<KEY> variables sit below the connection file, exactly as in the Snowflake CLI,
// so `papi -c dev` logs in as `snow -c dev` would even with a stray SNOWFLAKE_USER exported.
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { ConfigProvenance, PapiConfig, TargetKind, ValueSource } from './types.js';
import { accountUrlOf, hostProblem, isLoopbackHost } from './account-url.js';
import { readConnectionFiles, type ConnectionFiles } from './connections.js';
import { connectionEnvName, ENV, ENV_VARS, readEnv } from './env.js';
import { LEAF_BY_PATH, LEAVES, type Leaf } from './leaves.js';
import { findProjectDir } from './project-dir.js';
import type { LoadOptions } from './load.js';
import { configErrorOf, type Problem } from './problems.js';
import { checkValue, validateFile } from './schema.js';
import { suggest } from './suggest.js';
import { readYamlFile, type YamlFile } from './yaml-file.js';

export interface ResolvedConfig {
  config: PapiConfig;
  provenance: ConfigProvenance;
}

interface Chosen {
  value: string | number;
  source: ValueSource;
}

/** PAPI_LOCAL_PORT → local.port, …: the PAPI_* variables that set one setting (target is special). */
const ENV_FOR_SETTING = new Map(
  ENV_VARS.filter((v) => v.group === 'papi' && v.configPath && v.configPath !== 'target').map((v) => [v.configPath!, v.name]),
);

const CONNECTION_HINT = 'List your connections with `snow connection list`, or check ~/.snowflake/connections.toml.';
const KEY_HINT =
  'Fix the key in the connection (connections.toml keys as the Snowflake CLI reads them: account, user, host, port, protocol, region, ' +
  'authenticator, password, private_key_file, token_file_path, role, warehouse, database, schema, client_session_keep_alive); ' +
  'see https://docs.snowflake.com/en/developer-guide/snowflake-cli/connecting/configure-connections';

export async function resolveConfig(options: LoadOptions, file: { path: string; display: string } | undefined): Promise<ResolvedConfig> {
  const { env, cwd } = options;
  const problems: Problem[] = [];
  /** Given to options.warn at the end, also when the config is invalid. */
  const warnings: string[] = [];
  const home = readEnv(env, ENV.HOME) ?? homedir();
  const chosen = new Map<string, Chosen>();

  /** Offers a value in increasing order of precedence; invalid values become problems. */
  const offer = (leaf: Leaf, raw: unknown, source: ValueSource) => {
    const checked = checkValue(leaf, raw);
    if ('message' in checked)
      problems.push({ where: source.where, path: leaf.path, message: checked.message, ...(leaf.tomlKeys ? { hint: KEY_HINT } : {}) });
    else chosen.set(leaf.path, { value: checked.value, source });
  };

  // Defaults.
  for (const leaf of LEAVES)
    if (leaf.default !== undefined) chosen.set(leaf.path, { value: leaf.default, source: { kind: 'default', where: 'default' } });

  // papi.yaml (validated as a whole; its values are applied in order below).
  let yaml: YamlFile | undefined;
  let yamlValues: Map<string, string | number> | undefined;
  if (file) {
    const before = problems.length;
    yaml = await readYamlFile(file.path, file.display, problems);
    if (problems.length === before) yamlValues = validateFile(yaml, problems, warnings);
  }
  const fromYaml = (path: string): Chosen | undefined => {
    const value = yamlValues?.get(path);
    const leaf = LEAF_BY_PATH.get(path)!;
    return value === undefined ? undefined : { value, source: { kind: 'papi.yaml', where: yaml!.where(leaf.yamlPath!.split('.')) } };
  };
  const envSource = (name: string): ValueSource => ({ kind: 'env', where: name });

  // Target: PAPI_TARGET=local forces local; else -c, PAPI_TARGET=snowflake or SNOWFLAKE_ACCOUNT select
  // Snowflake; else papi.yaml; else local. A connections.toml alone never switches the target.
  const target = resolveTarget(options, fromYaml('target'), problems, warnings);
  chosen.set('target', target);
  const isSnowflake = target.value === 'snowflake';

  if (isSnowflake) {
    const files = await readConnectionFiles(env, home, problems);
    const name = resolveConnectionName(options, fromYaml('connectionName'), files);
    chosen.set('connectionName', name);
    const connectionName = String(name.value);
    const entry = files.connections.get(connectionName);
    if (!entry && name.source.kind !== 'default' && !files.broken) {
      const known = [...files.connections.keys()];
      problems.push({
        where: name.source.where,
        path: 'connectionName',
        message: `no connection named "${connectionName}" in ${files.read.length > 0 ? files.read.join(' or ') : `${files.display} (no connections.toml or config.toml there)`}${known.length > 0 ? `; known: ${known.join(', ')}` : ''}`,
        hint: CONNECTION_HINT,
      });
    }

    const connectionLeaves = LEAVES.filter((leaf) => leaf.tomlKeys);
    // Generic SNOWFLAKE_<KEY>, lowest (after defaults); PRIVATE_KEY_PASSPHRASE below SNOWFLAKE_PRIVATE_KEY_FILE_PWD.
    for (const leaf of connectionLeaves) {
      const names = [...leaf.tomlKeys!].reverse().map((key) => `SNOWFLAKE_${key.toUpperCase()}`);
      if (leaf.path === 'connection.privateKeyPassphrase') names.unshift(ENV.PRIVATE_KEY_PASSPHRASE);
      for (const envName of names) {
        const value = readEnv(env, envName);
        if (value !== undefined) offer(leaf, value, envSource(envName));
      }
    }
    // The connection's entry in connections.toml / config.toml.
    if (entry) {
      for (const leaf of connectionLeaves) {
        const key = leaf.tomlKeys!.find((k) => entry.values[k] !== undefined);
        if (key) offer(leaf, entry.values[key], { kind: 'connections.toml', where: entry.where });
      }
      warnUnknownKeys(entry.values, entry.where, connectionLeaves, warnings);
    }
    // papi.yaml's connection keys.
    for (const leaf of connectionLeaves) {
      const value = fromYaml(leaf.path);
      if (value) chosen.set(leaf.path, value);
    }
    // SNOWFLAKE_CONNECTIONS_<NAME>_<KEY>.
    for (const leaf of connectionLeaves)
      for (const key of [...leaf.tomlKeys!].reverse()) {
        const envName = connectionEnvName(connectionName, key);
        const value = readEnv(env, envName);
        if (value !== undefined) offer(leaf, value, envSource(envName));
      }
  }

  // papi.yaml, PAPI_* env and flags for every other setting.
  for (const leaf of LEAVES) {
    if (leaf.path === 'target' || leaf.path === 'connectionName' || leaf.tomlKeys) continue;
    const value = fromYaml(leaf.path);
    if (value) chosen.set(leaf.path, value);
    const envName = ENV_FOR_SETTING.get(leaf.path);
    const envValue = envName === undefined ? undefined : readEnv(env, envName);
    if (envValue !== undefined) offer(leaf, envValue, envSource(envName!));
  }
  for (const f of options.flags ?? []) {
    const leaf = LEAF_BY_PATH.get(f.path);
    if (!leaf) throw new Error(`unknown config path for a flag: ${f.path}`);
    if (leaf.tomlKeys && !isSnowflake) continue;
    offer(leaf, f.value, { kind: 'flag', where: f.flag });
  }

  crossCheck(chosen, problems);
  if (isSnowflake) checkAccountUrl(chosen, problems, warnings);
  for (const warning of warnings) options.warn(warning);
  if (problems.length > 0) throw configErrorOf(problems);

  const projectDir = findProjectDir(cwd, file);
  const config = build(chosen, { projectDir, cwd, home, configPath: file?.path });
  return { config, provenance: new Map([...chosen].map(([path, c]) => [path, c.source])) };

  function resolveTarget(o: LoadOptions, fromFile: Chosen | undefined, errors: Problem[], notes: string[]): Chosen {
    const papiTarget = readEnv(o.env, ENV.PAPI_TARGET)?.trim().toLowerCase();
    if (papiTarget !== undefined && papiTarget !== 'local' && papiTarget !== 'snowflake')
      errors.push({ where: ENV.PAPI_TARGET, path: 'target', message: `expected local or snowflake, got ${JSON.stringify(papiTarget)}` });
    if (papiTarget === 'local') {
      if (o.connectionName) notes.push(`--connection ${o.connectionName} ignored: PAPI_TARGET=local forces papi local`);
      return { value: 'local', source: envSource(ENV.PAPI_TARGET) };
    }
    if (o.connectionName) return { value: 'snowflake', source: { kind: 'flag', where: '--connection' } };
    if (papiTarget === 'snowflake') return { value: 'snowflake', source: envSource(ENV.PAPI_TARGET) };
    if (readEnv(o.env, ENV.SNOWFLAKE_ACCOUNT) !== undefined) return { value: 'snowflake', source: envSource(ENV.SNOWFLAKE_ACCOUNT) };
    return fromFile ?? { value: 'local' satisfies TargetKind, source: { kind: 'default', where: 'default' } };
  }

  function resolveConnectionName(o: LoadOptions, fromFile: Chosen | undefined, found: ConnectionFiles): Chosen {
    if (o.connectionName) return { value: o.connectionName, source: { kind: 'flag', where: '--connection' } };
    const fromEnv = readEnv(o.env, ENV.SNOWFLAKE_DEFAULT_CONNECTION_NAME);
    if (fromEnv) return { value: fromEnv, source: envSource(ENV.SNOWFLAKE_DEFAULT_CONNECTION_NAME) };
    if (fromFile) return fromFile;
    if (found.defaultName) return { value: found.defaultName.name, source: { kind: 'connections.toml', where: `${found.defaultName.where} default_connection_name` } };
    return { value: 'default', source: { kind: 'default', where: 'default' } };
  }
}

/** Checks that span two settings; blamed on the higher one's source. */
function crossCheck(chosen: Map<string, Chosen>, problems: Problem[]): void {
  for (const [low, high] of [
    ['snowflake.computePool.minNodes', 'snowflake.computePool.maxNodes'],
    ['snowflake.service.minInstances', 'snowflake.service.maxInstances'],
  ] as const) {
    const min = chosen.get(low);
    const max = chosen.get(high);
    if (min && max && Number(min.value) > Number(max.value))
      problems.push({ where: max.source.where, path: high, message: `${max.value} is less than ${low} (${min.value}, from ${min.source.where})` });
  }
}

/**
 * A connection entry may hold any of the Python connector's options (the Snowflake CLI passes them
 * on), so keys papi does not use are fine; only a near miss of a key papi uses (`prot`, `hots`) is
 * worth a warning, since it silently changes where papi connects.
 */
function warnUnknownKeys(values: Record<string, unknown>, where: string, leaves: readonly Leaf[], warnings: string[]): void {
  const known = leaves.flatMap((leaf) => leaf.tomlKeys!);
  for (const key of Object.keys(values)) {
    if (known.includes(key)) continue;
    const close = suggest(key, known);
    if (close) warnings.push(`${where} › ${key}: papi does not read this key (did you mean ${close}?)`);
  }
}

/** host, port and protocol must make one account URL; http only where nothing can listen in. */
function checkAccountUrl(chosen: Map<string, Chosen>, problems: Problem[], warnings: string[]): void {
  const value = (path: string) => chosen.get(path)?.value;
  const keys = {
    account: value('connection.account') as string | undefined,
    host: value('connection.host') as string | undefined,
    port: value('connection.port') as number | undefined,
    protocol: value('connection.protocol') as 'http' | 'https' | undefined,
    region: value('connection.region') as string | undefined,
  };
  const wrong = hostProblem(keys);
  if (wrong) {
    problems.push({
      where: chosen.get('connection.host')!.source.where,
      path: 'connection.host',
      message: wrong,
      hint: 'host is a host name alone (myorg-myacct.snowflakecomputing.com or 127.0.0.1); port and protocol are keys of their own.',
    });
    return;
  }
  const url = accountUrlOf(keys);
  if (url?.startsWith('http://') && !isLoopbackHost(new URL(url).hostname))
    warnings.push(`the connection uses protocol http to ${new URL(url).host}: passwords and tokens travel unencrypted (Snowflake accounts need https)`);
}

interface BuildContext {
  projectDir: string;
  cwd: string;
  home: string;
  configPath?: string;
}

function build(chosen: Map<string, Chosen>, ctx: BuildContext): PapiConfig {
  const root: Record<string, unknown> = { version: 1, connection: {} };
  for (const [path, { value, source }] of chosen) {
    const leaf = LEAF_BY_PATH.get(path)!;
    let final: string | number = value;
    // A path typed on the command line is relative to where it was typed; papi.yaml's and papi local's
    // data directory (from the environment or the default) to the project.
    const base = source.kind !== 'flag' && (path === 'local.dataDir' || source.kind === 'papi.yaml') ? ctx.projectDir : ctx.cwd;
    if (leaf.kind.type === 'path') final = resolvePath(String(value), base, ctx.home);
    const keys = path.split('.');
    let node = root;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
    node[keys.at(-1)!] = final;
  }
  const connection = root.connection as Record<string, unknown>;
  if (connection.clientSessionKeepAlive !== undefined) connection.clientSessionKeepAlive = connection.clientSessionKeepAlive === 'true';
  const cache = (root.service as { cache: { honorNoCache: unknown } }).cache;
  cache.honorNoCache = cache.honorNoCache === 'true';
  const accessUrl = accountUrlOf(connection as Parameters<typeof accountUrlOf>[0]);
  if (accessUrl) connection.accessUrl = accessUrl;
  root.projectDir = ctx.projectDir;
  if (ctx.configPath) root.configPath = ctx.configPath;
  return root as unknown as PapiConfig;
}

/** `~/x` → HOME/x; relative paths against `base`. */
export function resolvePath(path: string, base: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return join(home, path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}

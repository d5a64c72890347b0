// How an image's container becomes a host process: the spec's command/args over the image's
// Entrypoint/Cmd (Kubernetes rules), `node` mapped onto the host's node, absolute paths inside the
// image mapped into the unpacked root, and the environment a SPCS container sees.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OciImageConfig as ImageConfig } from '../image-registry/oci-spec.js';
import { SqlError } from '../errors.js';
import type { ContainerSpec } from './spec.js';

const NODE = /^(?:.*\/)?(?:node|nodejs)$/;
const SHELL_WRAPPERS = new Set(['docker-entrypoint.sh', '/usr/local/bin/docker-entrypoint.sh', 'tini', '/tini', '/usr/bin/tini', '--']);

/** The image's argv for a container, before mapping (command ?? Entrypoint, then args ?? Cmd). */
export function imageArgv(container: ContainerSpec, config: ImageConfig): string[] {
  const command = container.command ?? config.config?.Entrypoint ?? [];
  const args = container.args ?? (container.command ? [] : (config.config?.Cmd ?? []));
  return [...command, ...args];
}

/** Checks that papi local can run the argv with the host's node; answers it without wrappers. */
export function nodeArgv(argv: string[], container: string, image: string): string[] {
  let rest = [...argv];
  while (rest.length > 0 && SHELL_WRAPPERS.has(rest[0]!)) rest = rest.slice(1);
  if (rest.length === 0 || !NODE.test(rest[0]!)) {
    throw new SqlError(
      '395018',
      '22023',
      `Invalid spec: container ${container} (image ${image}) starts "${argv.join(' ') || '(nothing)'}"; papi local runs only Node.js entrypoints (node <script>) with the host's node.`,
    );
  }
  return rest;
}

/** Replaces `node` with the host's node and in-image absolute paths with their unpacked location. */
export function hostArgv(argv: string[], root: string, nodePath: string): string[] {
  return [nodePath, ...argv.slice(1).map((arg) => (arg.startsWith('/') && existsSync(join(root, arg)) ? join(root, arg) : arg))];
}

export function workingDir(config: ImageConfig, root: string): string {
  const dir = config.config?.WorkingDir;
  return dir && dir !== '/' ? join(root, dir) : root;
}

export interface SpcsEnvironment {
  account: string;
  /** `host:port` of the local SQL API. */
  host: string;
  port: number;
  protocol: string;
  database: string;
  schema: string;
  serviceName: string;
  tokenFile: string;
  /** The real port the container listens on (its PORT). */
  listenPort?: number;
}

/**
 * Image Env, then the spec's env, then what SPCS injects (reserved names win). PATH is the host's:
 * the image's PATH names directories that do not exist here.
 */
export function containerEnv(config: ImageConfig, container: ContainerSpec, spcs: SpcsEnvironment, home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of config.config?.Env ?? []) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  Object.assign(env, container.env);
  env.PATH = process.env.PATH ?? '/usr/bin:/bin';
  env.HOME = home;
  // Loopback only: the ingress is the one way in, as in SPCS.
  env.PAPI_HOST ??= '127.0.0.1';
  Object.assign(env, {
    SNOWFLAKE_ACCOUNT: spcs.account,
    SNOWFLAKE_HOST: spcs.host,
    SNOWFLAKE_PORT: String(spcs.port),
    SNOWFLAKE_PROTOCOL: spcs.protocol,
    SNOWFLAKE_DATABASE: spcs.database,
    SNOWFLAKE_SCHEMA: spcs.schema,
    SNOWFLAKE_SERVICE_NAME: spcs.serviceName,
    SNOWFLAKE_RUNNING_INSIDE_SPCS: 'true',
    PAPI_TOKEN_FILE: spcs.tokenFile,
  });
  if (spcs.listenPort !== undefined) env.PORT = String(spcs.listenPort);
  return env;
}

// The daemonless image builder in one call, for `papi deploy`: the bundle as one layer on the
// (cached) base, pushed to the target repository under a new tag. The pieces are exported too.

import type { BasicCredentials } from './auth.js';
import { assembleImage, type AssembleOptions } from './assemble.js';
import { loadBaseImage } from './base-cache.js';
import { RegistryClient, type BlobOutcome } from './registry-client.js';

export { assembleImage, APP_DIR, DEFAULT_ENTRYPOINT, type AssembledImage, type BaseImage } from './assemble.js';
export { InsufficientScopeError, type BasicCredentials } from './auth.js';
export { loadBaseImage, normalizeBaseReference } from './base-cache.js';
export { dockerBuild, dockerLogin, dockerLogout, dockerPreflight, dockerPush, templateDockerfile } from './docker.js';
export { RegistryClient } from './registry-client.js';
export { SESSION_TOKEN_USER, sessionTokenCredentials, sessionTokenFromConnection, snowflakeRegistryLogin, type SessionToken } from './snowflake-login.js';

export interface BuildAndPushOptions {
  bundleDir: string;
  /** Without a base (papi local) the image is the bundle alone, run with the host's node. */
  base?: { reference: string; cacheDir: string; credentials?: BasicCredentials };
  target: { registry: string; repository: string; tag: string; credentials: BasicCredentials; protocol?: 'https' | 'http' };
  env?: Record<string, string>;
  exposedPorts?: number[];
  entrypoint?: string[];
  fetch?: typeof fetch;
}

export interface BuildAndPushResult {
  digest: string;
  /** `/<repository>:<tag>`, the form a service spec uses. */
  specImage: string;
  blobs: Record<string, BlobOutcome>;
}

export async function buildAndPushImage(options: BuildAndPushOptions): Promise<BuildAndPushResult> {
  const cached = options.base
    ? await loadBaseImage({ ...options.base, ...(options.fetch ? { fetch: options.fetch } : {}) })
    : undefined;
  const assemble: AssembleOptions = {
    bundleDir: options.bundleDir,
    ...(cached ? { base: cached.base } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.exposedPorts ? { exposedPorts: options.exposedPorts } : {}),
    ...(options.entrypoint ? { entrypoint: options.entrypoint } : {}),
  };
  const image = await assembleImage(assemble);
  const client = new RegistryClient({
    registry: options.target.registry,
    credentials: options.target.credentials,
    ...(options.target.protocol ? { protocol: options.target.protocol } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const pushed = await client.pushImage(options.target.repository, options.target.tag, image, cached ? { readBaseBlob: cached.readBlob } : {});
  return { digest: pushed.digest, specImage: `/${options.target.repository}:${options.target.tag}`, blobs: pushed.blobs };
}

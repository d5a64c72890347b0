// papi local's image registry: its HTTP apps (the OCI distribution API and its token login, routed
// beside the SQL API on the account URL) and the image lookups the SPCS runner and SHOW IMAGES IN
// IMAGE REPOSITORY need.

import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Hono, type Env } from 'hono';
import type { LocalHttpEnv } from '../http/local-http-env.js';
import type { AccountDirectory, ServiceKey, TokenAuthority } from '../platform.js';
import { RegistryTokens } from './bearer-tokens.js';
import { createDistributionApp, type DistributionEnv } from './distribution-app.js';
import { parseImagePath, repositoryPrefix } from './names.js';
import { IMAGE_INDEX_TYPES, type OciImageConfig, type OciImageIndex, type OciImageManifest } from './oci-spec.js';
import { createRegistryLoginApp } from './registry-login.js';
import { BlobStore } from './store.js';

export { parseImagePath, parseRepository } from './names.js';
export type { OciImageConfig } from './oci-spec.js';

export interface RegistryOptions {
  /** Where blobs and the repository index live (e.g. <papi local data dir>/registry). */
  dataDir: string;
  tokens: TokenAuthority;
  /** The catalog; a function when the engine is created later. */
  directory: AccountDirectory | (() => AccountDirectory);
  /** Lifetime of the bearer tokens /login issues; default one hour. */
  tokenTtlSeconds?: number;
}

/** An image resolved for running: its manifest, config and layer files, in order. */
export interface ResolvedImage {
  /** `db/schema/repo/image` */
  repository: string;
  reference: string;
  digest: string;
  manifest: OciImageManifest;
  config: OciImageConfig;
  layers: Array<{ digest: string; mediaType: string; file: string }>;
}

/** One row of SHOW IMAGES IN IMAGE REPOSITORY. */
export interface ImageListing {
  /** `db/schema/repo/image` lower case, as in the image path. */
  repository: string;
  imageName: string;
  tags: string[];
  digest: string;
  createdOn: string;
  /** `/db/schema/repo/image:tag` (first tag) or `…@digest`. */
  imagePath: string;
}

export interface LocalRegistry {
  /** The OCI distribution API, routed at /v2. */
  distribution: Hono<DistributionEnv>;
  /** The token login, routed at /login. */
  login: Hono<LocalHttpEnv>;
  /** Both routed on an app of their own (a registry served alone, as in tests). */
  app: Hono<LocalHttpEnv>;
  /** `/db/schema/repo/image:tag` → the image, or undefined when there is no such image. */
  resolveImage(path: string): ResolvedImage | undefined;
  listImages(repository: ServiceKey): ImageListing[];
}

export function createRegistry(options: RegistryOptions): LocalRegistry {
  const store = new BlobStore(options.dataDir);
  const auth = {
    registryTokens: new RegistryTokens(),
    tokens: options.tokens,
    directory: typeof options.directory === 'function' ? options.directory : () => options.directory as AccountDirectory,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
  };
  const apps = { distribution: createDistributionApp({ ...auth, store }), login: createRegistryLoginApp(auth) };

  const resolveImage = (path: string): ResolvedImage | undefined => {
    const parsed = parseImagePath(path);
    if (!parsed) return undefined;
    const name = parsed.repository.name;
    let found = store.manifest(name, parsed.reference);
    if (!found) return undefined;
    if (IMAGE_INDEX_TYPES.has(found.mediaType)) {
      const index = JSON.parse(found.bytes.toString('utf8')) as OciImageIndex;
      const chosen = index.manifests.find((entry) => entry.platform?.os === 'linux' && entry.platform.architecture === 'amd64');
      found = chosen ? store.manifest(name, chosen.digest) : undefined;
      if (!found) return undefined;
    }
    const manifest = JSON.parse(found.bytes.toString('utf8')) as OciImageManifest;
    const config = JSON.parse(readFileSync(store.blobPath(manifest.config.digest), 'utf8')) as OciImageConfig;
    return {
      repository: name,
      reference: parsed.reference,
      digest: found.digest,
      manifest,
      config,
      layers: manifest.layers.map((layer) => ({ digest: layer.digest, mediaType: layer.mediaType, file: store.blobPath(layer.digest) })),
    };
  };

  const listImages = (repository: ServiceKey): ImageListing[] => {
    const prefix = repositoryPrefix(repository);
    return store.repositoryNames(prefix).flatMap((name) =>
      store
        .manifests(name)
        .sort((a, b) => a.createdOn.localeCompare(b.createdOn))
        .map((manifest) => ({
          repository: name,
          imageName: name.slice(prefix.length),
          tags: manifest.tags,
          digest: manifest.digest,
          createdOn: manifest.createdOn,
          imagePath: manifest.tags.length > 0 ? `/${name}:${manifest.tags[0]}` : `/${name}@${manifest.digest}`,
        })),
    );
  };

  return { ...apps, app: routeImageRegistry(new Hono<LocalHttpEnv>(), apps), resolveImage, listImages };
}

/** The one place the registry's paths are decided: its apps routed on a host app (the SQL API's in startLocal). */
export function routeImageRegistry<E extends Env>(host: Hono<E>, registry: Pick<LocalRegistry, 'distribution' | 'login'>): Hono<E> {
  return host.route('/v2', registry.distribution).route('/login', registry.login);
}

/** The default location of the registry's files inside papi local's data directory. */
export function registryDir(dataDir: string): string {
  return join(dataDir, 'registry');
}

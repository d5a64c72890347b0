// papi local's image registry: the HTTP handler (mounted by the SQL API server under /v2/ and
// /login) and the image lookups the SPCS runner and SHOW IMAGES IN IMAGE REPOSITORY need.

import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { INDEX_MEDIA_TYPES, type ImageConfig, type ImageIndex, type ImageManifest } from '../../image/oci.js';
import type { AccountDirectory, ServiceKey, TokenAuthority } from '../platform.js';
import { createRegistryHandler, type RegistryHandler } from './handler.js';
import { parseImagePath, repositoryPrefix } from './names.js';
import { BlobStore } from './store.js';
import { RegistryTokens } from './bearer-tokens.js';

export { parseImagePath, parseRepository } from './names.js';
export type { RegistryHandler } from './handler.js';

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
  manifest: ImageManifest;
  config: ImageConfig;
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
  handler: RegistryHandler;
  /** `/db/schema/repo/image:tag` → the image, or undefined when there is no such image. */
  resolveImage(path: string): ResolvedImage | undefined;
  listImages(repository: ServiceKey): ImageListing[];
}

export function createRegistry(options: RegistryOptions): LocalRegistry {
  const store = new BlobStore(options.dataDir);
  const handler = createRegistryHandler({
    store,
    registryTokens: new RegistryTokens(),
    tokens: options.tokens,
    directory: typeof options.directory === 'function' ? options.directory : () => options.directory as AccountDirectory,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
  });

  const resolveImage = (path: string): ResolvedImage | undefined => {
    const parsed = parseImagePath(path);
    if (!parsed) return undefined;
    const name = parsed.repository.name;
    let found = store.manifest(name, parsed.reference);
    if (!found) return undefined;
    if (INDEX_MEDIA_TYPES.includes(found.mediaType)) {
      const index = JSON.parse(found.bytes.toString('utf8')) as ImageIndex;
      const chosen = index.manifests.find((entry) => entry.platform?.os === 'linux' && entry.platform.architecture === 'amd64');
      found = chosen ? store.manifest(name, chosen.digest) : undefined;
      if (!found) return undefined;
    }
    const manifest = JSON.parse(found.bytes.toString('utf8')) as ImageManifest;
    const config = JSON.parse(readFileSync(store.blobPath(manifest.config.digest), 'utf8')) as ImageConfig;
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

  return { handler, resolveImage, listImages };
}

/** The default location of the registry's files inside papi local's data directory. */
export function registryDir(dataDir: string): string {
  return join(dataDir, 'registry');
}

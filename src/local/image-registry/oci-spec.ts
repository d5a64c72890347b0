// What papi local's registry and SPCS runner need of the OCI image and distribution specs
// (opencontainers/image-spec, opencontainers/distribution-spec), with Docker's v2 schema 2 media types
// that registries still accept. Written for the emulator from the specs, apart from papi's client
// (src/image/): a misreading shared by both would pass every push/pull test.
import { createHash } from 'node:crypto';

/** Manifest media types: image-spec manifest.md, and Docker's "Image Manifest V 2, Schema 2". */
export const IMAGE_MANIFEST_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]);

/** Index media types (multi-platform images): image-spec image-index.md and Docker's manifest list. */
export const IMAGE_INDEX_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/** image-spec descriptor.md: the typed reference every manifest and index is made of. */
export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  /** Only in an index's `manifests`. */
  platform?: { architecture: string; os: string; variant?: string };
}

/** image-spec manifest.md (schemaVersion 2): one image's config and layers. */
export interface OciImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: OciDescriptor;
  layers: OciDescriptor[];
}

/** image-spec image-index.md: manifests of one image for several platforms. */
export interface OciImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: OciDescriptor[];
}

/** image-spec config.md, the fields a container start reads. `config` is OPTIONAL in the spec. */
export interface OciImageConfig {
  architecture: string;
  os: string;
  config?: {
    User?: string;
    ExposedPorts?: Record<string, object>;
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    WorkingDir?: string;
  };
  rootfs: { type: string; diff_ids: string[] };
}

// distribution-spec "Pulling manifests": <name> is path components of lower-case alphanumerics joined
// by one period, one or two underscores, or any number of hyphens.
const NAME_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
const REPOSITORY_NAME = new RegExp(`^${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
/** Clients limit a name to 255 characters. */
const MAX_REPOSITORY_NAME = 255;
// distribution-spec: <reference> as a tag is at most 128 characters, not starting with . or -.
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
// image-spec descriptor.md: algorithm:encoded; papi local stores sha256 only (64 lower-case hex digits).
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isRepositoryName(name: string): boolean {
  return name.length <= MAX_REPOSITORY_NAME && REPOSITORY_NAME.test(name);
}

export function isTag(reference: string): boolean {
  return TAG.test(reference);
}

/** A sha256 digest, the only algorithm papi local stores. */
export function isDigest(reference: string): boolean {
  return SHA256_DIGEST.test(reference);
}

export function sha256DigestOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

// OCI and Docker image formats: media types, the JSON documents papi writes and reads, digests.
// One place for these so the builder, the registry client and papi local's registry agree.

import { createHash } from 'node:crypto';

export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

/** Manifest formats: every descriptor inside one manifest uses the same family (never mixed). */
export type ManifestFormat = 'oci' | 'docker';

export const formatMediaTypes: Record<ManifestFormat, { manifest: string; config: string; layer: string }> = {
  oci: { manifest: MediaType.ociManifest, config: MediaType.ociConfig, layer: MediaType.ociLayerGzip },
  docker: { manifest: MediaType.dockerManifest, config: MediaType.dockerConfig, layer: MediaType.dockerLayerGzip },
};

export const MANIFEST_MEDIA_TYPES: readonly string[] = [MediaType.ociManifest, MediaType.dockerManifest];
export const INDEX_MEDIA_TYPES: readonly string[] = [MediaType.ociIndex, MediaType.dockerList];

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  architecture: string;
  os: string;
  created?: string;
  config: {
    Env?: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    WorkingDir?: string;
    ExposedPorts?: Record<string, object>;
    User?: string;
    Labels?: Record<string, string>;
  };
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: HistoryEntry[];
}

/** A document and its bytes: digests are over the exact bytes, so keep both together. */
export interface Blob {
  digest: string;
  size: number;
  mediaType: string;
  bytes: Buffer;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** Canonical bytes for a JSON document papi writes (stable key order is the caller's: literals). */
export function jsonBlob(value: unknown, mediaType: string): Blob {
  const bytes = Buffer.from(JSON.stringify(value));
  return { digest: sha256Digest(bytes), size: bytes.length, mediaType, bytes };
}

export function formatOfManifest(mediaType: string): ManifestFormat {
  return mediaType === MediaType.dockerManifest ? 'docker' : 'oci';
}

/** Repository names as the distribution spec allows them: lower-case path components. */
const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function isRepositoryName(name: string): boolean {
  return name.length <= 255 && REPOSITORY.test(name);
}

export function isTag(tag: string): boolean {
  return TAG.test(tag);
}

/** `host[:port]/path/name:tag` or `…@sha256:…` split into parts (no scheme; the host is the first part). */
export interface ImageReference {
  registry: string;
  repository: string;
  /** Tag or digest. */
  reference: string;
}

export function parseImageReference(text: string): ImageReference {
  const at = text.indexOf('@');
  let rest = text;
  let reference: string | undefined;
  if (at >= 0) {
    reference = text.slice(at + 1);
    rest = text.slice(0, at);
  }
  const slash = rest.indexOf('/');
  if (slash < 0) throw new Error(`image reference "${text}" has no registry host`);
  const registry = rest.slice(0, slash);
  let repository = rest.slice(slash + 1);
  const colon = repository.lastIndexOf(':');
  if (colon >= 0) {
    const tag = repository.slice(colon + 1);
    repository = repository.slice(0, colon);
    reference ??= tag;
  }
  if (reference === undefined) reference = 'latest';
  if (!isRepositoryName(repository)) throw new Error(`image reference "${text}": invalid repository name "${repository}"`);
  if (!isTag(reference) && !isDigest(reference)) throw new Error(`image reference "${text}": invalid tag or digest`);
  return { registry, repository, reference };
}

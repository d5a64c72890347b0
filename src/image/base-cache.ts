// The base image, fetched once: its manifest, config and layers are kept on disk by digest, so later
// builds (and pushes to another registry, which must copy the layers) need no network. Pin bases by
// digest: a tag is resolved once and remembered, a digest is never looked up again.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BasicCredentials } from './auth.js';
import type { BaseImage } from './assemble.js';
import { isDigest, parseImageReference, sha256Digest, type Descriptor } from './oci.js';
import { RegistryClient } from './registry-client.js';

export interface BaseCacheOptions {
  /** e.g. `node:24-bookworm-slim@sha256:…`, `gcr.io/distroless/nodejs24-debian12`, `127.0.0.1:5000/base:1`. */
  reference: string;
  cacheDir: string;
  credentials?: BasicCredentials;
  protocol?: 'https' | 'http';
  fetch?: typeof fetch;
}

export interface CachedBase {
  base: BaseImage;
  /** The layer's bytes from the cache (for pushes that cannot mount). */
  readBlob(descriptor: Descriptor): Promise<Buffer>;
}

interface CacheEntry {
  base: BaseImage;
}

/** Docker Hub short names (`node:24`) → `registry-1.docker.io/library/node:24`. */
export function normalizeBaseReference(reference: string): string {
  const first = reference.split('/')[0]!;
  const hasHost = reference.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasHost) return reference.replace(/^docker\.io\//, 'registry-1.docker.io/');
  const path = reference.includes('/') ? reference : `library/${reference}`;
  return `registry-1.docker.io/${path}`;
}

export async function loadBaseImage(options: BaseCacheOptions): Promise<CachedBase> {
  const normalized = normalizeBaseReference(options.reference);
  const { registry, repository, reference } = parseImageReference(normalized);
  const blobs = join(options.cacheDir, 'blobs');
  const indexFile = join(options.cacheDir, 'refs', `${createHash('sha256').update(normalized).digest('hex')}.json`);
  const readBlob = async (descriptor: Descriptor): Promise<Buffer> => readFile(join(blobs, descriptor.digest.replace(':', '-')));

  if (existsSync(indexFile)) {
    const cached = JSON.parse(await readFile(indexFile, 'utf8')) as CacheEntry;
    if (cached.base.layers.every((layer) => existsSync(join(blobs, layer.digest.replace(':', '-'))))) return { base: cached.base, readBlob };
  }

  const client = new RegistryClient({
    registry,
    ...(options.protocol ? { protocol: options.protocol } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const pulled = await client.pullImage(repository, reference);
  await mkdir(blobs, { recursive: true });
  for (const layer of pulled.base.layers) {
    const file = join(blobs, layer.digest.replace(':', '-'));
    if (existsSync(file)) continue;
    const bytes = await client.getBlob(repository, layer.digest);
    await writeAtomically(file, bytes);
  }
  const entry: CacheEntry = { base: pulled.base };
  await mkdir(join(options.cacheDir, 'refs'), { recursive: true });
  // A tag is remembered as the digest it resolved to: rebuilds stay on the same base.
  await writeAtomically(indexFile, Buffer.from(JSON.stringify(entry)));
  if (!isDigest(reference)) {
    const pinned = `${registry}/${repository}@${pulled.manifest.digest}`;
    await writeAtomically(join(options.cacheDir, 'refs', `${createHash('sha256').update(pinned).digest('hex')}.json`), Buffer.from(JSON.stringify(entry)));
  }
  return { base: pulled.base, readBlob };
}

async function writeAtomically(file: string, bytes: Buffer): Promise<void> {
  const temp = `${file}.${sha256Digest(bytes).slice(7, 19)}.tmp`;
  await writeFile(temp, bytes);
  await rename(temp, file);
}

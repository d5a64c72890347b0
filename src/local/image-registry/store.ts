// papi local's image storage: blobs content-addressed on disk (blobs/sha256/<hex>), upload sessions
// as files (uploads/<id>), and per repository which blobs it holds, its manifests and tags
// (repositories.json). Blobs are shared between repositories; a repository only sees its own links.

import { randomUUID, createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ManifestRecord {
  mediaType: string;
  /** ISO time the manifest was first pushed to this repository. */
  createdOn: string;
}

interface RepositoryRecord {
  blobs: string[];
  manifests: Record<string, ManifestRecord>;
  tags: Record<string, string>;
}

const DIGEST = /^sha256:([a-f0-9]{64})$/;
const UPLOAD_ID = /^[0-9a-f-]{36}$/;
const BLOB_CHUNK_BYTES = 256 * 1024;

export class BlobStore {
  private readonly repositories: Record<string, RepositoryRecord>;
  private readonly indexFile: string;

  constructor(readonly dir: string) {
    // Blobs are the owner's alone, like everything in papi local's data directory.
    mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true, mode: 0o700 });
    mkdirSync(join(dir, 'uploads'), { recursive: true, mode: 0o700 });
    this.indexFile = join(dir, 'repositories.json');
    this.repositories = existsSync(this.indexFile) ? (JSON.parse(readFileSync(this.indexFile, 'utf8')) as Record<string, RepositoryRecord>) : {};
  }

  blobPath(digest: string): string {
    const match = DIGEST.exec(digest);
    if (!match) throw new Error(`not a sha256 digest: ${digest}`);
    return join(this.dir, 'blobs', 'sha256', match[1]!);
  }

  /** Size of the blob if `repository` holds it. */
  blobSize(repository: string, digest: string): number | undefined {
    if (!DIGEST.test(digest) || !this.repositories[repository]?.blobs.includes(digest)) return undefined;
    const path = this.blobPath(digest);
    return existsSync(path) ? statSync(path).size : undefined;
  }

  hasBlobAnywhere(digest: string): boolean {
    return DIGEST.test(digest) && existsSync(this.blobPath(digest));
  }

  link(repository: string, digest: string): void {
    const record = this.repository(repository);
    if (!record.blobs.includes(digest)) {
      record.blobs.push(digest);
      this.save();
    }
  }

  startUpload(): string {
    const id = randomUUID();
    writeFileSync(this.uploadPath(id), '', { mode: 0o600 });
    return id;
  }

  uploadSize(id: string): number | undefined {
    if (!UPLOAD_ID.test(id)) return undefined;
    const path = this.uploadPath(id);
    return existsSync(path) ? statSync(path).size : undefined;
  }

  async appendUpload(id: string, body: Readable): Promise<number> {
    await pipeline(body, createWriteStream(this.uploadPath(id), { flags: 'a' }));
    return statSync(this.uploadPath(id)).size;
  }

  cancelUpload(id: string): void {
    if (UPLOAD_ID.test(id)) rmSync(this.uploadPath(id), { force: true });
  }

  /** Verifies the upload's digest, then moves it into the blob store and links it; false on mismatch. */
  async commitUpload(id: string, repository: string, digest: string): Promise<boolean> {
    const path = this.uploadPath(id);
    const actual = await fileDigest(path);
    if (actual !== digest) return false;
    const target = this.blobPath(digest);
    if (existsSync(target)) rmSync(path);
    else renameSync(path, target);
    this.link(repository, digest);
    return true;
  }

  /** Stores bytes already in memory (manifests) under their digest. */
  putBytes(repository: string, digest: string, bytes: Buffer): void {
    const target = this.blobPath(digest);
    if (!existsSync(target)) {
      const temp = `${target}.${randomUUID()}`;
      writeFileSync(temp, bytes, { mode: 0o600 });
      renameSync(temp, target);
    }
    this.link(repository, digest);
  }

  putManifest(repository: string, digest: string, bytes: Buffer, mediaType: string, tag?: string): void {
    this.putBytes(repository, digest, bytes);
    const record = this.repository(repository);
    record.manifests[digest] ??= { mediaType, createdOn: new Date().toISOString() };
    if (tag !== undefined) record.tags[tag] = digest;
    this.save();
  }

  /** Resolves a tag or digest within a repository. */
  manifest(repository: string, reference: string): { digest: string; mediaType: string; createdOn: string; bytes: Buffer<ArrayBuffer> } | undefined {
    const record = this.repositories[repository];
    if (!record) return undefined;
    const digest = DIGEST.test(reference) ? reference : record.tags[reference];
    if (digest === undefined) return undefined;
    const meta = record.manifests[digest];
    if (!meta) return undefined;
    return { digest, ...meta, bytes: readFileSync(this.blobPath(digest)) };
  }

  tags(repository: string): string[] | undefined {
    const record = this.repositories[repository];
    return record ? Object.keys(record.tags).sort() : undefined;
  }

  /** Repository names under a prefix (`db/schema/repo/`), for SHOW IMAGES. */
  repositoryNames(prefix: string): string[] {
    return Object.keys(this.repositories).filter((name) => name.startsWith(prefix)).sort();
  }

  manifests(repository: string): Array<{ digest: string; createdOn: string; mediaType: string; tags: string[] }> {
    const record = this.repositories[repository];
    if (!record) return [];
    return Object.entries(record.manifests).map(([digest, meta]) => ({
      digest,
      ...meta,
      tags: Object.entries(record.tags)
        .filter(([, target]) => target === digest)
        .map(([tag]) => tag)
        .sort(),
    }));
  }

  /**
   * The blob as a web stream that reads the file as the client takes it. Pulled from a file handle
   * rather than Readable.toWeb(createReadStream()): on Node 20.15 that adapter throws an uncaught
   * "Controller is already closed" when a client goes away mid-download.
   */
  openBlob(digest: string): ReadableStream<Uint8Array> {
    const path = this.blobPath(digest);
    let file: FileHandle | undefined;
    return new ReadableStream<Uint8Array>({
      start: async () => {
        file = await open(path, 'r');
      },
      pull: async (controller) => {
        const chunk = Buffer.allocUnsafe(BLOB_CHUNK_BYTES);
        const { bytesRead } = await file!.read(chunk, 0, chunk.length, null);
        if (bytesRead > 0) return controller.enqueue(chunk.subarray(0, bytesRead));
        await file!.close();
        controller.close();
      },
      cancel: async () => {
        await file?.close();
      },
    });
  }

  private uploadPath(id: string): string {
    if (!UPLOAD_ID.test(id)) throw new Error(`not an upload id: ${id}`);
    return join(this.dir, 'uploads', id);
  }

  private repository(name: string): RepositoryRecord {
    return (this.repositories[name] ??= { blobs: [], manifests: {}, tags: {} });
  }

  private save(): void {
    const temp = `${this.indexFile}.tmp`;
    writeFileSync(temp, JSON.stringify(this.repositories), { mode: 0o600 });
    renameSync(temp, this.indexFile);
  }
}

export async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

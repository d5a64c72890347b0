// `--data movielens`: GroupLens's MovieLens 100K archive, downloaded once into the user's cache,
// checked against a pinned SHA-256 every time it is used, and read without unpacking to disk.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../ui/errors.js';
import type { InputFiles } from './convert.js';
import { ArchiveError, DataChecksumError, DataOfflineError } from './errors.js';
import { bufferLines } from './table.js';
import { ZipArchive } from './zip.js';

/**
 * GroupLens publishes an MD5 (0e33842e24a9c977be4e0107933c0723) beside the archive, no SHA-256.
 * This SHA-256 is the one several independent public projects pin for the same 4,924,029-byte
 * file, one of them after checking it against that MD5.
 */
export const MOVIELENS_100K = {
  url: 'https://files.grouplens.org/datasets/movielens/ml-100k.zip',
  sha256: '50d2a982c66986937beb9ffb3aa76efe955bf3d5c6b761f4e3a7cd717c6a3229',
  fileName: 'ml-100k.zip',
} as const;

export type DataProgress =
  | { stage: 'cached'; path: string }
  | { stage: 'download'; bytes: number; totalBytes?: number };

export interface ArchiveOptions {
  cacheDir: string;
  signal?: AbortSignal;
  fetch?: typeof globalThis.fetch;
  onProgress?: (progress: DataProgress) => void;
  /** Tests serve their own archive. */
  url?: string;
  sha256?: string;
}

/** The verified archive in the cache, downloading it first when it is missing or damaged. */
export async function movielensArchive(options: ArchiveOptions): Promise<{ path: string; downloaded: boolean }> {
  const url = options.url ?? MOVIELENS_100K.url;
  const expected = (options.sha256 ?? MOVIELENS_100K.sha256).toLowerCase();
  const path = join(options.cacheDir, MOVIELENS_100K.fileName);

  const cached = await readFile(path).catch(() => undefined);
  if (cached) {
    if (sha256(cached) === expected) {
      options.onProgress?.({ stage: 'cached', path });
      return { path, downloaded: false };
    }
    // A damaged or replaced copy: download it again rather than fail.
    await rm(path, { force: true });
  }

  await mkdir(options.cacheDir, { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  try {
    const actual = await download(url, partial, options);
    if (actual !== expected) throw new DataChecksumError(url, expected, actual);
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
  return { path, downloaded: true };
}

async function download(url: string, to: string, options: ArchiveOptions): Promise<string> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const offline = (error: unknown): never => {
    if (options.signal?.aborted) throw options.signal.reason ?? error;
    throw new DataOfflineError(url, error);
  };
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: options.signal, redirect: 'follow' });
  } catch (error) {
    return offline(error);
  }
  if (!response.ok || !response.body) {
    const body = await response.text().catch(() => '');
    throw new HttpError(`GET ${url}: ${response.status} ${response.statusText}`, response.status, body.slice(0, 500), {
      hint: 'GroupLens did not serve the archive; try again later, or use --data sample.',
    });
  }

  const totalBytes = Number(response.headers.get('content-length')) || undefined;
  const hash = createHash('sha256');
  let bytes = 0;
  let reported = 0;
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  const measure = async function* (chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.length;
      // About every 10 %, not per chunk.
      if (options.onProgress && (bytes === totalBytes || bytes - reported >= (totalBytes ?? 4_000_000) / 10)) {
        reported = bytes;
        options.onProgress({ stage: 'download', bytes, totalBytes });
      }
      yield chunk;
    }
  };
  try {
    await pipeline(body, measure, createWriteStream(to, { mode: 0o644 }), { signal: options.signal });
  } catch (error) {
    return offline(error);
  }
  return hash.digest('hex');
}

/** u.data, u.item and u.user from the archive (found under any folder, ml-100k/ in GroupLens's). */
export async function movielensInputs(archivePath: string, shown: string = MOVIELENS_100K.fileName): Promise<InputFiles> {
  const zip = ZipArchive.open(await readFile(archivePath), shown);
  const entry = (name: string, required: boolean) => {
    const found = zip.find(name);
    if (!found) {
      if (required) throw new ArchiveError(shown, `no ${name} in the archive`);
      return undefined;
    }
    return bufferLines(zip.read(found), `${shown} › ${found.name}`, 'latin1');
  };
  return { format: 'grouplens', ratings: entry('u.data', true)!, titles: entry('u.item', true)!, users: entry('u.user', false) };
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

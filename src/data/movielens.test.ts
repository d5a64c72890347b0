import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpError } from '../ui/errors.js';
import { serve, tempDir, zipOf, type TestServer } from './__tests__/support.js';
import { ArchiveError, cacheDirFromEnv, DataChecksumError, DataOfflineError, prepareData, type DataProgress, type PrepareDataOptions } from './index.js';
import { MOVIELENS_100K } from './movielens.js';

// A small archive laid out as GroupLens's ml-100k.zip.
const ARCHIVE = zipOf({
  'ml-100k/': '',
  'ml-100k/README': 'SUMMARY & USAGE LICENSE\n',
  'ml-100k/u.data': '196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n',
  'ml-100k/u.item': Buffer.from(
    '242|Kolya (1996)|24-Jan-1997||http://x|0\n302|L.A. Confidential (1997)|01-Jan-1997||http://y|0\n377|Caf\xe9 Heavyweights (1994)|01-Jan-1994||http://z|0\n',
    'latin1',
  ),
  'ml-100k/u.user': '22|25|M|writer|40206\n186|39|F|executive|00000\n196|49|M|writer|55105\n',
});
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: TestServer;
let body: Buffer;
let status: number;
let cacheDir: string;

beforeEach(async () => {
  tmp = await tempDir();
  cacheDir = join(tmp.path, 'cache', 'papi');
  body = ARCHIVE;
  status = 200;
  server = await serve((req, res) => {
    if (req.url !== '/ml-100k.zip' || status !== 200) {
      res.writeHead(status === 200 ? 404 : status).end('not here');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length }).end(body);
  });
});
afterEach(async () => {
  await server.close();
  await tmp.remove();
});

const options = (extra: Partial<PrepareDataOptions> = {}): PrepareDataOptions => ({
  cacheDir,
  tmpDir: tmp.path,
  movielens: { url: `${server.url}/ml-100k.zip`, sha256: sha256(ARCHIVE) },
  ...extra,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a failure'),
    (error: unknown) => error,
  );
}

describe('--data movielens', () => {
  it('downloads the archive once, caches it, checks it and converts u.data, u.item and u.user', async () => {
    const progress: DataProgress[] = [];
    const first = await prepareData('movielens', options({ onProgress: (p) => progress.push(p) }));
    try {
      expect(server.requests).toBe(1);
      expect(first.source).toBe('movielens (downloaded) · 3 users, 3 ratings, 3 titles');
      expect(progress.at(-1)).toEqual({ stage: 'download', bytes: ARCHIVE.length, totalBytes: ARCHIVE.length });
      expect(await readFile(join(cacheDir, 'ml-100k.zip'))).toEqual(ARCHIVE);
      expect(await readFile(first.files.ratings, 'utf8')).toBe(
        'USER_ID,ITEM_ID,RATING,TIMESTAMP\n196,242,3,1997-12-04 15:55:49\n186,302,3,1998-04-04 19:22:22\n22,377,1,1997-11-07 07:18:36\n',
      );
      expect(await readFile(first.files.titles, 'utf8')).toBe(
        'ITEM_ID,TITLE\n242,"Kolya (1996)"\n302,"L.A. Confidential (1997)"\n377,"Café Heavyweights (1994)"\n',
      );
      expect(await readFile(first.files.users, 'utf8')).toBe('ID\n22\n186\n196\n');

      const second = await prepareData('movielens', options({ onProgress: (p) => progress.push(p) }));
      expect(server.requests).toBe(1);
      expect(second.source).toMatch(/^movielens \(cached\)/);
      expect(progress.at(-1)).toEqual({ stage: 'cached', path: join(cacheDir, 'ml-100k.zip') });
      expect(await readFile(second.files.ratings)).toEqual(await readFile(first.files.ratings));
      await second.remove();
    } finally {
      await first.remove();
    }
  });

  it('refuses an archive whose SHA-256 does not match, and keeps nothing of it', async () => {
    const error = await rejection(prepareData('movielens', options({ movielens: { url: `${server.url}/ml-100k.zip`, sha256: '0'.repeat(64) } })));
    expect(error).toBeInstanceOf(DataChecksumError);
    expect((error as DataChecksumError).message).toContain(sha256(ARCHIVE));
    expect((error as DataChecksumError).exitCode).toBe(4);
    expect(await readdir(cacheDir)).toEqual([]);
    // No output folder is left either.
    expect((await readdir(tmp.path)).filter((f) => f.startsWith('papi-data-'))).toEqual([]);
  });

  it('replaces a damaged cached copy by downloading it again', async () => {
    await mkdir(cacheDir, { recursive: true });
    await writeFile(join(cacheDir, 'ml-100k.zip'), ARCHIVE.subarray(0, 100));
    const prepared = await prepareData('movielens', options());
    await prepared.remove();
    expect(server.requests).toBe(1);
    expect(sha256(await readFile(join(cacheDir, 'ml-100k.zip')))).toBe(sha256(ARCHIVE));
  });

  it('says plainly that GroupLens cannot be reached, and what to do instead', async () => {
    const closed = server.url;
    await server.close();
    server = await serve(() => undefined); // afterEach closes this one
    const error = await rejection(prepareData('movielens', options({ movielens: { url: `${closed}/ml-100k.zip`, sha256: sha256(ARCHIVE) } })));
    expect(error).toBeInstanceOf(DataOfflineError);
    expect((error as DataOfflineError).message).toMatch(/cannot download http:\/\/127\.0\.0\.1:\d+\/ml-100k\.zip: ECONNREFUSED/);
    expect((error as DataOfflineError).hint).toMatch(/--data sample/);
    expect((error as DataOfflineError).exitCode).toBe(4);
  });

  it('reports a truncated archive', async () => {
    body = ARCHIVE.subarray(0, ARCHIVE.length - 40);
    const error = await rejection(prepareData('movielens', options({ movielens: { url: `${server.url}/ml-100k.zip`, sha256: sha256(body) } })));
    expect(error).toBeInstanceOf(ArchiveError);
    expect((error as ArchiveError).message).toMatch(/^ml-100k\.zip: truncated/);
  });

  it('reports an archive without u.data', async () => {
    body = zipOf({ 'ml-100k/u.item': '1|Toy Story (1995)|x\n' });
    const error = await rejection(prepareData('movielens', options({ movielens: { url: `${server.url}/ml-100k.zip`, sha256: sha256(body) } })));
    expect((error as ArchiveError).message).toBe('ml-100k.zip: no u.data in the archive');
  });

  it('reports an HTTP error status', async () => {
    status = 503;
    const error = await rejection(prepareData('movielens', options()));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(503);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(prepareData('movielens', options({ signal: controller.signal })));
    expect(error).not.toBeInstanceOf(DataOfflineError);
    expect((error as Error).name).toBe('AbortError');
  });

  it('pins the published archive', () => {
    expect(MOVIELENS_100K.url).toBe('https://files.grouplens.org/datasets/movielens/ml-100k.zip');
    expect(MOVIELENS_100K.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('--data <file>.zip', () => {
  it("reads a GroupLens archive the user already has, without the network", async () => {
    await writeFile(join(tmp.path, 'ml-100k.zip'), ARCHIVE);
    const prepared = await prepareData('ml-100k.zip', { cacheDir, tmpDir: tmp.path, cwd: tmp.path });
    await prepared.remove();
    expect(prepared.source).toBe("ml-100k.zip (GroupLens's files) · 3 users, 3 ratings, 3 titles");
    expect(server.requests).toBe(0);
  });
});

describe('cacheDirFromEnv', () => {
  it('uses $XDG_CACHE_HOME/papi, else ~/.cache/papi', () => {
    expect(cacheDirFromEnv({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe('/x/cache/papi');
    expect(cacheDirFromEnv({ HOME: '/home/u' })).toBe('/home/u/.cache/papi');
    // A relative XDG_CACHE_HOME is invalid by the spec and ignored.
    expect(cacheDirFromEnv({ XDG_CACHE_HOME: 'rel', HOME: '/home/u' })).toBe('/home/u/.cache/papi');
  });
});

// Stage files over HTTP, the way the driver moves them on a Google Cloud Storage stage: PUT and GET
// answer `locationType: GCS` with an endpoint on papi local and a bearer token scoped to one stage
// folder, and the driver uploads, checks (HEAD) and downloads each file itself. Like Snowflake's own
// stages this keeps the files on the server's side: the driver's local paths are its own (a relative
// GET path resolves in the client's working directory), PUT … OVERWRITE = FALSE skips a file that is
// there (the driver asks first), and a PUT of an in-memory stream (the driver's stage array binding,
// which a LOCAL_FS stage cannot take) works.
// The driver's side: lib/file_transfer_agent/gcs_util.js at the commit the fidelity suite pins; the
// object paths are the stage's folder name, then the file's path inside the stage.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Hono, type Context } from 'hono';
import { answerErrorsWith } from '../http/error-middleware.js';
import type { LocalHttpEnv } from '../http/local-http-env.js';
import { bodyStream, requestHeader } from '../http/request-body.js';
import type { StageAccess, StageTransport } from '../platform.js';
import type { LocalTokenAuthority } from '../tokens.js';

/** Where the app is routed on papi local's one address. */
export const STAGE_STORAGE_PATH = '/papi-stage-storage';
/** A transfer token outlives the longest PUT or GET the driver runs (it retries a 401 by asking again). */
const TOKEN_SECONDS = 3600;
const FOLDER = /^[A-Za-z0-9_-]+$/;

export interface StageStorageOptions {
  /** The data directory's stages/ folder. */
  stagesDir: string;
  tokens: LocalTokenAuthority;
  /** http://127.0.0.1:PORT, known once the server listens. */
  accessUrl: () => string;
}

export interface StageStorage {
  app: Hono<LocalHttpEnv>;
  transport: StageTransport;
}

class StorageError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404,
    message: string,
  ) {
    super(message);
  }
}

export function createStageStorage(options: StageStorageOptions): StageStorage {
  const { tokens, stagesDir } = options;
  // Files being received wait outside every stage's folder, so LIST and COPY never see half of one;
  // what a stopped papi local left there is gone with the next start.
  const partials = join(stagesDir, '.uploads');
  rmSync(partials, { recursive: true, force: true });
  // Stage files are the owner's alone, like everything in papi local's data directory.
  mkdirSync(partials, { recursive: true, mode: 0o700 });

  const transport: StageTransport = {
    stageInfo: ({ folder, path, write }: StageAccess) => ({
      locationType: 'GCS',
      location: path === '' ? folder : `${folder}/${path}`,
      path,
      region: 'local',
      endPoint: `${options.accessUrl()}${STAGE_STORAGE_PATH}`,
      creds: { GCS_ACCESS_TOKEN: tokens.issue({ kind: 'stage', user: '', stage: { folder, write } }, TOKEN_SECONDS) },
      isClientSideEncrypted: false,
      useRegionalUrl: false,
      useVirtualUrl: false,
    }),
  };

  /** The file a request names, after checking its token covers that folder (and writing, for a PUT). */
  const fileOf = (c: Context<LocalHttpEnv>, write: boolean): string => {
    const auth = requestHeader(c, 'authorization') ?? '';
    const claims = auth.startsWith('Bearer ') ? tokens.verify(auth.slice(7), 'stage') : undefined;
    if (claims === undefined || claims === 'expired' || !claims.stage) throw new StorageError(401, 'a valid stage transfer token is required');
    const segments = c.req.path.slice(STAGE_STORAGE_PATH.length).split('/').filter((s) => s !== '');
    let names: string[];
    try {
      names = segments.map((s) => decodeURIComponent(s));
    } catch {
      throw new StorageError(400, 'malformed object path');
    }
    const [folder, ...path] = names;
    if (!folder || !FOLDER.test(folder) || path.length === 0 || path.some((p) => p === '.' || p === '..' || /[/\\\0]/.test(p)))
      throw new StorageError(400, 'the object path names a stage folder and a file inside it');
    if (folder !== claims.stage.folder || (write && !claims.stage.write)) throw new StorageError(403, 'the token does not cover this stage');
    return join(stagesDir, folder, ...path);
  };

  const app = new Hono<LocalHttpEnv>();
  app.onError(
    answerErrorsWith((error, c) => {
      if (error instanceof StorageError) return c.json({ error: { code: error.status, message: error.message } }, error.status);
      return c.json({ error: { code: 500, message: error instanceof Error ? error.message : String(error) } }, 500);
    }),
  );

  /** Resumable uploads in progress (GCS's XML API, which the driver uses for large files): upload id → where it stands. */
  const uploads = new Map<string, { file: string; partial: string; received: number }>();

  // Starts a resumable upload: the session's URL is the object's with an upload_id.
  app.post('/*', (c) => {
    const file = fileOf(c, true);
    if (requestHeader(c, 'x-goog-resumable') !== 'start') throw new StorageError(400, 'only resumable uploads start with POST (x-goog-resumable: start)');
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const id = randomUUID();
    const partial = join(partials, id);
    writeFileSync(partial, '', { mode: 0o600 });
    uploads.set(id, { file, partial, received: 0 });
    const url = new URL(c.req.url);
    return c.body(null, 201, { location: `${options.accessUrl()}${url.pathname}?upload_id=${id}` });
  });

  app.put('/*', async (c) => {
    const file = fileOf(c, true);
    const id = c.req.query('upload_id');
    if (id !== undefined) return resumeUpload(c, file, id);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const partial = join(partials, randomUUID());
    try {
      await pipeline(bodyStream(c), createWriteStream(partial, { mode: 0o600 }));
      renameSync(partial, file);
    } catch (error) {
      rmSync(partial, { force: true });
      throw error;
    }
    return c.body(null, 200);
  });

  /** One chunk of a resumable upload (Content-Range: bytes START-END/TOTAL): 308 with the bytes kept so far until the last. */
  const resumeUpload = async (c: Context<LocalHttpEnv>, file: string, id: string): Promise<Response> => {
    const upload = uploads.get(id);
    if (!upload || upload.file !== file) throw new StorageError(404, 'no such upload');
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(requestHeader(c, 'content-range') ?? '');
    if (!range || Number(range[1]) !== upload.received) throw new StorageError(400, `expected Content-Range bytes ${upload.received}-…/total`);
    await pipeline(bodyStream(c), createWriteStream(upload.partial, { flags: 'a' }));
    upload.received = statSync(upload.partial).size;
    if (upload.received < Number(range[3])) return c.body(null, 308, { range: `bytes=0-${upload.received - 1}` });
    uploads.delete(id);
    renameSync(upload.partial, file);
    return c.body(null, 200);
  };

  app.delete('/*', (c) => {
    const file = fileOf(c, true);
    const id = c.req.query('upload_id');
    const upload = id === undefined ? undefined : uploads.get(id);
    if (!upload || upload.file !== file) throw new StorageError(404, 'no such upload');
    uploads.delete(id!);
    rmSync(upload.partial, { force: true });
    return c.body(null, 204);
  });

  app.on(['GET', 'HEAD'], '/*', (c) => {
    const file = fileOf(c, false);
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      throw new StorageError(404, 'no such file in the stage');
    }
    const headers = { 'content-length': String(size), 'content-type': 'application/octet-stream' };
    if (c.req.method === 'HEAD') return c.body(null, 200, headers);
    return c.body(Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>, 200, headers);
  });

  return { app, transport };
}

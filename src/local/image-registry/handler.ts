// papi local's OCI distribution endpoint: the subset a push and a pull need. Mounted by the SQL API
// server on its own port under /v2/ and /login; answers false for any other path.
//
// Auth is Snowflake's: GET /login with Basic `0sessiontoken` + {"token": <session token>} gives a
// bearer token; /v2/ without one answers 401 with a Bearer challenge pointing at /login. Every
// repository request is checked against the catalog (READ to pull, WRITE to push); a missing
// privilege answers 401 with error="insufficient_scope", as token-auth registries do.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDigest, isTag, MANIFEST_MEDIA_TYPES, INDEX_MEDIA_TYPES, sha256Digest, type ImageIndex, type ImageManifest } from '../../image/oci.js';
import type { AccountDirectory, TokenAuthority } from '../platform.js';
import type { BlobStore } from './store.js';
import type { RegistryTokens } from './bearer-tokens.js';
import { parseRepository } from './names.js';

export type RegistryHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export interface HandlerDeps {
  store: BlobStore;
  registryTokens: RegistryTokens;
  tokens: TokenAuthority;
  directory: () => AccountDirectory;
  tokenTtlSeconds: number;
}

const SERVICE = 'papi-local-registry';
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const SESSION_TOKEN_USER = '0sessiontoken';

type Access = 'READ' | 'WRITE';
type RouteKind = 'upload' | 'blob' | 'manifest' | 'tags';

export function createRegistryHandler(deps: HandlerDeps): RegistryHandler {
  /** Upload sessions belong to the repository that started them. */
  const uploads = new Map<string, string>();

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://registry.invalid');
    const path = url.pathname;
    if (path === '/login') {
      await login(req, res, deps);
      return true;
    }
    if (path !== '/v2' && !path.startsWith('/v2/')) return false;
    try {
      await route(req, res, url, deps, uploads);
    } catch (error) {
      if (!res.headersSent) sendError(res, 500, 'UNKNOWN', 'internal registry error', String((error as Error).message ?? error));
      else res.destroy();
    }
    return true;
  };
}

async function login(req: IncomingMessage, res: ServerResponse, deps: HandlerDeps): Promise<void> {
  drain(req);
  const credentials = basicCredentials(req.headers.authorization);
  const user = credentials ? sessionUser(credentials, deps.tokens) : undefined;
  if (!user) {
    res.setHeader('www-authenticate', `Basic realm="${SERVICE}"`);
    sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required: log in with user 0sessiontoken and a Snowflake session token' }] });
    return;
  }
  sendJson(res, 200, { token: deps.registryTokens.issue(user, deps.tokenTtlSeconds), expires_in: deps.tokenTtlSeconds });
}

/** `0sessiontoken` / {"token": …}: the user of a valid SQL API session token. */
function sessionUser(credentials: { username: string; password: string }, tokens: TokenAuthority): string | undefined {
  if (credentials.username !== SESSION_TOKEN_USER) return undefined;
  try {
    const body = JSON.parse(credentials.password) as { token?: unknown };
    if (typeof body.token !== 'string') return undefined;
    return tokens.verifySessionToken(body.token)?.user;
  } catch {
    return undefined;
  }
}

function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function authenticate(req: IncomingMessage, deps: HandlerDeps): string | undefined {
  const header = req.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return deps.registryTokens.verify(bearer[1]!);
  const basic = basicCredentials(header);
  return basic ? sessionUser(basic, deps.tokens) : undefined;
}

function challenge(req: IncomingMessage, scope?: string, error?: string): string {
  const realm = `http://${req.headers.host ?? '127.0.0.1'}/login`;
  return [`Bearer realm="${realm}"`, `service="${SERVICE}"`, ...(scope ? [`scope="${scope}"`] : []), ...(error ? [`error="${error}"`] : [])].join(',');
}

async function route(req: IncomingMessage, res: ServerResponse, url: URL, deps: HandlerDeps, uploads: Map<string, string>): Promise<void> {
  const method = req.method ?? 'GET';
  res.setHeader('docker-distribution-api-version', 'registry/2.0');
  const user = authenticate(req, deps);
  if (!user) {
    drain(req);
    res.setHeader('www-authenticate', challenge(req, scopeFor(url.pathname, method)));
    sendError(res, 401, 'UNAUTHORIZED', 'authentication required');
    return;
  }
  const path = url.pathname;
  if (path === '/v2' || path === '/v2/') {
    drain(req);
    sendJson(res, 200, {});
    return;
  }

  const routes: Array<[RouteKind, RegExp]> = [
    ['upload', /^\/v2\/(.+)\/blobs\/uploads\/?$/],
    ['upload', /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/],
    ['blob', /^\/v2\/(.+)\/blobs\/([^/]+)$/],
    ['manifest', /^\/v2\/(.+)\/manifests\/([^/]+)$/],
    ['tags', /^\/v2\/(.+)\/tags\/list$/],
  ];
  let kind: RouteKind | undefined;
  let match: RegExpExecArray | null = null;
  for (const [candidate, pattern] of routes) {
    match = pattern.exec(path);
    if (match) {
      kind = candidate;
      break;
    }
  }
  if (!match || !kind) {
    drain(req);
    sendError(res, 404, 'NAME_UNKNOWN', 'no such endpoint');
    return;
  }
  const name = match[1]!;
  const repository = parseRepository(name);
  if (!repository) {
    drain(req);
    sendError(res, 400, 'NAME_INVALID', `invalid repository name "${name}": expected <database>/<schema>/<image repository>/<image> in lower case`);
    return;
  }
  const needs: Access = method === 'GET' || method === 'HEAD' || kind === 'tags' ? 'READ' : 'WRITE';
  if (!deps.directory().canUseImageRepository(user, repository.key, needs)) {
    drain(req);
    res.setHeader('www-authenticate', challenge(req, `repository:${name}:${needs === 'READ' ? 'pull' : 'pull,push'}`, 'insufficient_scope'));
    sendError(res, 401, 'DENIED', `requested access to the resource is denied: the role needs ${needs} on image repository ${repository.key.database}.${repository.key.schema}.${repository.key.name}`);
    return;
  }

  switch (kind) {
    case 'upload':
      return uploadRoute(req, res, url, name, match[2], deps, uploads);
    case 'blob':
      return blobRoute(req, res, name, match[2]!, deps);
    case 'manifest':
      return manifestRoute(req, res, name, match[2]!, deps);
    default: {
      drain(req);
      if (method !== 'GET') return sendError(res, 405, 'UNSUPPORTED', `${method} is not supported here`);
      const tags = deps.store.tags(name);
      if (tags === undefined) return sendError(res, 404, 'NAME_UNKNOWN', `repository ${name} has no images`);
      const n = Number(url.searchParams.get('n') ?? '0');
      const last = url.searchParams.get('last');
      let page = last ? tags.filter((tag) => tag > last) : tags;
      if (n > 0) page = page.slice(0, n);
      sendJson(res, 200, { name, tags: page });
    }
  }
}

/** The scope a client will need, so the challenge can name it. */
function scopeFor(path: string, method: string): string | undefined {
  const match = /^\/v2\/(.+)\/(blobs|manifests|tags)\//.exec(path);
  if (!match) return undefined;
  return `repository:${match[1]}:${method === 'GET' || method === 'HEAD' ? 'pull' : 'pull,push'}`;
}

async function blobRoute(req: IncomingMessage, res: ServerResponse, name: string, digest: string, deps: HandlerDeps): Promise<void> {
  drain(req);
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') return sendError(res, 405, 'UNSUPPORTED', `${method} on a blob is not supported`);
  if (!isDigest(digest)) return sendError(res, 400, 'DIGEST_INVALID', `invalid digest ${digest}`);
  const size = deps.store.blobSize(name, digest);
  if (size === undefined) return sendError(res, 404, 'BLOB_UNKNOWN', `blob ${digest} is not in ${name}`, undefined, method === 'HEAD');
  res.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream', 'docker-content-digest': digest, etag: `"${digest}"` });
  if (method === 'HEAD') {
    res.end();
    return;
  }
  deps.store.openBlob(digest).pipe(res);
}

async function uploadRoute(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  name: string,
  id: string | undefined,
  deps: HandlerDeps,
  uploads: Map<string, string>,
): Promise<void> {
  const method = req.method ?? 'GET';
  const { store } = deps;
  if (id === undefined) {
    if (method !== 'POST') {
      drain(req);
      return sendError(res, 405, 'UNSUPPORTED', `${method} on uploads is not supported`);
    }
    const mount = url.searchParams.get('mount');
    const from = url.searchParams.get('from');
    if (mount && from) {
      const fromRepository = parseRepository(from);
      const user = authenticate(req, deps)!;
      if (isDigest(mount) && fromRepository && deps.directory().canUseImageRepository(user, fromRepository.key, 'READ') && store.blobSize(from, mount) !== undefined) {
        drain(req);
        store.link(name, mount);
        res.writeHead(201, { location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount, 'content-length': '0' });
        res.end();
        return;
      }
      // Not mountable: fall through to a normal upload session, as the spec says.
    }
    const uploadId = store.startUpload();
    uploads.set(uploadId, name);
    const digest = url.searchParams.get('digest');
    if (digest) {
      await store.appendUpload(uploadId, req);
      return finishUpload(res, name, uploadId, digest, deps, uploads);
    }
    drain(req);
    res.writeHead(202, { location: `/v2/${name}/blobs/uploads/${uploadId}`, range: '0-0', 'docker-upload-uuid': uploadId, 'content-length': '0' });
    res.end();
    return;
  }

  const size = uploads.get(id) === name ? store.uploadSize(id) : undefined;
  if (size === undefined) {
    drain(req);
    return sendError(res, 404, 'BLOB_UPLOAD_UNKNOWN', `upload ${id} is unknown`);
  }
  switch (method) {
    case 'GET':
      drain(req);
      res.writeHead(204, { location: `/v2/${name}/blobs/uploads/${id}`, range: `0-${Math.max(0, size - 1)}`, 'docker-upload-uuid': id });
      res.end();
      return;
    case 'DELETE':
      drain(req);
      store.cancelUpload(id);
      uploads.delete(id);
      res.writeHead(204);
      res.end();
      return;
    case 'PATCH': {
      const range = req.headers['content-range'];
      if (range !== undefined) {
        const start = /^(?:bytes )?(\d+)-(\d+)$/.exec(range);
        if (!start || Number(start[1]) !== size) {
          drain(req);
          res.setHeader('range', `0-${Math.max(0, size - 1)}`);
          return sendError(res, 416, 'BLOB_UPLOAD_INVALID', `chunk must start at ${size}`);
        }
      }
      const total = await store.appendUpload(id, req);
      res.writeHead(202, { location: `/v2/${name}/blobs/uploads/${id}`, range: `0-${Math.max(0, total - 1)}`, 'docker-upload-uuid': id, 'content-length': '0' });
      res.end();
      return;
    }
    case 'PUT': {
      const digest = url.searchParams.get('digest');
      if (!digest || !isDigest(digest)) {
        drain(req);
        return sendError(res, 400, 'DIGEST_INVALID', 'PUT needs ?digest=sha256:…');
      }
      await store.appendUpload(id, req);
      return finishUpload(res, name, id, digest, deps, uploads);
    }
    default:
      drain(req);
      return sendError(res, 405, 'UNSUPPORTED', `${method} on an upload is not supported`);
  }
}

async function finishUpload(res: ServerResponse, name: string, id: string, digest: string, deps: HandlerDeps, uploads: Map<string, string>): Promise<void> {
  uploads.delete(id);
  if (!isDigest(digest) || !(await deps.store.commitUpload(id, name, digest))) {
    deps.store.cancelUpload(id);
    return sendError(res, 400, 'DIGEST_INVALID', `uploaded content does not match digest ${digest}`);
  }
  res.writeHead(201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest, 'content-length': '0' });
  res.end();
}

async function manifestRoute(req: IncomingMessage, res: ServerResponse, name: string, reference: string, deps: HandlerDeps): Promise<void> {
  const method = req.method ?? 'GET';
  if (!isDigest(reference) && !isTag(reference)) {
    drain(req);
    return sendError(res, 400, isDigest(reference) ? 'DIGEST_INVALID' : 'TAG_INVALID', `invalid reference ${reference}`);
  }
  if (method === 'GET' || method === 'HEAD') {
    drain(req);
    const manifest = deps.store.manifest(name, reference);
    if (!manifest) return sendError(res, 404, 'MANIFEST_UNKNOWN', `manifest ${reference} is not in ${name}`, undefined, method === 'HEAD');
    res.writeHead(200, { 'content-type': manifest.mediaType, 'content-length': String(manifest.bytes.length), 'docker-content-digest': manifest.digest, etag: `"${manifest.digest}"` });
    res.end(method === 'HEAD' ? undefined : manifest.bytes);
    return;
  }
  if (method !== 'PUT') {
    drain(req);
    return sendError(res, 405, 'UNSUPPORTED', `${method} on a manifest is not supported`);
  }
  const bytes = await readBody(req, MAX_MANIFEST_BYTES);
  if (!bytes) return sendError(res, 413, 'SIZE_INVALID', `manifest larger than ${MAX_MANIFEST_BYTES} bytes`);
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
  const problem = checkManifest(bytes, contentType, name, deps.store);
  if (problem) return sendError(res, 400, problem.code, problem.message, problem.detail);
  const digest = sha256Digest(bytes);
  if (isDigest(reference) && reference !== digest) return sendError(res, 400, 'DIGEST_INVALID', `manifest digest is ${digest}, not ${reference}`);
  deps.store.putManifest(name, digest, bytes, contentType, isDigest(reference) ? undefined : reference);
  res.writeHead(201, { location: `/v2/${name}/manifests/${digest}`, 'docker-content-digest': digest, 'content-length': '0' });
  res.end();
}

/** Content type, shape and every referenced blob present in this repository with its declared size. */
function checkManifest(bytes: Buffer, contentType: string, name: string, store: BlobStore): { code: string; message: string; detail?: unknown } | undefined {
  if (!MANIFEST_MEDIA_TYPES.includes(contentType) && !INDEX_MEDIA_TYPES.includes(contentType)) {
    return { code: 'MANIFEST_INVALID', message: `unsupported manifest content type "${contentType}"` };
  }
  let document: Partial<ImageManifest & ImageIndex>;
  try {
    document = JSON.parse(bytes.toString('utf8')) as Partial<ImageManifest & ImageIndex>;
  } catch {
    return { code: 'MANIFEST_INVALID', message: 'manifest is not JSON' };
  }
  if (document.schemaVersion !== 2) return { code: 'MANIFEST_INVALID', message: 'schemaVersion must be 2' };
  if (document.mediaType !== undefined && document.mediaType !== contentType) {
    return { code: 'MANIFEST_INVALID', message: `mediaType ${document.mediaType} does not match Content-Type ${contentType}` };
  }
  if (INDEX_MEDIA_TYPES.includes(contentType)) {
    for (const entry of document.manifests ?? []) {
      if (!store.manifest(name, entry.digest)) return { code: 'MANIFEST_BLOB_UNKNOWN', message: `manifest ${entry.digest} is not in ${name}`, detail: { digest: entry.digest } };
    }
    return undefined;
  }
  if (!document.config || !Array.isArray(document.layers)) return { code: 'MANIFEST_INVALID', message: 'manifest needs config and layers' };
  for (const descriptor of [document.config, ...document.layers]) {
    if (!descriptor || typeof descriptor.digest !== 'string' || !isDigest(descriptor.digest)) {
      return { code: 'MANIFEST_INVALID', message: 'a descriptor has no valid digest' };
    }
    const size = store.blobSize(name, descriptor.digest);
    if (size === undefined) return { code: 'MANIFEST_BLOB_UNKNOWN', message: `blob unknown to registry: ${descriptor.digest}`, detail: { digest: descriptor.digest } };
    if (size !== descriptor.size) return { code: 'MANIFEST_INVALID', message: `blob ${descriptor.digest} is ${size} bytes, the manifest says ${descriptor.size}` };
  }
  return undefined;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function drain(req: IncomingMessage): void {
  if (!req.readableEnded) req.resume();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, detail?: unknown, headOnly = false): void {
  if (headOnly) {
    res.writeHead(status, { 'content-length': '0' });
    res.end();
    return;
  }
  sendJson(res, status, { errors: [{ code, message, ...(detail !== undefined ? { detail } : {}) }] });
}


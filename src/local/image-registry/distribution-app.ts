// papi local's OCI distribution API, the subset a push and a pull need, as a Hono app routed under
// /v2 (paths below are relative to it). Blobs stream from and to disk; only manifests are read whole.
//
// Auth is Snowflake's: GET /login (registry-login.ts) turns a session token into a bearer token; a
// request without one answers 401 with a Bearer challenge pointing at /login. Every repository
// request is checked against the catalog (READ to pull, WRITE to push); a missing privilege answers
// 401 with error="insufficient_scope", as token-auth registries do.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { answerErrorsWith } from '../http/error-middleware.js';
import type { LocalHttpEnv } from '../http/local-http-env.js';
import { bodyStream, BodyTooLargeError, readBody, requestHeader } from '../http/request-body.js';
import { authenticatedUser, REGISTRY_SERVICE, type RegistryAuth } from './registry-login.js';
import { parseRepository, type RepositoryName } from './names.js';
import { OciError, ociErrorAnswer } from './oci-errors.js';
import { IMAGE_INDEX_TYPES, IMAGE_MANIFEST_TYPES, isDigest, isTag, sha256DigestOf, type OciImageIndex, type OciImageManifest } from './oci-spec.js';
import type { BlobStore } from './store.js';

export interface DistributionDeps extends RegistryAuth {
  store: BlobStore;
}

export interface DistributionEnv extends LocalHttpEnv {
  Variables: {
    /** The authenticated user (set by the auth middleware). */
    user: string;
    /** The repository of a /v2/<name>/… request, checked against the catalog. */
    repository: RepositoryName;
  };
}

type RegistryContext = Context<DistributionEnv>;

const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const NAME = ':name{.+}';

export function createDistributionApp(deps: DistributionDeps): Hono<DistributionEnv> {
  const { store } = deps;
  /** Upload sessions belong to the repository that started them. */
  const uploads = new Map<string, string>();
  const app = new Hono<DistributionEnv>();
  app.onError(answerErrorsWith(ociErrorAnswer));

  app.use('*', async (c, next) => {
    c.header('docker-distribution-api-version', 'registry/2.0');
    const user = authenticatedUser(c, deps);
    if (!user) throw new OciError(401, 'UNAUTHORIZED', 'authentication required', undefined, { 'www-authenticate': challenge(c, scopeFor(c.req.path, c.req.method)) });
    c.set('user', user);
    await next();
  });

  // The version check: /v2 and /v2/ (Hono joins the mount path and '/' into /v2, hence the empty segment).
  app.all('/', (c) => c.json({}));
  app.all('/:trailingSlash{^$}', (c) => c.json({}));

  // Order matters: `…/blobs/uploads` would also match the blob route.
  for (const path of [`/${NAME}/blobs/uploads`, `/${NAME}/blobs/uploads/`]) {
    app.all(path, checkAccess(deps, pullOrPush), async (c) => {
      if (c.req.method !== 'POST') throw unsupported(`${c.req.method} on uploads is not supported`);
      return startUpload(c, deps, uploads);
    });
  }
  app.all(`/${NAME}/blobs/uploads/:id`, checkAccess(deps, pullOrPush), (c) => continueUpload(c, deps, uploads));
  app.all(`/${NAME}/blobs/:digest`, checkAccess(deps, pullOrPush), (c) => serveBlob(c, store));
  app.all(`/${NAME}/manifests/:reference`, checkAccess(deps, pullOrPush), (c) => manifest(c, store));
  app.all(`/${NAME}/tags/list`, checkAccess(deps, () => 'READ'), (c) => listTags(c, store));
  app.all('*', () => {
    throw new OciError(404, 'NAME_UNKNOWN', 'no such endpoint');
  });
  return app;
}

type Access = 'READ' | 'WRITE';

const pullOrPush = (method: string): Access => (method === 'GET' || method === 'HEAD' ? 'READ' : 'WRITE');

/** A valid repository name the user may use as `needs` says (else 400 NAME_INVALID or 401 DENIED). */
function checkAccess(deps: DistributionDeps, needs: (method: string) => Access): MiddlewareHandler<DistributionEnv> {
  return async (c, next) => {
    const name = c.req.param('name') ?? '';
    const repository = parseRepository(name);
    if (!repository) {
      throw new OciError(400, 'NAME_INVALID', `invalid repository name "${name}": expected <database>/<schema>/<image repository>/<image> in lower case`);
    }
    const access = needs(c.req.method);
    if (!deps.directory().canUseImageRepository(c.var.user, repository.key, access)) {
      const { database, schema, name: imageRepository } = repository.key;
      const scope = `repository:${name}:${access === 'READ' ? 'pull' : 'pull,push'}`;
      throw new OciError(401, 'DENIED', `requested access to the resource is denied: the role needs ${access} on image repository ${database}.${schema}.${imageRepository}`, undefined, {
        'www-authenticate': challenge(c, scope, 'insufficient_scope'),
      });
    }
    c.set('repository', repository);
    await next();
  };
}

function challenge(c: RegistryContext, scope?: string, error?: string): string {
  const realm = `http://${requestHeader(c, 'host') ?? '127.0.0.1'}/login`;
  return [`Bearer realm="${realm}"`, `service="${REGISTRY_SERVICE}"`, ...(scope ? [`scope="${scope}"`] : []), ...(error ? [`error="${error}"`] : [])].join(',');
}

/** The scope a client will need, so the challenge can name it. */
function scopeFor(path: string, method: string): string | undefined {
  const match = /^\/v2\/(.+)\/(blobs|manifests|tags)\//.exec(path);
  return match ? `repository:${match[1]}:${pullOrPush(method) === 'READ' ? 'pull' : 'pull,push'}` : undefined;
}

const unsupported = (message: string) => new OciError(405, 'UNSUPPORTED', message);

function serveBlob(c: RegistryContext, store: BlobStore): Response {
  const method = c.req.method;
  const { name } = c.var.repository;
  const digest = c.req.param('digest') ?? '';
  if (method !== 'GET' && method !== 'HEAD') throw unsupported(`${method} on a blob is not supported`);
  if (!isDigest(digest)) throw new OciError(400, 'DIGEST_INVALID', `invalid digest ${digest}`);
  const size = store.blobSize(name, digest);
  if (size === undefined) throw new OciError(404, 'BLOB_UNKNOWN', `blob ${digest} is not in ${name}`);
  const headers = { 'content-length': String(size), 'content-type': 'application/octet-stream', 'docker-content-digest': digest, etag: `"${digest}"` };
  if (method === 'HEAD') return c.body(null, 200, headers);
  return c.body(store.openBlob(digest), 200, headers);
}

/** POST …/blobs/uploads/: a cross-repository mount, a monolithic upload (?digest=) or a new upload session. */
async function startUpload(c: RegistryContext, deps: DistributionDeps, uploads: Map<string, string>): Promise<Response> {
  const { store } = deps;
  const { name } = c.var.repository;
  const mount = c.req.query('mount');
  const from = c.req.query('from');
  if (mount && from) {
    const fromRepository = parseRepository(from);
    if (isDigest(mount) && fromRepository && deps.directory().canUseImageRepository(c.var.user, fromRepository.key, 'READ') && store.blobSize(from, mount) !== undefined) {
      store.link(name, mount);
      return c.body(null, 201, { location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount, 'content-length': '0' });
    }
    // Not mountable: fall through to a normal upload session, as the spec says.
  }
  const uploadId = store.startUpload();
  uploads.set(uploadId, name);
  const digest = c.req.query('digest');
  if (digest) {
    await store.appendUpload(uploadId, bodyStream(c));
    return finishUpload(c, deps, uploads, uploadId, digest);
  }
  return c.body(null, 202, { location: `/v2/${name}/blobs/uploads/${uploadId}`, range: '0-0', 'docker-upload-uuid': uploadId, 'content-length': '0' });
}

/** GET (status), PATCH (a chunk), PUT (last chunk and commit), DELETE (cancel) on an upload session. */
async function continueUpload(c: RegistryContext, deps: DistributionDeps, uploads: Map<string, string>): Promise<Response> {
  const { store } = deps;
  const { name } = c.var.repository;
  const id = c.req.param('id') ?? '';
  const size = uploads.get(id) === name ? store.uploadSize(id) : undefined;
  if (size === undefined) throw new OciError(404, 'BLOB_UPLOAD_UNKNOWN', `upload ${id} is unknown`);
  const location = `/v2/${name}/blobs/uploads/${id}`;
  const received = (bytes: number) => `0-${Math.max(0, bytes - 1)}`;
  switch (c.req.method) {
    case 'GET':
      return c.body(null, 204, { location, range: received(size), 'docker-upload-uuid': id });
    case 'DELETE':
      store.cancelUpload(id);
      uploads.delete(id);
      return c.body(null, 204);
    case 'PATCH': {
      const range = requestHeader(c, 'content-range');
      const start = range === undefined ? undefined : /^(?:bytes )?(\d+)-(\d+)$/.exec(range);
      if (start === null || (start && Number(start[1]) !== size)) {
        throw new OciError(416, 'BLOB_UPLOAD_INVALID', `chunk must start at ${size}`, undefined, { range: received(size) });
      }
      const total = await store.appendUpload(id, bodyStream(c));
      return c.body(null, 202, { location, range: received(total), 'docker-upload-uuid': id, 'content-length': '0' });
    }
    case 'PUT': {
      const digest = c.req.query('digest');
      if (!digest || !isDigest(digest)) throw new OciError(400, 'DIGEST_INVALID', 'PUT needs ?digest=sha256:…');
      await store.appendUpload(id, bodyStream(c));
      return finishUpload(c, deps, uploads, id, digest);
    }
    default:
      throw unsupported(`${c.req.method} on an upload is not supported`);
  }
}

async function finishUpload(c: RegistryContext, deps: DistributionDeps, uploads: Map<string, string>, id: string, digest: string): Promise<Response> {
  const { name } = c.var.repository;
  uploads.delete(id);
  if (!isDigest(digest) || !(await deps.store.commitUpload(id, name, digest))) {
    deps.store.cancelUpload(id);
    throw new OciError(400, 'DIGEST_INVALID', `uploaded content does not match digest ${digest}`);
  }
  return c.body(null, 201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest, 'content-length': '0' });
}

async function manifest(c: RegistryContext, store: BlobStore): Promise<Response> {
  const method = c.req.method;
  const { name } = c.var.repository;
  const reference = c.req.param('reference') ?? '';
  if (!isDigest(reference) && !isTag(reference)) throw new OciError(400, 'TAG_INVALID', `invalid reference ${reference}`);
  if (method === 'GET' || method === 'HEAD') {
    const found = store.manifest(name, reference);
    if (!found) throw new OciError(404, 'MANIFEST_UNKNOWN', `manifest ${reference} is not in ${name}`);
    const headers = { 'content-type': found.mediaType, 'content-length': String(found.bytes.length), 'docker-content-digest': found.digest, etag: `"${found.digest}"` };
    return method === 'HEAD' ? c.body(null, 200, headers) : c.body(found.bytes, 200, headers);
  }
  if (method !== 'PUT') throw unsupported(`${method} on a manifest is not supported`);
  const bytes = await readBody(c, { maxBytes: MAX_MANIFEST_BYTES }).catch((error: unknown) => {
    throw error instanceof BodyTooLargeError ? new OciError(413, 'SIZE_INVALID', `manifest larger than ${MAX_MANIFEST_BYTES} bytes`) : error;
  });
  const contentType = (requestHeader(c, 'content-type') ?? '').split(';')[0]!.trim();
  checkManifest(bytes, contentType, name, store);
  const digest = sha256DigestOf(bytes);
  if (isDigest(reference) && reference !== digest) throw new OciError(400, 'DIGEST_INVALID', `manifest digest is ${digest}, not ${reference}`);
  store.putManifest(name, digest, bytes, contentType, isDigest(reference) ? undefined : reference);
  return c.body(null, 201, { location: `/v2/${name}/manifests/${digest}`, 'docker-content-digest': digest, 'content-length': '0' });
}

/** Content type, shape and every referenced blob present in this repository with its declared size. */
function checkManifest(bytes: Buffer, contentType: string, name: string, store: BlobStore): void {
  const invalid = (message: string) => new OciError(400, 'MANIFEST_INVALID', message);
  const unknown = (message: string, digest: string) => new OciError(400, 'MANIFEST_BLOB_UNKNOWN', message, { digest });
  const isIndex = IMAGE_INDEX_TYPES.has(contentType);
  if (!IMAGE_MANIFEST_TYPES.has(contentType) && !isIndex) throw invalid(`unsupported manifest content type "${contentType}"`);
  let document: Partial<OciImageManifest & OciImageIndex>;
  try {
    document = JSON.parse(bytes.toString('utf8')) as Partial<OciImageManifest & OciImageIndex>;
  } catch {
    throw invalid('manifest is not JSON');
  }
  if (document.schemaVersion !== 2) throw invalid('schemaVersion must be 2');
  if (document.mediaType !== undefined && document.mediaType !== contentType) throw invalid(`mediaType ${document.mediaType} does not match Content-Type ${contentType}`);
  if (isIndex) {
    for (const entry of document.manifests ?? []) {
      if (!store.manifest(name, entry.digest)) throw unknown(`manifest ${entry.digest} is not in ${name}`, entry.digest);
    }
    return;
  }
  if (!document.config || !Array.isArray(document.layers)) throw invalid('manifest needs config and layers');
  for (const descriptor of [document.config, ...document.layers]) {
    if (!descriptor || typeof descriptor.digest !== 'string' || !isDigest(descriptor.digest)) throw invalid('a descriptor has no valid digest');
    const size = store.blobSize(name, descriptor.digest);
    if (size === undefined) throw unknown(`blob unknown to registry: ${descriptor.digest}`, descriptor.digest);
    if (size !== descriptor.size) throw invalid(`blob ${descriptor.digest} is ${size} bytes, the manifest says ${descriptor.size}`);
  }
}

function listTags(c: RegistryContext, store: BlobStore): Response {
  if (c.req.method !== 'GET') throw unsupported(`${c.req.method} is not supported here`);
  const { name } = c.var.repository;
  const tags = store.tags(name);
  if (tags === undefined) throw new OciError(404, 'NAME_UNKNOWN', `repository ${name} has no images`);
  const n = Number(c.req.query('n') ?? '0');
  const last = c.req.query('last');
  let page = last ? tags.filter((tag) => tag > last) : tags;
  if (n > 0) page = page.slice(0, n);
  return c.json({ name, tags: page });
}

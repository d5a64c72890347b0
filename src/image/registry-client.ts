// An OCI distribution v2 client over fetch: the calls a push and a base-image pull need (blob HEAD,
// monolithic or chunked upload, cross-repository mount, manifest GET/PUT, tags) with the registry's
// auth challenge flow. Errors are papi's typed errors; credentials never appear in them.

import { AuthError, HttpError, UsageError } from '../ui/errors.js';
import { basicHeader, fetchBearerToken, InsufficientScopeError, parseChallenge, type BasicCredentials } from './auth.js';
import type { AssembledImage, BaseImage } from './assemble.js';
import {
  formatOfManifest,
  INDEX_MEDIA_TYPES,
  isDigest,
  MANIFEST_MEDIA_TYPES,
  sha256Digest,
  type Blob,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from './oci.js';

export interface RegistryClientOptions {
  /** `host[:port]`, as in an image reference. */
  registry: string;
  /** Default https; http only for loopback registries (papi local, tests). */
  protocol?: 'https' | 'http';
  credentials?: BasicCredentials;
  /** Upload blobs larger than this in PATCH chunks; default: one PUT. */
  chunkSize?: number;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export type BlobOutcome = 'exists' | 'mounted' | 'uploaded';

export interface PushResult {
  digest: string;
  /** Per blob digest, what happened to it. */
  blobs: Record<string, BlobOutcome>;
}

export interface PulledImage {
  base: BaseImage;
  manifest: Blob;
  config: Blob;
}

const ACCEPT_MANIFESTS = [...MANIFEST_MEDIA_TYPES, ...INDEX_MEDIA_TYPES].join(', ');
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Auth scope, e.g. `repository:db/schema/repo/image:pull,push`. */
  scope: string;
  /** Statuses the caller handles itself (anything else non-2xx throws). */
  accept?: number[];
  redirect?: 'manual' | 'follow';
}

export class RegistryClient {
  readonly registry: string;
  private readonly base: string;
  private readonly fetchImpl: typeof fetch;
  private readonly tokens = new Map<string, { header: string; expiresAt?: number }>();
  /** Basic registries answer every scope with the same header. */
  private basic?: string;

  constructor(private readonly options: RegistryClientOptions) {
    this.registry = options.registry;
    const protocol = options.protocol ?? (/^(127\.0\.0\.1|localhost|\[::1\])(:|$)/.test(options.registry) ? 'http' : 'https');
    this.base = `${protocol}://${options.registry}`;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  /** GET /v2/: checks the registry answers and the credentials work. */
  async ping(): Promise<void> {
    await this.request('/v2/', { scope: '' });
  }

  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const response = await this.request(`/v2/${repository}/blobs/${digest}`, { method: 'HEAD', scope: pull(repository), accept: [404] });
    return response.status !== 404;
  }

  /** HEAD first; then a mount from `mountFrom` (same registry) when given; else an upload. */
  async pushBlob(repository: string, blob: { digest: string; size: number; bytes?: Buffer }, options: { mountFrom?: string; read?: () => Promise<Buffer> } = {}): Promise<BlobOutcome> {
    if (await this.hasBlob(repository, blob.digest)) return 'exists';
    let location: string | undefined;
    if (options.mountFrom && options.mountFrom !== repository) {
      const scope = `${push(repository)} ${pull(options.mountFrom)}`;
      const query = new URLSearchParams({ mount: blob.digest, from: options.mountFrom });
      const response = await this.request(`/v2/${repository}/blobs/uploads/?${query}`, { method: 'POST', scope, accept: [202] });
      await response.arrayBuffer();
      if (response.status === 201) return 'mounted';
      location = response.headers.get('location') ?? undefined;
    }
    const bytes = blob.bytes ?? (options.read ? await options.read() : undefined);
    if (!bytes) throw new Error(`blob ${blob.digest} is neither in ${repository} nor given`);
    if (sha256Digest(bytes) !== blob.digest) throw new Error(`blob bytes do not match ${blob.digest}`);
    await this.upload(repository, blob.digest, bytes, location);
    return 'uploaded';
  }

  private async upload(repository: string, digest: string, bytes: Buffer, location?: string): Promise<void> {
    const scope = push(repository);
    if (location === undefined) {
      const started = await this.request(`/v2/${repository}/blobs/uploads/`, { method: 'POST', scope });
      await started.arrayBuffer();
      location = requireLocation(started, 'upload session');
    }
    const chunkSize = this.options.chunkSize;
    if (chunkSize !== undefined && bytes.length > chunkSize) {
      for (let offset = 0; offset < bytes.length; offset += chunkSize) {
        const chunk = bytes.subarray(offset, Math.min(bytes.length, offset + chunkSize));
        const response = await this.request(location, {
          method: 'PATCH',
          scope,
          body: chunk,
          headers: {
            'content-type': 'application/octet-stream',
            'content-range': `${offset}-${offset + chunk.length - 1}`,
            'content-length': String(chunk.length),
          },
        });
        await response.arrayBuffer();
        location = requireLocation(response, 'chunk upload');
      }
      const done = await this.request(withQuery(location, 'digest', digest), { method: 'PUT', scope, headers: { 'content-length': '0' } });
      await done.arrayBuffer();
      return;
    }
    const done = await this.request(withQuery(location, 'digest', digest), {
      method: 'PUT',
      scope,
      body: bytes,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
    });
    await done.arrayBuffer();
  }

  /** Downloads a blob and checks its digest; a redirect to another host goes without Authorization. */
  async getBlob(repository: string, digest: string): Promise<Buffer> {
    let response = await this.request(`/v2/${repository}/blobs/${digest}`, { scope: pull(repository), redirect: 'manual', accept: [301, 302, 303, 307, 308] });
    for (let hops = 0; response.status >= 300 && response.status < 400; hops++) {
      const target = response.headers.get('location');
      await response.arrayBuffer();
      if (!target || hops >= 5) throw new HttpError(`The registry redirected the download of ${digest} without an end.`, response.status, '');
      const url = new URL(target, response.url || this.base);
      if (url.origin === new URL(this.base).origin) {
        response = await this.request(url.toString(), { scope: pull(repository), redirect: 'manual', accept: [301, 302, 303, 307, 308] });
      } else {
        // Storage backends (S3, GCS…) authenticate with the signed URL; our token must not leak there.
        response = await this.fetchImpl(url, { redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
        if (!response.ok && !(response.status >= 300 && response.status < 400)) {
          throw new HttpError(`Downloading ${digest} from ${url.host} failed with HTTP ${response.status}.`, response.status, await response.text());
        }
      }
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (sha256Digest(bytes) !== digest) {
      throw new HttpError(`The registry sent a blob that does not match its digest ${digest}.`, response.status, '', { code: 'REGISTRY_DIGEST_MISMATCH' });
    }
    return bytes;
  }

  async getManifest(repository: string, reference: string): Promise<Blob> {
    const response = await this.request(`/v2/${repository}/manifests/${reference}`, { scope: pull(repository), headers: { accept: ACCEPT_MANIFESTS } });
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = sha256Digest(bytes);
    if (isDigest(reference) && digest !== reference) {
      throw new HttpError(`The registry sent a manifest that does not match ${reference}.`, response.status, '', { code: 'REGISTRY_DIGEST_MISMATCH' });
    }
    let mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
    try {
      const declared = (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType;
      if (declared) mediaType = declared;
    } catch {
      throw new HttpError(`The manifest ${repository}:${reference} is not JSON.`, response.status, '');
    }
    return { digest, size: bytes.length, mediaType, bytes };
  }

  async putManifest(repository: string, reference: string, manifest: Blob): Promise<string> {
    const response = await this.request(`/v2/${repository}/manifests/${reference}`, {
      method: 'PUT',
      scope: push(repository),
      body: manifest.bytes,
      headers: { 'content-type': manifest.mediaType, 'content-length': String(manifest.size) },
    });
    await response.arrayBuffer();
    return response.headers.get('docker-content-digest') ?? manifest.digest;
  }

  async listTags(repository: string): Promise<string[]> {
    const response = await this.request(`/v2/${repository}/tags/list`, { scope: pull(repository) });
    const body = (await response.json()) as { tags?: string[] | null };
    return body.tags ?? [];
  }

  /** Pulls manifest and config of an image; from an index it picks the linux/amd64 manifest. */
  async pullImage(repository: string, reference: string): Promise<PulledImage> {
    let manifest = await this.getManifest(repository, reference);
    if (INDEX_MEDIA_TYPES.includes(manifest.mediaType)) {
      const index = JSON.parse(manifest.bytes.toString('utf8')) as ImageIndex;
      const chosen = index.manifests.find((entry) => entry.platform?.os === 'linux' && entry.platform.architecture === 'amd64');
      if (!chosen) {
        throw new UsageError(`${this.registry}/${repository}:${reference} has no linux/amd64 image.`, {
          code: 'IMAGE_PLATFORM',
          hint: 'SPCS runs linux/amd64 images only: choose a base image published for linux/amd64.',
        });
      }
      manifest = await this.getManifest(repository, chosen.digest);
    }
    if (!MANIFEST_MEDIA_TYPES.includes(manifest.mediaType)) {
      throw new UsageError(`${this.registry}/${repository}:${reference} has an unsupported manifest type ${manifest.mediaType}.`, { code: 'IMAGE_FORMAT' });
    }
    const parsed = JSON.parse(manifest.bytes.toString('utf8')) as ImageManifest;
    const configBytes = await this.getBlob(repository, parsed.config.digest);
    const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
    if (config.os !== 'linux' || config.architecture !== 'amd64') {
      throw new UsageError(`${this.registry}/${repository}:${reference} is ${config.os}/${config.architecture}, not linux/amd64.`, {
        code: 'IMAGE_PLATFORM',
        hint: 'SPCS runs linux/amd64 images only.',
      });
    }
    return {
      base: { format: formatOfManifest(manifest.mediaType), config, layers: parsed.layers, source: { registry: this.registry, repository, digest: manifest.digest } },
      manifest,
      config: { digest: parsed.config.digest, size: configBytes.length, mediaType: parsed.config.mediaType, bytes: configBytes },
    };
  }

  /**
   * Pushes an assembled image: base layers are mounted when the base lives in this registry, else
   * read through `readBaseBlob`; then the new layer, the config and the manifest under `tag`.
   */
  async pushImage(repository: string, tag: string, image: AssembledImage, options: { readBaseBlob?: (descriptor: Descriptor) => Promise<Buffer> } = {}): Promise<PushResult> {
    const config = JSON.parse(image.config.bytes.toString('utf8')) as ImageConfig;
    if (config.os !== 'linux' || config.architecture !== 'amd64') {
      throw new UsageError(`Refusing to push a ${config.os}/${config.architecture} image: SPCS runs linux/amd64 only.`, { code: 'IMAGE_PLATFORM' });
    }
    const blobs: Record<string, BlobOutcome> = {};
    const source = image.base?.source;
    const mountFrom = source && source.registry === this.registry ? source.repository : undefined;
    const baseLayers = image.layers.filter((layer) => layer.digest !== image.layer.digest);
    for (const layer of baseLayers) {
      const read = options.readBaseBlob ? () => options.readBaseBlob!(layer) : undefined;
      blobs[layer.digest] = await this.pushBlob(repository, layer, { ...(mountFrom ? { mountFrom } : {}), ...(read ? { read } : {}) });
    }
    blobs[image.layer.digest] = await this.pushBlob(repository, image.layer);
    blobs[image.config.digest] = await this.pushBlob(repository, image.config);
    const digest = await this.putManifest(repository, tag, image.manifest);
    return { digest, blobs };
  }

  /** One request with auth: cached header first; on 401 answer the challenge and retry once. */
  private async request(pathOrUrl: string, options: RequestOptions): Promise<Response> {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${this.base}${pathOrUrl}`;
    const send = (authorization: string | undefined): Promise<Response> =>
      this.send(url, { ...options, headers: { ...(options.headers ?? {}), ...(authorization ? { authorization } : {}) } });

    let response = await send(this.cachedAuth(options.scope));
    if (response.status === 401) {
      const challenge = parseChallenge(response.headers.get('www-authenticate'));
      await response.arrayBuffer();
      if (challenge?.params.error === 'insufficient_scope') throw new InsufficientScopeError(this.registry, repositoryOf(options.scope), actionOf(options.scope));
      const authorization = await this.answer(challenge, options.scope);
      response = await send(authorization);
      if (response.status === 401) {
        const again = parseChallenge(response.headers.get('www-authenticate'));
        await response.arrayBuffer();
        if (again?.params.error === 'insufficient_scope') throw new InsufficientScopeError(this.registry, repositoryOf(options.scope), actionOf(options.scope));
        this.tokens.delete(options.scope);
        throw new AuthError(`The registry ${this.registry} rejected the credentials.`, {
          code: 'REGISTRY_UNAUTHORIZED',
          hint: this.options.credentials ? 'Log in again: the token or password is not accepted.' : 'The registry needs credentials.',
        });
      }
    }
    if (response.ok || (options.accept ?? []).includes(response.status)) return response;
    throw await httpErrorOf(response, this.registry, options.method ?? 'GET', url);
  }

  private async send(url: string, options: RequestOptions): Promise<Response> {
    try {
      return await this.fetchImpl(url, {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(options.body ? { body: options.body } : {}),
        redirect: options.redirect ?? 'follow',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new HttpError(`Could not reach the registry ${this.registry}.`, 0, '', {
        code: 'REGISTRY_UNREACHABLE',
        hint: 'Check the registry host and your network; for papi local, that it is running.',
        cause: error,
      });
    }
  }

  private cachedAuth(scope: string): string | undefined {
    if (this.basic) return this.basic;
    const fresh = (key: string): string | undefined => {
      const cached = this.tokens.get(key);
      return cached && (cached.expiresAt === undefined || cached.expiresAt > Date.now() + 10_000) ? cached.header : undefined;
    };
    // A push token also pulls: no second token round trip for the HEADs of a push.
    return fresh(scope) ?? (scope.endsWith(':pull') ? fresh(`${scope},push`) : undefined);
  }

  private async answer(challenge: ReturnType<typeof parseChallenge>, scope: string): Promise<string> {
    const credentials = this.options.credentials;
    if (challenge?.scheme === 'basic') {
      if (!credentials) throw new AuthError(`The registry ${this.registry} needs a user name and password.`, { code: 'REGISTRY_UNAUTHORIZED' });
      this.basic = basicHeader(credentials);
      return this.basic;
    }
    if (challenge?.scheme === 'bearer') {
      const { token, expiresAt } = await fetchBearerToken(challenge, scope || undefined, credentials, this.fetchImpl, this.registry);
      const header = `Bearer ${token}`;
      this.tokens.set(scope, { header, ...(expiresAt !== undefined ? { expiresAt } : {}) });
      return header;
    }
    throw new AuthError(`The registry ${this.registry} answered 401 without a challenge papi understands.`, { code: 'REGISTRY_UNAUTHORIZED' });
  }
}

function pull(repository: string): string {
  return `repository:${repository}:pull`;
}

function push(repository: string): string {
  return `repository:${repository}:pull,push`;
}

function repositoryOf(scope: string): string {
  return /^repository:([^:]+):/.exec(scope)?.[1] ?? '';
}

function actionOf(scope: string): 'push' | 'pull' {
  return /:pull,push(\s|$)/.test(scope) ? 'push' : 'pull';
}

function requireLocation(response: Response, what: string): string {
  const location = response.headers.get('location');
  if (!location) throw new HttpError(`The registry answered the ${what} without a Location.`, response.status, '');
  return new URL(location, response.url).toString();
}

function withQuery(location: string, name: string, value: string): string {
  const url = new URL(location);
  url.searchParams.set(name, value);
  return url.toString();
}

async function httpErrorOf(response: Response, registry: string, method: string, url: string): Promise<HttpError> {
  const body = method === 'HEAD' ? '' : await response.text().catch(() => '');
  let detail = '';
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ code?: string; message?: string }> };
    const first = parsed.errors?.[0];
    if (first) detail = `: ${first.code ?? 'ERROR'} ${first.message ?? ''}`.trimEnd();
  } catch {
    // Not an OCI error body; the status says enough.
  }
  const path = new URL(url).pathname;
  const hint =
    response.status === 403
      ? 'The role lacks a privilege on the image repository (READ to pull, WRITE to push).'
      : response.status === 404
        ? 'Check the repository path (for Snowflake: SHOW IMAGE REPOSITORIES → repository_url) and the tag.'
        : undefined;
  return new HttpError(`Registry ${registry}: ${method} ${path} failed with HTTP ${response.status}${detail}.`, response.status, body.slice(0, 2000), {
    code: 'REGISTRY_ERROR',
    ...(hint ? { hint } : {}),
  });
}


// The image path end to end over real HTTP: the real service bundle is assembled into an image,
// pushed with papi's registry client to papi local's registry, pulled back and compared.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleService } from '../../../service/bundle.mjs';
import { assembleImage, type AssembledImage } from '../../image/assemble.js';
import { loadBaseImage, normalizeBaseReference } from '../../image/base-cache.js';
import { buildAndPushImage } from '../../image/index.js';
import { InsufficientScopeError } from '../../image/auth.js';
import { jsonBlob, MediaType, sha256Digest, type ImageConfig } from '../../image/oci.js';
import { RegistryClient } from '../../image/registry-client.js';
import { sessionTokenCredentials, sessionTokenFromSerializedConnection, snowflakeRegistryLogin } from '../../image/snowflake-login.js';
import { AuthError, HttpError, UsageError } from '../../ui/errors.js';
import { createTestAuthority, createTestDirectory, startHttp, type TestServer } from './__tests__/platform-doubles.js';
import { createRegistry, type LocalRegistry } from './index.js';

const REPO = 'api/data/images/papi-service';
const OTHER = 'api/data/images/other';
const READ_ONLY_REPO = 'api/data/readonly/papi-service';

let dir: string;
let bundleDir: string;
let server: TestServer;
let registry: LocalRegistry;
const authority = createTestAuthority();
// A small stand-in for the engine's catalog (written in parallel): PUSHER may write API.DATA.IMAGES,
// and read but not write API.DATA.READONLY.
const directory = createTestDirectory({
  repositories: {
    PUSHER: { 'API.DATA.IMAGES': ['READ', 'WRITE'], 'API.DATA.READONLY': ['READ'] },
  },
});

function client(options: { token?: string; chunkSize?: number } = {}): RegistryClient {
  const token = options.token ?? authority.issueSessionToken('PUSHER', 'DATA_API_ROLE');
  return new RegistryClient({
    registry: server.host,
    credentials: sessionTokenCredentials({ token, expiresIn: 3600 }),
    ...(options.chunkSize ? { chunkSize: options.chunkSize } : {}),
  });
}

let image: AssembledImage;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'papi-registry-'));
  bundleDir = join(dir, 'bundle');
  await bundleService({ outfile: join(bundleDir, 'server.mjs') });
  registry = createRegistry({ dataDir: join(dir, 'registry'), tokens: authority, directory });
  server = await startHttp(registry.app);
  image = await assembleImage({ bundleDir, env: { PAPI_ID_FORMAT: 'numeric' }, exposedPorts: [8001] });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('assembleImage', () => {
  it('is deterministic: the same bundle gives the same digests', async () => {
    const again = await assembleImage({ bundleDir, env: { PAPI_ID_FORMAT: 'numeric' }, exposedPorts: [8001] });
    expect(again.manifest.digest).toBe(image.manifest.digest);
    expect(again.layer.digest).toBe(image.layer.digest);
    const changed = await assembleImage({ bundleDir, env: { PAPI_ID_FORMAT: 'alphanumeric' }, exposedPorts: [8001] });
    expect(changed.manifest.digest).not.toBe(image.manifest.digest);
    expect(changed.layer.digest).toBe(image.layer.digest);
  });

  it('writes a linux/amd64 OCI config that starts the bundle with node', () => {
    const config = JSON.parse(image.config.bytes.toString('utf8')) as ImageConfig;
    expect(config).toMatchObject({ os: 'linux', architecture: 'amd64' });
    expect(config.config.Entrypoint).toEqual(['node', '/app/server.mjs']);
    expect(config.config.ExposedPorts).toEqual({ '8001/tcp': {} });
    expect(config.config.Env).toContain('PAPI_ID_FORMAT=numeric');
    expect(config.rootfs.diff_ids).toEqual([sha256Digest(gunzipSync(image.layer.bytes))]);
    const manifest = JSON.parse(image.manifest.bytes.toString('utf8')) as { mediaType: string; layers: Array<{ mediaType: string }> };
    expect(manifest.mediaType).toBe(MediaType.ociManifest);
    expect(manifest.layers.map((layer) => layer.mediaType)).toEqual([MediaType.ociLayerGzip]);
    // The bundle is in the layer at app/server.mjs, owned by root.
    const tarBytes = gunzipSync(image.layer.bytes);
    expect(tarBytes.includes(Buffer.from('app/server.mjs'))).toBe(true);
  });
});

describe('push and pull', () => {
  it('pushes the image, pulls it back with the same digests', async () => {
    const pushed = await client().pushImage(REPO, 'v1', image);
    expect(pushed.digest).toBe(image.manifest.digest);
    expect(Object.values(pushed.blobs)).toEqual(['uploaded', 'uploaded']);

    const puller = client();
    const pulled = await puller.pullImage(REPO, 'v1');
    expect(pulled.manifest.digest).toBe(image.manifest.digest);
    expect(pulled.config.digest).toBe(image.config.digest);
    expect(pulled.base.layers.map((layer) => layer.digest)).toEqual([image.layer.digest]);
    const layer = await puller.getBlob(REPO, image.layer.digest);
    expect(layer.equals(image.layer.bytes)).toBe(true);
    expect(await puller.listTags(REPO)).toEqual(['v1']);
  });

  it('buildAndPushImage: the bundle in one call, twice the same digest', async () => {
    const credentials = sessionTokenCredentials({ token: authority.issueSessionToken('PUSHER', 'R'), expiresIn: 600 });
    const target = { registry: server.host, repository: REPO, tag: 'one-call', credentials };
    const first = await buildAndPushImage({ bundleDir, target, env: { PAPI_ID_FORMAT: 'numeric' }, exposedPorts: [8001] });
    expect(first.digest).toBe(image.manifest.digest);
    expect(first.specImage).toBe(`/${REPO}:one-call`);
    const second = await buildAndPushImage({ bundleDir, target: { ...target, tag: 'one-call-2' }, env: { PAPI_ID_FORMAT: 'numeric' }, exposedPorts: [8001] });
    expect(second.digest).toBe(first.digest);
    expect(Object.values(second.blobs)).toEqual(['exists', 'exists']);
  });

  it('pushing the same image twice gives the same digest and uploads nothing', async () => {
    const first = await client().pushImage(REPO, 'v2', image);
    const second = await client().pushImage(REPO, 'v2', image);
    expect(second.digest).toBe(first.digest);
    expect(Object.values(second.blobs)).toEqual(['exists', 'exists']);
  });

  it('uploads in chunks when asked', async () => {
    const other = await assembleImage({ files: [{ path: 'server.mjs', content: 'x'.repeat(5000) + Math.random() }] });
    const pushed = await client({ chunkSize: 1024 }).pushImage(REPO, 'chunked', other);
    expect(pushed.blobs[other.layer.digest]).toBe('uploaded');
    expect((await client().getBlob(REPO, other.layer.digest)).equals(other.layer.bytes)).toBe(true);
  });

  it('refuses a manifest that names a blob the repository does not hold', async () => {
    const missing = sha256Digest(Buffer.from(`not uploaded ${Math.random()}`));
    const manifest = jsonBlob(
      {
        schemaVersion: 2,
        mediaType: MediaType.ociManifest,
        config: { mediaType: MediaType.ociConfig, digest: image.config.digest, size: image.config.size },
        layers: [{ mediaType: MediaType.ociLayerGzip, digest: missing, size: 10 }],
      },
      MediaType.ociManifest,
    );
    const error = await client().putManifest(REPO, 'broken', manifest).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    expect(JSON.parse((error as HttpError).body).errors[0].code).toBe('MANIFEST_BLOB_UNKNOWN');
  });

  it('refuses to push an image that is not linux/amd64', async () => {
    const armConfig = jsonBlob({ ...(JSON.parse(image.config.bytes.toString('utf8')) as ImageConfig), architecture: 'arm64' }, MediaType.ociConfig);
    const error = await client().pushImage(REPO, 'arm', { ...image, config: armConfig }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('IMAGE_PLATFORM');
    expect(await client().listTags(REPO)).not.toContain('arm');
  });

  it('refuses a manifest whose content type does not match', async () => {
    const wrongType = { ...image.manifest, mediaType: MediaType.dockerManifest };
    const error = await client().putManifest(REPO, 'wrong-type', wrongType).catch((caught: unknown) => caught);
    expect(JSON.parse((error as HttpError).body).errors[0].code).toBe('MANIFEST_INVALID');
  });

  it('answers 401 to a wrong token and refuses the login', async () => {
    const bogus = await fetch(`http://${server.host}/v2/`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(bogus.status).toBe(401);
    expect(bogus.headers.get('www-authenticate')).toMatch(/^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/login"/);
    expect(((await bogus.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe('UNAUTHORIZED');

    const forged = createTestAuthority().issueSessionToken('PUSHER', 'DATA_API_ROLE');
    const error = await client({ token: forged }).pushImage(REPO, 'v3', image).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('REGISTRY_LOGIN_FAILED');
  });

  it('reports "no push permission" for a user that may only read', async () => {
    // Seed the read-only repository directly is impossible without WRITE: pull fails with 404, push with insufficient_scope.
    const error = await client().pushImage(READ_ONLY_REPO, 'v1', image).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InsufficientScopeError);
    expect((error as Error).message).toMatch(/no push permission/i);
    const pull = await client().getManifest(READ_ONLY_REPO, 'v1').catch((caught: unknown) => caught);
    expect((pull as HttpError).status).toBe(404);
  });

  it('refuses an upper-case repository name and content that does not match its digest', async () => {
    const bearer = await snowflakeRegistryLogin(server.host, { token: authority.issueSessionToken('PUSHER', 'R'), expiresIn: 600 });
    const headers = { authorization: `Bearer ${bearer}` };
    const upper = await fetch(`http://${server.host}/v2/API/data/images/x/tags/list`, { headers });
    expect(upper.status).toBe(400);
    expect(((await upper.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe('NAME_INVALID');
    const started = await fetch(`http://${server.host}/v2/${REPO}/blobs/uploads/`, { method: 'POST', headers });
    expect(started.status).toBe(202);
    const location = new URL(started.headers.get('location')!, `http://${server.host}`);
    location.searchParams.set('digest', sha256Digest(Buffer.from('something else')));
    const put = await fetch(location, { method: 'PUT', headers, body: Buffer.from('the content') });
    expect(put.status).toBe(400);
    expect(((await put.json()) as { errors: Array<{ code: string }> }).errors[0]!.code).toBe('DIGEST_INVALID');
  });

  it('reports "no pull permission" for a user without READ', async () => {
    const error = await client({ token: authority.issueSessionToken('STRANGER', 'PUBLIC') }).pullImage(REPO, 'v1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InsufficientScopeError);
    expect((error as InsufficientScopeError).action).toBe('pull');
    expect((error as Error).message).toMatch(/no pull permission/i);
  });

  it('logs in the Snowflake way: GET /login with 0sessiontoken gives a bearer token', async () => {
    const token = await snowflakeRegistryLogin(server.host, { token: authority.issueSessionToken('PUSHER', 'R'), expiresIn: 600 });
    const tags = await fetch(`http://${server.host}/v2/${REPO}/tags/list`, { headers: { authorization: `Bearer ${token}` } });
    expect(tags.status).toBe(200);
    expect(((await tags.json()) as { tags: string[] }).tags).toContain('v1');
    await expect(snowflakeRegistryLogin(server.host, { token: 'garbage', expiresIn: 600 })).rejects.toBeInstanceOf(AuthError);
  });

  it('mounts base layers from another repository of the same registry', async () => {
    const base = (await client().pullImage(REPO, 'v1')).base;
    const app = await assembleImage({ base, files: [{ path: 'server.mjs', content: 'console.log("app")' }], entrypoint: ['node', '/app/server.mjs'] });
    const pushed = await client().pushImage(OTHER, 'v1', app);
    expect(pushed.blobs[image.layer.digest]).toBe('mounted');
    expect(pushed.blobs[app.layer.digest]).toBe('uploaded');
    const config = JSON.parse(app.config.bytes.toString('utf8')) as ImageConfig;
    expect(config.rootfs.diff_ids).toHaveLength(2);
    expect(config.history).toHaveLength(2);
    expect(config.config.Env).toContain('PAPI_ID_FORMAT=numeric');
  });

  it('keeps a Docker-format base in Docker format and picks linux/amd64 from an index', async () => {
    const pusher = client();
    // A Docker-format "base": one layer, a config with Env and Cmd, under a manifest list with an arm64 decoy.
    const baseLayer = await assembleImage({ files: [{ path: 'base.txt', content: 'base layer' }] });
    await pusher.pushBlob(OTHER, baseLayer.layer);
    const baseConfig = jsonBlob(
      {
        architecture: 'amd64',
        os: 'linux',
        config: { Env: ['PATH=/usr/bin', 'NODE_VERSION=24'], Entrypoint: ['docker-entrypoint.sh'], Cmd: ['node'] },
        rootfs: { type: 'layers', diff_ids: [baseLayer.layer.diffId] },
        history: [{ created_by: 'base' }],
      },
      MediaType.dockerConfig,
    );
    await pusher.pushBlob(OTHER, baseConfig);
    /** A Docker manifest of one config over the base layer. */
    const dockerManifest = (config: { digest: string; size: number }) =>
      jsonBlob(
        {
          schemaVersion: 2,
          mediaType: MediaType.dockerManifest,
          config: { mediaType: MediaType.dockerConfig, digest: config.digest, size: config.size },
          layers: [{ mediaType: MediaType.dockerLayerGzip, digest: baseLayer.layer.digest, size: baseLayer.layer.size }],
        },
        MediaType.dockerManifest,
      );
    const amd64 = dockerManifest(baseConfig);
    await pusher.putManifest(OTHER, amd64.digest, amd64);
    const armConfig = jsonBlob({ architecture: 'arm64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [baseLayer.layer.diffId] } }, MediaType.dockerConfig);
    await pusher.pushBlob(OTHER, armConfig);
    const arm64 = dockerManifest(armConfig);
    await pusher.putManifest(OTHER, arm64.digest, arm64);
    const list = jsonBlob(
      {
        schemaVersion: 2,
        mediaType: MediaType.dockerList,
        manifests: [
          { mediaType: MediaType.dockerManifest, digest: arm64.digest, size: arm64.size, platform: { os: 'linux', architecture: 'arm64' } },
          { mediaType: MediaType.dockerManifest, digest: amd64.digest, size: amd64.size, platform: { os: 'linux', architecture: 'amd64' } },
        ],
      },
      MediaType.dockerList,
    );
    await pusher.putManifest(OTHER, 'base', list);

    const pulled = await client().pullImage(OTHER, 'base');
    expect(pulled.manifest.digest).toBe(amd64.digest);
    expect(pulled.base.format).toBe('docker');
    const app = await assembleImage({ base: pulled.base, files: [{ path: 'server.mjs', content: 'app' }], env: { PORT: '8001' } });
    const manifest = JSON.parse(app.manifest.bytes.toString('utf8')) as { mediaType: string; config: { mediaType: string }; layers: Array<{ mediaType: string }> };
    expect(manifest.mediaType).toBe(MediaType.dockerManifest);
    expect(manifest.config.mediaType).toBe(MediaType.dockerConfig);
    expect(new Set(manifest.layers.map((layer) => layer.mediaType))).toEqual(new Set([MediaType.dockerLayerGzip]));
    const config = JSON.parse(app.config.bytes.toString('utf8')) as ImageConfig;
    expect(config.config.Env).toEqual(['PATH=/usr/bin', 'NODE_VERSION=24', 'PORT=8001']);
    expect(config.config.Entrypoint).toEqual(['node', '/app/server.mjs']);
    expect(config.config.Cmd).toBeUndefined();
    const pushed = await client().pushImage(OTHER, 'app', app);
    expect(pushed.blobs[baseLayer.layer.digest]).toBe('exists');
    expect((await client().pullImage(OTHER, 'app')).manifest.digest).toBe(app.manifest.digest);
  });

  it('caches a base once and copies its layers to another registry from the cache', async () => {
    const cacheDir = join(dir, 'base-cache');
    const credentials = sessionTokenCredentials({ token: authority.issueSessionToken('PUSHER', 'R'), expiresIn: 600 });
    const cached = await loadBaseImage({ reference: `${server.host}/${OTHER}:base`, cacheDir, credentials });
    expect(cached.base.config.config.Env).toContain('NODE_VERSION=24');
    const offline: typeof fetch = () => Promise.reject(new Error('offline'));
    const again = await loadBaseImage({ reference: `${server.host}/${OTHER}:base`, cacheDir, credentials, fetch: offline });
    expect(again.base).toEqual(cached.base);

    const second = createRegistry({ dataDir: join(dir, 'registry-2'), tokens: authority, directory });
    const secondServer = await startHttp(second.app);
    try {
      const app = await assembleImage({ base: again.base, files: [{ path: 'server.mjs', content: 'copied base' }] });
      const target = new RegistryClient({ registry: secondServer.host, credentials });
      const pushed = await target.pushImage(REPO, 'on-base', app, { readBaseBlob: again.readBlob });
      expect(Object.values(pushed.blobs)).toEqual(['uploaded', 'uploaded', 'uploaded']);
      expect((await target.pullImage(REPO, 'on-base')).manifest.digest).toBe(app.manifest.digest);
    } finally {
      await secondServer.close();
    }
  });

  it('resolves images for the runner and lists them for SHOW IMAGES', () => {
    const resolved = registry.resolveImage(`/${REPO}:v1`);
    expect(resolved?.digest).toBe(image.manifest.digest);
    expect(resolved?.config.config?.Entrypoint).toEqual(['node', '/app/server.mjs']);
    expect(resolved!.layers.map((layer) => sha256Digest(readFileSync(layer.file)))).toEqual([image.layer.digest]);
    expect(registry.resolveImage(`/${REPO}:nope`)).toBeUndefined();
    const listed = registry.listImages({ database: 'API', schema: 'DATA', name: 'IMAGES' });
    const row = listed.find((entry) => entry.digest === image.manifest.digest);
    expect(row).toMatchObject({ imageName: 'papi-service', repository: REPO });
    expect(row!.tags).toEqual(expect.arrayContaining(['v1', 'v2']));
  });
});

describe('blob downloads that redirect', () => {
  it('drops Authorization when the redirect goes to another host', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const storage = createServer((req, res) => {
      seen.push(req.headers);
      res.end(image.layer.bytes);
    });
    await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
    const storagePort = (storage.address() as AddressInfo).port;
    // A registry that sends blob downloads to "storage" on another origin (localhost vs 127.0.0.1).
    const redirecting = await startHttp(
      new Hono()
        .use('/v2/*', async (c, next) => {
          if (c.req.method === 'GET' && /\/blobs\/sha256:/.test(c.req.path) && c.req.header('authorization')) return c.redirect(`http://localhost:${storagePort}/signed?x=1`, 307);
          await next();
        })
        .route('/', registry.app),
    );
    try {
      const redirected = new RegistryClient({ registry: redirecting.host, credentials: sessionTokenCredentials({ token: authority.issueSessionToken('PUSHER', 'R'), expiresIn: 600 }) });
      const bytes = await redirected.getBlob(REPO, image.layer.digest);
      expect(bytes.equals(image.layer.bytes)).toBe(true);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.authorization).toBeUndefined();
    } finally {
      await redirecting.close();
      await new Promise((resolve) => storage.close(resolve));
    }
  });
});

describe('base references', () => {
  it('normalizes Docker Hub short names', () => {
    expect(normalizeBaseReference('node:24-bookworm-slim')).toBe('registry-1.docker.io/library/node:24-bookworm-slim');
    expect(normalizeBaseReference('docker.io/library/node:24')).toBe('registry-1.docker.io/library/node:24');
    expect(normalizeBaseReference('gcr.io/distroless/nodejs24-debian12')).toBe('gcr.io/distroless/nodejs24-debian12');
    expect(normalizeBaseReference('127.0.0.1:5000/base:1')).toBe('127.0.0.1:5000/base:1');
  });
});

describe('session token from the driver', () => {
  it('reads the session token from connection.serialize() in both shapes', () => {
    const now = Date.now();
    const flat = JSON.stringify({ tokenInfo: { sessionToken: 'abc', sessionTokenExpirationTime: now + 600_000 } });
    expect(sessionTokenFromSerializedConnection(flat, now)).toEqual({ token: 'abc', expiresIn: 600 });
    const nested = JSON.stringify({ services: { sf: { tokenInfo: { sessionToken: 'def', sessionTokenExpirationTime: now + 120_000 } } } });
    expect(sessionTokenFromSerializedConnection(nested, now).token).toBe('def');
    expect(() => sessionTokenFromSerializedConnection('{}', now)).toThrow(AuthError);
  });
});

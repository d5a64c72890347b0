// The registry's Hono apps through app.request(): OCI error shapes and statuses from the error
// middleware, routing of /v2 paths, and a blob streamed in and out through the web body path.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAuthority, createTestDirectory, startHttp } from './__tests__/platform-doubles.js';
import { createRegistry, type LocalRegistry } from './index.js';

const REPO = 'api/data/images/app';
let dir: string;
let registry: LocalRegistry;
let bearer: string;
const authority = createTestAuthority();
const directory = createTestDirectory({ repositories: { PUSHER: { 'API.DATA.IMAGES': ['READ', 'WRITE'], 'API.DATA.READONLY': ['READ'] } } });

const request = (path: string, init: RequestInit = {}) =>
  Promise.resolve(registry.app.request(path, { ...init, headers: { authorization: `Bearer ${bearer}`, ...(init.headers as Record<string, string>) } }));
const ociError = (code: string) => ({ errors: [expect.objectContaining({ code, message: expect.any(String) })] });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'papi-distribution-'));
  registry = createRegistry({ dataDir: dir, tokens: authority, directory });
  const basic = Buffer.from(`0sessiontoken:${JSON.stringify({ token: authority.issueSessionToken('PUSHER', 'R') })}`).toString('base64');
  bearer = ((await (await registry.app.request('/login', { headers: { authorization: `Basic ${basic}` } })).json()) as { token: string }).token;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the distribution app', () => {
  it('challenges a request without credentials, naming the scope it needs', async () => {
    const response = await registry.app.request(`/v2/${REPO}/manifests/v1`, { method: 'PUT' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer realm="http://127.0.0.1/login",service="papi-local-registry",scope="repository:${REPO}:pull,push"`);
    expect(await response.json()).toEqual(ociError('UNAUTHORIZED'));
  });

  it('answers the version check on /v2 and /v2/, 404 NAME_UNKNOWN elsewhere', async () => {
    for (const path of ['/v2', '/v2/']) expect((await request(path)).status).toBe(200);
    const unknown = await request('/v2/nothing/here');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual(ociError('NAME_UNKNOWN'));
  });

  it('refuses invalid names with 400 and missing privileges with 401 insufficient_scope', async () => {
    const invalid = await request('/v2/API/data/images/app/tags/list');
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toEqual(ociError('NAME_INVALID'));
    const denied = await request('/v2/api/data/readonly/app/blobs/uploads/', { method: 'POST' });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(await denied.json()).toEqual(ociError('DENIED'));
  });

  it('answers a missing blob 404 BLOB_UNKNOWN, with no body to a HEAD', async () => {
    const digest = `sha256:${'0'.repeat(64)}`;
    const get = await request(`/v2/${REPO}/blobs/${digest}`);
    expect(get.status).toBe(404);
    expect(await get.json()).toEqual(ociError('BLOB_UNKNOWN'));
    const head = await request(`/v2/${REPO}/blobs/${digest}`, { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
    const post = await request(`/v2/${REPO}/blobs/${digest}`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(await post.json()).toEqual(ociError('UNSUPPORTED'));
  });

  it('takes a blob in chunks and serves it back whole', async () => {
    const blob = Buffer.from('layer bytes '.repeat(1000));
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
    const started = await request(`/v2/${REPO}/blobs/uploads/`, { method: 'POST' });
    expect(started.status).toBe(202);
    const location = started.headers.get('location')!;
    const half = blob.length / 2;
    const patched = await request(location, { method: 'PATCH', body: blob.subarray(0, half), headers: { 'content-range': `0-${half - 1}` } });
    expect(patched.headers.get('range')).toBe(`0-${half - 1}`);
    const misplaced = await request(location, { method: 'PATCH', body: 'x', headers: { 'content-range': '0-0' } });
    expect(misplaced.status).toBe(416);
    expect(misplaced.headers.get('range')).toBe(`0-${half - 1}`);
    expect(await misplaced.json()).toEqual(ociError('BLOB_UPLOAD_INVALID'));
    const committed = await request(`${location}?digest=${digest}`, { method: 'PUT', body: blob.subarray(half) });
    expect(committed.status).toBe(201);
    const served = await request(`/v2/${REPO}/blobs/${digest}`);
    expect(served.headers.get('content-length')).toBe(String(blob.length));
    expect(Buffer.from(await served.arrayBuffer()).equals(blob)).toBe(true);
  });

  it('refuses a manifest it cannot check with 400 MANIFEST_INVALID or MANIFEST_BLOB_UNKNOWN', async () => {
    const put = (body: string, type = 'application/vnd.oci.image.manifest.v1+json') => request(`/v2/${REPO}/manifests/v1`, { method: 'PUT', body, headers: { 'content-type': type } });
    const notJson = await put('{');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual(ociError('MANIFEST_INVALID'));
    expect(await (await put('{}', 'text/plain')).json()).toEqual(ociError('MANIFEST_INVALID'));
    const missing = `sha256:${'1'.repeat(64)}`;
    const unknown = await put(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'x', digest: missing, size: 1 }, layers: [] }));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ errors: [{ code: 'MANIFEST_BLOB_UNKNOWN', message: `blob unknown to registry: ${missing}`, detail: { digest: missing } }] });
  });
});

describe('request bodies', () => {
  it('refuses a manifest over 4 MiB with 413 SIZE_INVALID', async () => {
    const response = await request(`/v2/${REPO}/manifests/big`, { method: 'PUT', body: Buffer.alloc(4 * 1024 * 1024 + 1, 0x20), headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual(ociError('SIZE_INVALID'));
  });

  it('answers 413 over a real connection too, and the connection stays usable', async () => {
    const server = await startHttp(registry.app);
    try {
      const put = await fetch(`http://${server.host}/v2/${REPO}/manifests/big`, {
        method: 'PUT',
        body: Buffer.alloc(8 * 1024 * 1024, 0x20),
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      });
      expect(put.status).toBe(413);
      expect((await fetch(`http://${server.host}/v2/`, { headers: { authorization: `Bearer ${bearer}` } })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

// papi's registry client against a real CNCF distribution registry with token auth, read back by
// skopeo: what papi pushes is an image other tools accept, and what skopeo pushes papi can pull.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceBundlePath } from '../../dev/service-process.js';
import { buildAndPushImage, RegistryClient, type BuildAndPushResult } from '../../image/index.js';
import type { ImageConfig, ImageManifest } from '../../image/oci.js';
import { announceSkip, missingTools, PERMISSIVE_POLICY } from './tools.js';
import { PUSHER, READER, startTokenRegistry, type TokenRegistry } from './token-registry.js';

const run = promisify(execFile);
const skip = missingTools('docker-registry', 'skopeo', 'openssl');
if (skip) announceSkip('papi ⇄ distribution registry with token auth, read back by skopeo', skip);

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

describe.skipIf(skip !== undefined)('papi ⇄ CNCF distribution with token auth, checked by skopeo', () => {
  let registry: TokenRegistry;
  let work: string;
  let pushed: BuildAndPushResult;
  const creds = `${PUSHER.username}:${PUSHER.password}`;
  const skopeo = async (...args: string[]): Promise<string> =>
    (await run('skopeo', ['--policy', join(work, 'policy.json'), ...args], { maxBuffer: 64 * 1024 * 1024 })).stdout;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'papi-interop-'));
    await writeFile(join(work, 'policy.json'), PERMISSIVE_POLICY);
    registry = await startTokenRegistry();
    // A base image first, then the service on top of it: papi pulls the base through the token
    // flow, caches it and mounts its layer across repositories instead of uploading it again.
    await buildAndPushImage({
      bundleDir: await baseFixture(work),
      target: { registry: registry.host, repository: 'papi/base', tag: '1', credentials: PUSHER, protocol: 'http' },
    });
    pushed = await buildAndPushImage({
      bundleDir: dirname(serviceBundlePath()),
      base: { reference: `${registry.host}/papi/base:1`, cacheDir: join(work, 'base-cache'), credentials: PUSHER },
      target: { registry: registry.host, repository: 'papi/service', tag: 'interop', credentials: PUSHER, protocol: 'http' },
      exposedPorts: [8001],
    });
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('papi pushed through the token flow and mounted the base layer instead of uploading it', () => {
    expect(Object.values(pushed.blobs).sort()).toEqual(['mounted', 'uploaded', 'uploaded']);
    // papi asks for the scope the registry's challenge names, and distribution writes its actions in
    // Go map order ("pull,push" or "push,pull"): the order means nothing, the actions do.
    const asked = registry.scopesAsked.map((scope) => {
      const [type, name, actions] = scope.split(':');
      return `${type}:${name}:${actions!.split(',').sort().join(',')}`;
    });
    expect(asked).toContain('repository:papi/service:pull,push');
    expect(asked).toContain('repository:papi/base:pull');
  });

  it('skopeo inspect reads the manifest, config and platform papi pushed', async () => {
    const image = `docker://${registry.host}/papi/service:interop`;
    const raw = Buffer.from(await skopeo('inspect', '--tls-verify=false', '--creds', creds, '--raw', image));
    expect(sha256(raw)).toBe(pushed.digest);
    const manifest = JSON.parse(raw.toString('utf8')) as ImageManifest;
    const inspected = JSON.parse(await skopeo('inspect', '--tls-verify=false', '--creds', creds, image)) as { Digest: string; Os: string; Architecture: string; Layers: string[] };
    expect(inspected.Digest).toBe(pushed.digest);
    expect(`${inspected.Os}/${inspected.Architecture}`).toBe('linux/amd64');
    expect(inspected.Layers).toEqual(manifest.layers.map((l) => l.digest));
    const config = JSON.parse(await skopeo('inspect', '--tls-verify=false', '--creds', creds, '--config', image)) as ImageConfig;
    expect(config.config.Entrypoint).toEqual(['node', '/app/server.mjs']);
    expect(config.config.ExposedPorts).toEqual({ '8001/tcp': {} });
    expect(config.rootfs.diff_ids.length).toBe(2);
  });

  it('skopeo copy takes it to an OCI layout with the same digests, and every blob checks out', async () => {
    const layout = join(work, 'layout');
    await skopeo('copy', '--src-tls-verify=false', '--src-creds', creds, `docker://${registry.host}/papi/service:interop`, `oci:${layout}:interop`);
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Array<{ digest: string }> };
    expect(index.manifests.map((m) => m.digest)).toEqual([pushed.digest]);
    const blob = (digest: string) => readFile(join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length)));
    const manifest = JSON.parse((await blob(pushed.digest)).toString('utf8')) as ImageManifest;
    const configBytes = await blob(manifest.config.digest);
    expect(sha256(configBytes)).toBe(manifest.config.digest);
    const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
    for (const [i, layer] of manifest.layers.entries()) {
      const bytes = await blob(layer.digest);
      expect([sha256(bytes), bytes.length]).toEqual([layer.digest, layer.size]);
      expect(sha256(gunzipSync(bytes))).toBe(config.rootfs.diff_ids[i]);
    }
  });

  it("papi pulls an image skopeo pushed (converted to Docker's format) and checks its digests", async () => {
    await skopeo('copy', '--format', 'v2s2', '--dest-tls-verify=false', '--dest-creds', creds, `oci:${join(work, 'layout')}:interop`, `docker://${registry.host}/papi/copied:v2s2`);
    const client = new RegistryClient({ registry: registry.host, credentials: READER });
    const pulled = await client.pullImage('papi/copied', 'v2s2');
    expect(pulled.manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(`${pulled.base.config.os}/${pulled.base.config.architecture}`).toBe('linux/amd64');
    for (const layer of pulled.base.layers) expect(sha256(await client.getBlob('papi/copied', layer.digest))).toBe(layer.digest);
  });

  // Uses papi/copied:v2s2, which the previous test made with skopeo (tests in a file run in order).
  it("on a Docker-format base papi writes a Docker-format manifest (never mixed) that skopeo copies", async () => {
    const onDocker = await buildAndPushImage({
      bundleDir: dirname(serviceBundlePath()),
      base: { reference: `${registry.host}/papi/copied:v2s2`, cacheDir: join(work, 'base-cache'), credentials: PUSHER },
      target: { registry: registry.host, repository: 'papi/on-docker-base', tag: '1', credentials: PUSHER, protocol: 'http' },
    });
    const image = `docker://${registry.host}/papi/on-docker-base:1`;
    const raw = Buffer.from(await skopeo('inspect', '--tls-verify=false', '--creds', creds, '--raw', image));
    expect(sha256(raw)).toBe(onDocker.digest);
    const manifest = JSON.parse(raw.toString('utf8')) as ImageManifest;
    expect(manifest.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
    expect(manifest.config.mediaType).toBe('application/vnd.docker.container.image.v1+json');
    expect(new Set(manifest.layers.map((l) => l.mediaType))).toEqual(new Set(['application/vnd.docker.image.rootfs.diff.tar.gzip']));
    await skopeo('copy', '--src-tls-verify=false', '--src-creds', creds, image, `oci:${join(work, 'layout-docker')}:1`);
  });

  it('a chunked upload (PATCH … PUT) is accepted by distribution and reads back intact', async () => {
    const client = new RegistryClient({ registry: registry.host, credentials: PUSHER, chunkSize: 64 * 1024 });
    const source = new RegistryClient({ registry: registry.host, credentials: READER });
    const pulled = await source.pullImage('papi/service', 'interop');
    const big = pulled.base.layers.reduce((a, b) => (a.size >= b.size ? a : b));
    expect(big.size).toBeGreaterThan(64 * 1024);
    const bytes = await source.getBlob('papi/service', big.digest);
    expect(await client.pushBlob('papi/chunked', { ...big, bytes })).toBe('uploaded');
    expect(sha256(await client.getBlob('papi/chunked', big.digest))).toBe(big.digest);
  });

  it('a user with pull rights only gets "no push permission", not a retry loop', async () => {
    await expect(
      buildAndPushImage({
        bundleDir: dirname(serviceBundlePath()),
        target: { registry: registry.host, repository: 'papi/service', tag: 'denied', credentials: READER, protocol: 'http' },
      }),
    ).rejects.toMatchObject({ code: 'REGISTRY_NO_PUSH_PERMISSION' });
  });
});

/** A tiny stand-in base: one file, so the test needs no public registry. */
async function baseFixture(work: string): Promise<string> {
  const dir = mkdtempSync(join(work, 'base-'));
  await writeFile(join(dir, 'BASE'), 'papi interop base layer\n');
  return dir;
}

// papi deploy on a fresh papi local, through the CLI as users run it: a deploy before setup fails
// with a hint, `--dry-run` needs no connection, the pushed image is a valid OCI image (every digest,
// size and diff_id checked by hand, not by the client that pushed it), a re-deploy after a code
// change serves the new code and `papi deploy` replaces it again, and `papi logs` shows the service.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { buildAndPushImage, RegistryClient, sessionTokenCredentials, sessionTokenFromConnection } from '../image/index.js';
import { parseImageReference, type ImageConfig, type ImageManifest } from '../image/oci.js';
import { readPassword, runningInstance } from '../local/index.js';
import { poll } from '../poll.js';
import { connect, type Connection } from '../snowflake/driver.js';
import { readDeployment, type Deployment } from '../deploy/deployment.js';
import { serviceSpec } from '../deploy/service-spec.js';
import { alterServiceStatements } from '../deploy/statements.js';
import { serviceContainers, STAMP_HEADER, stampedBundle, waitForImage } from './interop/fixtures.js';
import { runCli, tempDir, type CliRun } from './support/cli.js';

const project = tempDir('papi-deploy-');
const env = { XDG_CACHE_HOME: join(project, 'cache'), NO_COLOR: '1' };
const papi = (...argv: string[]): Promise<CliRun> => runCli(argv, { cwd: project, env });
const dataDir = join(project, '.papi', 'local');
const deploymentFile = join(project, '.papi', 'deployment.json');
let admin: Connection;
let deployBeforeSetup: CliRun;

function must(run: CliRun): CliRun {
  if (run.code !== 0) throw new Error(`papi exited ${run.code}\n${run.stderr}\n${run.stdout}`);
  return run;
}

const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

beforeAll(async () => {
  // First, before anything exists: papi starts papi local for the project, then finds no repository.
  deployBeforeSetup = await papi('deploy', '--no-wait');
  must(await papi('up'));
  const local = await runningInstance(dataDir);
  admin = await connect({ account: local!.account, accessUrl: local!.accessUrl, user: local!.user, password: await readPassword(dataDir), role: 'ACCOUNTADMIN' });
}, 300_000);

afterAll(async () => {
  await admin?.close();
  await papi('local', 'stop');
  await rm(project, { recursive: true, force: true });
}, 60_000);

async function deployment(): Promise<Deployment> {
  const found = await readDeployment(deploymentFile);
  if (!found) throw new Error('papi deploy wrote no .papi/deployment.json');
  return found;
}

/** The registry, repository and tag of the deployed image, and a client logged in with a session token. */
async function deployedImage(): Promise<{ client: RegistryClient; repository: string; tag: string; digest: string }> {
  const { image } = await deployment();
  const { registry, repository, reference } = parseImageReference(image.reference);
  const client = new RegistryClient({ registry, credentials: sessionTokenCredentials(sessionTokenFromConnection(admin)) });
  return { client, repository, tag: reference, digest: image.digest };
}

function projectConfig() {
  return loadConfig({ cwd: project, env: { HOME: project, ...env }, warn: () => {}, debug: () => {} });
}

async function callRoot(): Promise<Response> {
  const { url } = await deployment();
  const token = must(await papi('token')).stdout.trim();
  return fetch(`${url}/`, { headers: { authorization: `Snowflake Token="${token}"` } });
}

describe('papi deploy', () => {
  it('fails with a clear error and a hint when setup was not run', () => {
    expect(deployBeforeSetup.code).toBe(4);
    expect(deployBeforeSetup.stderr).toMatch(/error: .*\n?.*API\.DATA' does not exist/);
    expect(deployBeforeSetup.stderr).toMatch(/^hint: /m);
  });

  it('the hint tells to run papi setup first', () => {
    expect(deployBeforeSetup.stderr).toMatch(/^hint: .*papi setup/m);
  });

  it('--dry-run prints the spec and the SQL without connecting', async () => {
    const fresh = tempDir('papi-deploy-dry-');
    try {
      const run = must(await runCli(['deploy', '--dry-run'], { cwd: fresh, env: { XDG_CACHE_HOME: join(fresh, 'cache'), NO_COLOR: '1' } }));
      expect(run.stdout).toMatch(/CREATE SERVICE IF NOT EXISTS/);
      expect(run.stdout).toMatch(/ALTER SERVICE .* FROM SPECIFICATION \$\$/);
      expect(run.stdout).toContain('"readinessProbe"');
      const json = JSON.parse(must(await runCli(['deploy', '--dry-run', '--json'], { cwd: fresh, env: { NO_COLOR: '1' } })).stdout) as {
        dryRun: boolean;
        spec: { spec: { containers: Array<{ image: string }> } };
        statements: Array<{ sql: string }>;
      };
      expect(json.dryRun).toBe(true);
      expect(json.spec.spec.containers[0]!.image).toMatch(/papi-service:<tag>$/);
      // Nothing was started or contacted: no papi local for this folder.
      expect(existsSync(join(fresh, '.papi', 'local'))).toBe(false);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it('pushed a valid OCI image: manifest, config and layer digests, sizes and diff_ids all check out', async () => {
    const { client, repository, tag, digest } = await deployedImage();
    const manifestBlob = await client.getManifest(repository, tag);
    expect(sha256(manifestBlob.bytes)).toBe(digest);
    const manifest = JSON.parse(manifestBlob.bytes.toString('utf8')) as ImageManifest;
    expect(manifest.schemaVersion).toBe(2);
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');

    const configBytes = await client.getBlob(repository, manifest.config.digest);
    expect(sha256(configBytes)).toBe(manifest.config.digest);
    expect(configBytes.length).toBe(manifest.config.size);
    const config = JSON.parse(configBytes.toString('utf8')) as ImageConfig;
    expect(`${config.os}/${config.architecture}`).toBe('linux/amd64');
    expect(config.config.Entrypoint).toEqual(['node', '/app/server.mjs']);
    expect(config.rootfs.type).toBe('layers');
    expect(config.rootfs.diff_ids.length).toBe(manifest.layers.length);

    expect(manifest.layers.length).toBeGreaterThan(0);
    for (const [i, layer] of manifest.layers.entries()) {
      expect(layer.mediaType).toBe('application/vnd.oci.image.layer.v1.tar+gzip');
      const bytes = await client.getBlob(repository, layer.digest);
      expect(sha256(bytes)).toBe(layer.digest);
      expect(bytes.length).toBe(layer.size);
      expect(sha256(gunzipSync(bytes))).toBe(config.rootfs.diff_ids[i]);
    }
    // What runs is what was pushed.
    expect((await serviceContainers(admin, await projectConfig())).map((c) => c.image_digest)).toEqual([digest]);
  });

  it('a re-deploy after a code change serves the new code, and papi deploy replaces it again', async () => {
    const config = await projectConfig();
    const before = await deployment();
    expect((await callRoot()).headers.get(STAMP_HEADER)).toBeNull();

    // The changed service: the same bundle behind a wrapper that stamps every response.
    const marker = randomUUID();
    const bundle = tempDir('papi-bundle-');
    try {
      await stampedBundle(bundle, marker);
      // Built and pushed the way papi deploy does it on papi local, then the same ALTER SERVICE.
      const { registry, repository } = parseImageReference(before.image.reference);
      const pushed = await buildAndPushImage({
        bundleDir: bundle,
        target: { registry, repository, tag: `changed-${marker.slice(0, 8)}`, credentials: sessionTokenCredentials(sessionTokenFromConnection(admin)) },
        exposedPorts: [config.service.port],
      });
      expect(pushed.digest).not.toBe(before.image.digest);
      for (const statement of alterServiceStatements(config, serviceSpec(config, pushed.specImage))) await admin.execute(statement.sql, statement.binds);
      await waitForImage(admin, config, pushed.digest);
      expect((await callRoot()).headers.get(STAMP_HEADER)).toBe(marker);
    } finally {
      await rm(bundle, { recursive: true, force: true });
    }

    // papi deploy goes back to the packaged bundle: a new tag, the old digest, the stamp gone.
    const redeploy = JSON.parse(must(await papi('deploy', '--json')).stdout) as { action: string; image: { reference: string; digest: string } };
    expect(redeploy.action).toBe('upgraded');
    const after = await deployment();
    expect(after.image.reference).not.toBe(before.image.reference);
    expect(after.image.digest).toBe(redeploy.image.digest);
    expect((await serviceContainers(admin, await projectConfig())).map((c) => c.image_digest)).toEqual([after.image.digest]);
    expect((await callRoot()).headers.get(STAMP_HEADER)).toBeNull();
    const status = JSON.parse(must(await papi('status', '--json')).stdout) as { containers: Array<{ status: string }> };
    expect(status.containers.map((c) => c.status)).toEqual(['READY']);
    const got = JSON.parse(must(await papi('get', '22', '--json')).stdout) as Array<{ USER_ID: number }>;
    expect(got.map((r) => r.USER_ID)).toEqual([22]);
  });

  it("papi logs shows the service's lines", async () => {
    type Event = { event?: string; path?: string; status?: number };
    const answered = (events: Event[]) => events.some((e) => e.event === 'request' && e.path === '/customer/:ids' && e.status === 200);
    const read = async (): Promise<Event[]> =>
      must(await papi('logs', '--lines', '50'))
        .stdout.split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Event);
    // The service writes its request log in batches (every 20 ms, service/src/log.ts): a line may reach
    // the container's log a moment after its answer, so papi logs is asked again until it has come.
    const events = (await poll(async () => {
      const seen = await read();
      return answered(seen) ? seen : undefined;
    }, { intervalMs: 200, timeoutMs: 10_000 })) ?? (await read());
    expect(events.some((e) => e.event === 'listening')).toBe(true);
    // The `papi get 22` of the previous test, logged by route template (ids never reach the logs).
    expect(answered(events)).toBe(true);
    // --json: one string per line, the same lines.
    const json = JSON.parse(must(await papi('logs', '--lines', '50', '--json')).stdout) as { service: string; lines: string[] };
    expect(json.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { event?: string })).toEqual(events);
  });

  it('a re-deploy restores instance counts and the query warehouse, and returns only once the rolling upgrade is over', async () => {
    // Someone changed the service by hand; papi.yaml now asks for 2 to 3 instances.
    await admin.execute('ALTER SERVICE API.DATA.API SET MAX_INSTANCES = 5 QUERY_WAREHOUSE = COMPUTE_WH');
    writeFileSync(join(project, 'papi.yaml'), 'version: 1\nsnowflake:\n  service:\n    minInstances: 2\n    maxInstances: 3\n');
    const service = async () => (await admin.execute('SHOW SERVICES IN SCHEMA API.DATA')).find((row) => row.name === 'API')!;
    const containers = () => admin.execute('SHOW SERVICE CONTAINERS IN SERVICE API.DATA.API');
    // What SHOW says while papi deploy runs: an upgrade, and containers of both versions for a while.
    const seen = { upgrading: false, images: new Set<string>() };
    let deploying = true;
    const watcher = (async () => {
      while (deploying) {
        if (String((await service()).is_upgrading) === 'true') seen.upgrading = true;
        for (const row of await containers()) if (row.image_name) seen.images.add(String(row.image_name));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    let redeploy: { action: string; image: { reference: string } };
    try {
      redeploy = JSON.parse(must(await papi('deploy', '--json')).stdout) as typeof redeploy;
    } finally {
      deploying = false;
      await watcher;
      await rm(join(project, 'papi.yaml'), { force: true });
    }
    expect(redeploy.action).toBe('upgraded');
    expect(seen.upgrading).toBe(true);
    expect(seen.images.size).toBeGreaterThanOrEqual(2);
    // The moment papi deploy returns: no upgrade under way, every container READY on the new image.
    const tag = redeploy.image.reference.split(':').at(-1)!;
    expect(await service()).toMatchObject({ is_upgrading: 'false', min_instances: 2, max_instances: 3, query_warehouse: 'DATA_API_WH' });
    const rows = await containers();
    expect(rows.map((row) => [row.instance_id, row.status, String(row.image_name).endsWith(`:${tag}`)])).toEqual([
      ['0', 'READY', true],
      ['1', 'READY', true],
    ]);
  }, 120_000);
});

// papi local's registry and SPCS runner against independent tools: skopeo pushes an image (in
// Docker's format, written by skopeo, not papi) with the `0sessiontoken` login and papi local runs
// it as the service; `papi deploy --builder docker` builds and pushes with a real Docker engine this
// test starts, on a base image made from the host's node (nothing can be pulled from a public
// registry here).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import type { PapiConfig } from '../../config/types.js';
import { assembleImage, dockerLogin, dockerPush, sessionTokenCredentials, sessionTokenFromConnection } from '../../image/index.js';
import { parseImageReference } from '../../image/oci.js';
import { readPassword, runningInstance } from '../../local/index.js';
import { connect, type Connection } from '../../snowflake/driver.js';
import { readDeployment, type Deployment } from '../../deploy/deployment.js';
import { serviceSpec } from '../../deploy/service-spec.js';
import { alterServiceStatements } from '../../deploy/statements.js';
import { runCli, tempDir, type CliRun } from '../support/cli.js';
import { serviceContainers, STAMP_HEADER, stampedBundle, waitForImage } from './fixtures.js';
import { announceSkip, findTool, missingTools, PERMISSIVE_POLICY } from './tools.js';

const run = promisify(execFile);
const skopeoMissing = missingTools('skopeo');
const dockerMissing = missingTools('dockerd', 'docker', 'ldd');
if (skopeoMissing) announceSkip('skopeo pushes into papi local', skopeoMissing);
if (dockerMissing) announceSkip('papi deploy --builder docker', dockerMissing);

// Made in beforeAll, so nothing is left behind when the whole file is skipped.
let project: string;
let env: Record<string, string>;
const papi = (...argv: string[]): Promise<CliRun> => runCli(argv, { cwd: project, env });
let admin: Connection;
let config: PapiConfig;

function must(result: CliRun): CliRun {
  if (result.code !== 0) throw new Error(`papi exited ${result.code}\n${result.stderr}\n${result.stdout}`);
  return result;
}

describe.skipIf(skopeoMissing !== undefined && dockerMissing !== undefined)('papi local with independent image tools', () => {
  beforeAll(async () => {
    project = tempDir('papi-interop-local-');
    env = { XDG_CACHE_HOME: join(project, 'cache'), NO_COLOR: '1' };
    must(await papi('up'));
    const dataDir = join(project, '.papi', 'local');
    const local = await runningInstance(dataDir);
    admin = await connect({ account: local!.account, accessUrl: local!.accessUrl, user: local!.user, password: await readPassword(dataDir), role: 'ACCOUNTADMIN' });
    config = await loadConfig({ cwd: project, env: { HOME: project, ...env }, warn: () => {}, debug: () => {} });
  }, 300_000);

  afterAll(async () => {
    await admin?.close();
    if (!project) return;
    await papi('local', 'stop');
    await rm(project, { recursive: true, force: true });
  }, 60_000);

  it.skipIf(skopeoMissing !== undefined)('skopeo pushes an image with the 0sessiontoken login and papi local runs it as the service', async () => {
    const work = mkdtempSync(join(tmpdir(), 'papi-skopeo-'));
    try {
      // The service behind a wrapper that stamps responses, so we know which image answers.
      const marker = randomUUID();
      const bundle = await stampedBundle(join(work, 'bundle'), marker);
      const layout = join(work, 'layout');
      await writeOciLayout(layout, 'stamped', await assembleImage({ bundleDir: bundle, exposedPorts: [config.service.port] }));

      const { registry, repository } = parseImageReference((await deployment()).image.reference);
      // The session token goes in an auth file (0600), not argv.
      const authFile = join(work, 'auth.json');
      const { username, password } = sessionTokenCredentials(sessionTokenFromConnection(admin));
      await writeFile(authFile, JSON.stringify({ auths: { [registry]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }), { mode: 0o600 });
      await writeFile(join(work, 'policy.json'), PERMISSIVE_POLICY);
      const digestFile = join(work, 'digest');
      await run('skopeo', [
        '--policy', join(work, 'policy.json'),
        'copy', '--format', 'v2s2', '--dest-tls-verify=false', '--dest-authfile', authFile, '--digestfile', digestFile,
        `oci:${layout}:stamped`, `docker://${registry}/${repository}:skopeo`,
      ]);
      const digest = (await readFile(digestFile, 'utf8')).trim();
      const raw = JSON.parse((await run('skopeo', ['inspect', '--tls-verify=false', '--authfile', authFile, '--raw', `docker://${registry}/${repository}:skopeo`])).stdout) as { mediaType: string };
      expect(raw.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');

      const spec = serviceSpec(config, `/${repository}:skopeo`);
      for (const statement of alterServiceStatements(config, spec)) await admin.execute(statement.sql, statement.binds);
      await waitForImage(admin, config, digest);
      const response = await callRoot();
      expect(response.status).toBe(200);
      expect(response.headers.get(STAMP_HEADER)).toBe(marker);
      const got = JSON.parse(must(await papi('get', '22', '--json')).stdout) as Array<{ USER_ID: number }>;
      expect(got.map((r) => r.USER_ID)).toEqual([22]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it.skipIf(dockerMissing !== undefined)('papi deploy --builder docker builds and pushes with a Docker engine, and papi local runs it', async (ctx) => {
    const engine = await startDockerEngine();
    if (typeof engine === 'string') {
      announceSkip('papi deploy --builder docker', engine, 'no docker engine');
      ctx.skip();
      return;
    }
    const saved = { DOCKER_HOST: process.env.DOCKER_HOST, DOCKER_CONFIG: process.env.DOCKER_CONFIG, DOCKER_BUILDKIT: process.env.DOCKER_BUILDKIT };
    try {
      // papi runs `docker` through execa with the process's environment: point it at our engine,
      // keep its login out of the real ~/.docker, and use the classic builder (no buildx plugin needed).
      Object.assign(process.env, { DOCKER_HOST: engine.host, DOCKER_CONFIG: join(engine.dir, 'client'), DOCKER_BUILDKIT: '0' });
      const base = 'papi-interop-node-base:1';
      await buildNodeBaseImage(join(engine.dir, 'base'), base);
      const deployed = JSON.parse(must(await papi('deploy', '--builder', 'docker', '--base-image', base, '--json')).stdout) as { action: string; image: { reference: string } };
      expect(deployed.action).toBe('upgraded');

      const [repoDigest] = JSON.parse((await run('docker', ['image', 'inspect', '--format', '{{json .RepoDigests}}', deployed.image.reference])).stdout) as string[];
      const digest = repoDigest!.slice(repoDigest!.indexOf('@') + 1);
      expect((await serviceContainers(admin, config)).map((c) => [c.status, c.image_digest])).toEqual([['READY', digest]]);
      // dockerPush answers the digest the registry stored (pushing again uploads nothing new). The
      // login papi deploy made died with its session: log in with the test's own session token.
      await dockerLogin(parseImageReference(deployed.image.reference).registry, sessionTokenCredentials(sessionTokenFromConnection(admin)));
      expect(await dockerPush(deployed.image.reference)).toBe(digest);
      const response = await callRoot();
      expect(response.status).toBe(200);
      expect(response.headers.get(STAMP_HEADER)).toBeNull();
      const got = JSON.parse(must(await papi('get', '22', '--json')).stdout) as Array<{ USER_ID: number }>;
      expect(got.map((r) => r.USER_ID)).toEqual([22]);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await engine.stop();
    }
  });
});

async function deployment(): Promise<Deployment> {
  const found = await readDeployment(join(project, '.papi', 'deployment.json'));
  if (!found) throw new Error('no .papi/deployment.json');
  return found;
}

async function callRoot(): Promise<Response> {
  const token = must(await papi('token')).stdout.trim();
  return fetch(`${(await deployment()).url}/`, { headers: { authorization: `Snowflake Token="${token}"` } });
}

/** An OCI image layout (what `skopeo copy oci:` reads), written from an assembled image. */
async function writeOciLayout(dir: string, tag: string, image: Awaited<ReturnType<typeof assembleImage>>): Promise<void> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  for (const blob of [image.manifest, image.config, image.layer]) await writeFile(join(blobs, blob.digest.slice('sha256:'.length)), blob.bytes);
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: image.manifest.mediaType, digest: image.manifest.digest, size: image.manifest.size, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
}

interface DockerEngine {
  host: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * dockerd on its own data root and socket, without touching the host's network (no bridge, no
 * iptables). Answers the reason as a string when it cannot run here (not root, no privileges).
 */
async function startDockerEngine(): Promise<DockerEngine | string> {
  if (process.getuid?.() !== 0) return 'dockerd needs root, and this test runs as a non-root user';
  const dir = mkdtempSync(join(tmpdir(), 'papi-dockerd-'));
  const socket = join(dir, 'docker.sock');
  const host = `unix://${socket}`;
  const log: string[] = [];
  const daemon: ChildProcess = spawn(
    findTool('dockerd')!,
    ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'docker.pid'), '-H', host, '--bridge', 'none', '--iptables=false', '--ip6tables=false'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  daemon.stdout!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  daemon.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const stop = async (): Promise<void> => {
    if (daemon.exitCode === null && daemon.signalCode === null) {
      daemon.kill('SIGTERM');
      await once(daemon, 'exit');
    }
    await rm(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 120; attempt++) {
    if (daemon.exitCode !== null) break;
    if (existsSync(socket)) {
      try {
        await run('docker', ['version', '--format', '{{.Server.Version}}'], { env: { ...process.env, DOCKER_HOST: host }, timeout: 10_000 });
        return { host, dir, stop };
      } catch {
        // not answering yet
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  const tail = log.join('').trim().split('\n').slice(-3).join(' | ');
  return `dockerd did not start here (needs root and kernel privileges this machine may lack): ${tail}`;
}

/**
 * A base image from the host's node and the libraries it links against (FROM scratch, COPY only),
 * built by the engine itself.
 */
async function buildNodeBaseImage(context: string, tag: string): Promise<void> {
  const root = join(context, 'rootfs');
  const node = process.execPath;
  const copyInto = async (path: string): Promise<void> => {
    const target = join(root, path);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(path, target);
    await chmod(target, 0o755);
  };
  await copyInto(node);
  const { stdout } = await run('ldd', [node]);
  for (const match of stdout.matchAll(/(\/\S+\.so[^\s]*)/g)) await copyInto(match[1]!);
  const path = [dirname(node), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
  await writeFile(join(context, 'Dockerfile'), ['FROM scratch', 'COPY rootfs/ /', `ENV PATH=${path}`, 'CMD ["node"]', ''].join('\n'));
  await run('docker', ['build', '--platform', 'linux/amd64', '--tag', tag, context], { maxBuffer: 16 * 1024 * 1024 });
}

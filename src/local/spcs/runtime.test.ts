// The SPCS runner end to end with real processes and real HTTP: tiny one-file Node images are pushed
// to papi local's registry with papi's registry client, run as services, reached through the
// ingress; SUSPEND/RESUME/ALTER/DROP and a crashing entrypoint.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { isAlive } from '../instance.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleService } from '../../../service/bundle.mjs';
import { assembleImage } from '../../image/assemble.js';
import { RegistryClient } from '../../image/registry-client.js';
import { sessionTokenCredentials } from '../../image/snowflake-login.js';
import { SqlError } from '../errors.js';
import type { ServiceDefinition, ServiceRuntime } from '../platform.js';
import { createTestAuthority, createTestDirectory, startHttp, type TestServer } from '../image-registry/__tests__/platform-doubles.js';
import { createRegistry, type LocalRegistry } from '../image-registry/index.js';
import { createServiceRuntime, PROVISIONING_TEXT } from './runtime.js';

// An HTTP server in one file: reports what the runner gave it (env, headers, token file, pid).
const ECHO_SERVER = `
import { createServer, get } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
const server = createServer((req, res) => {
  if (req.url === '/ready') { res.end('ok'); return; }
  // The container calling its own port on localhost, as a process may in any container.
  if (req.url === '/self') { get('http://127.0.0.1:' + process.env.PORT + '/ready', (own) => { own.resume(); res.end(String(own.statusCode)); }); return; }
  const tokenFile = process.env.PAPI_TOKEN_FILE;
  const body = {
    version: process.env.VERSION, pid: process.pid, cwd: process.cwd(), headers: req.headers,
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('SNOWFLAKE_') || k === 'PORT' || k === 'GREETING')),
    tokenFile, token: readFileSync(tokenFile, 'utf8'), tokenMode: statSync(tokenFile).mode & 0o777,
  };
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('echo listening on ' + process.env.PORT));
process.on('SIGTERM', () => { console.log('echo stopping'); server.close(() => process.exit(0)); });
`;

const CRASH_SERVER = `console.error('boom: cannot start'); process.exit(3);`;

// A raw TCP server on the container's port: papi local's guard can check only node:http/https.
const RAW_SERVER = `
import { createServer } from 'node:net';
createServer((socket) => socket.end('HTTP/1.1 200 OK\\r\\ncontent-length: 3\\r\\n\\r\\nraw')).listen(Number(process.env.PORT), '127.0.0.1');
`;

const authority = createTestAuthority();
// Stand-in for the engine's catalog (written in parallel): OWNER reads the image repository; roles
// OWNER_ROLE and CALLER may call API.DATA.ECHO's endpoints, NOBODY may not.
const directory = createTestDirectory({
  repositories: { PUSHER: { 'API.DATA.IMAGES': ['READ', 'WRITE'] }, OWNER: { 'API.DATA.IMAGES': ['READ'] } },
  endpoints: { OWNER_ROLE: ['API.DATA.ECHO', 'API.DATA.PAPI', 'API.DATA.PARKED'], CALLER: ['API.DATA.ECHO', 'API.DATA.WAKE'] },
  // WAKE's AUTO_RESUME is on (and its pool runs); ECHO stands for one whose AUTO_RESUME is off.
  resumesOnCall: ['API.DATA.WAKE'],
});

let dir: string;
let server: TestServer;
let registry: LocalRegistry;
let runtime: ServiceRuntime;

function definition(name: string, spec: object): ServiceDefinition {
  return {
    database: 'API',
    schema: 'DATA',
    name,
    computePool: 'POOL',
    specification: JSON.stringify(spec),
    ownerRole: 'OWNER_ROLE',
    owner: 'OWNER',
    minInstances: 1,
    maxInstances: 1,
  };
}

function echoSpec(image: string, env: Record<string, string> = {}): object {
  return {
    spec: {
      containers: [{ name: 'echo', image, env: { GREETING: 'hi', ...env }, readinessProbe: { port: 8001, path: '/ready' } }],
      endpoints: [{ name: 'api', port: 8001, public: true }],
    },
  };
}

async function push(image: string, tag: string, files: Array<{ path: string; content: string }>, env: Record<string, string> = {}): Promise<void> {
  const assembled = await assembleImage({ files, env });
  const client = new RegistryClient({ registry: server.host, credentials: sessionTokenCredentials({ token: authority.issueSessionToken('PUSHER', 'R'), expiresIn: 600 }) });
  await client.pushImage(`api/data/images/${image}`, tag, assembled);
}

function token(role: string, audience?: string): string {
  return authority.issueOAuthToken({ user: 'CALLER_USER', role, ...(audience ? { audience } : {}) }, 600);
}

async function call(host: string, authorization?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://${host}/hello`, { headers: { ...(authorization ? { authorization } : {}), ...headers } });
}

function ingressHost(name: string): string {
  const url = runtime.endpoints({ database: 'API', schema: 'DATA', name })[0]!.ingressUrl;
  expect(url).toMatch(/^127\.0\.0\.1:\d+$/);
  return url;
}

/** Polls until `check` returns a value (the runner works in the background). */
async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}


beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'papi-spcs-'));
  registry = createRegistry({ dataDir: join(dir, 'registry'), tokens: authority, directory });
  server = await startHttp(registry.app);
  await push('echo', 'v1', [{ path: 'server.mjs', content: ECHO_SERVER }], { VERSION: '1' });
  await push('echo', 'v2', [{ path: 'server.mjs', content: ECHO_SERVER }], { VERSION: '2' });
  await push('crash', 'v1', [{ path: 'server.mjs', content: CRASH_SERVER }]);
  await push('raw', 'v1', [{ path: 'server.mjs', content: RAW_SERVER }]);
  runtime = createServiceRuntime({
    dataDir: join(dir, 'spcs'),
    registry,
    tokens: authority,
    directory,
    accessUrl: () => 'http://127.0.0.1:45678',
    account: 'PAPI',
    endpointProvisioningMs: 0,
    timings: { stopGraceMs: 3000, restartBackoffMs: 100, restartBackoffMaxMs: 400 },
  });
});

afterAll(async () => {
  await runtime?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a service from a pushed image', () => {
  const key = { database: 'API', schema: 'DATA', name: 'ECHO' };

  it('starts, becomes READY and serves through the ingress with the SPCS environment', async () => {
    await runtime.create(definition('ECHO', echoSpec('/api/data/images/echo:v1')));
    await runtime.waitForReady([key], 30);
    const status = runtime.status(key);
    expect(status.status).toBe('RUNNING');
    expect(status.containers).toMatchObject([{ instanceId: '0', containerName: 'echo', status: 'READY', instanceStatus: 'READY', restartCount: 0, imageName: '/api/data/images/echo:v1' }]);
    expect(status.containers[0]!.imageDigest).toBe(registry.resolveImage('/api/data/images/echo:v1')!.digest);
    await eventually(() => (runtime.logs(key, '0', 'echo').includes('echo listening') ? true : undefined), 'the log line');

    const host = ingressHost('ECHO');
    const response = await call(host, `Snowflake Token="${token('CALLER')}"`, { 'Sf-Context-Current-User': 'MALLORY', 'Sf-Context-Other': 'x' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { version: string; headers: Record<string, string>; env: Record<string, string>; token: string; tokenMode: number };
    expect(body.version).toBe('1');
    expect(body.headers['sf-context-current-user']).toBe('CALLER_USER');
    expect(body.headers['sf-context-other']).toBeUndefined();
    expect(body.headers.authorization).toBeUndefined();
    expect(body.env).toMatchObject({
      GREETING: 'hi',
      SNOWFLAKE_ACCOUNT: 'PAPI',
      SNOWFLAKE_HOST: '127.0.0.1:45678',
      SNOWFLAKE_PORT: '45678',
      SNOWFLAKE_PROTOCOL: 'http',
      SNOWFLAKE_DATABASE: 'API',
      SNOWFLAKE_SCHEMA: 'DATA',
      SNOWFLAKE_SERVICE_NAME: 'ECHO',
    });
    expect(body.env.PORT).not.toBe('8001');
    expect(body.tokenMode).toBe(0o600);
    expect(authority.verifyOAuthToken(body.token)).toEqual({ user: 'OWNER', role: 'OWNER_ROLE' });
  });

  it('rejects requests without a valid token (401) or without the right role (403)', async () => {
    const host = ingressHost('ECHO');
    expect((await call(host)).status).toBe(401);
    expect((await call(host, 'Snowflake Token="garbage"')).status).toBe(401);
    expect((await call(host, `Bearer ${token('CALLER')}`)).status).toBe(401);
    const expired = authority.issueOAuthToken({ user: 'CALLER_USER', role: 'CALLER' }, -10);
    expect((await call(host, `Snowflake Token="${expired}"`)).status).toBe(401);
    expect((await call(host, `Snowflake Token="${token('CALLER', '127.0.0.1:1')}"`)).status).toBe(401);
    expect((await call(host, `Snowflake Token="${token('CALLER', host)}"`)).status).toBe(200);
    const forbidden = await call(host, `Snowflake Token="${token('NOBODY')}"`);
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: string }).error).toBe('FORBIDDEN');
  });

  it('its container port answers only through the ingress: a direct call, token or not, is refused (#13.6)', async () => {
    const host = ingressHost('ECHO');
    const through = await call(host, `Snowflake Token="${token('CALLER')}"`);
    expect(through.status).toBe(200);
    const body = (await through.json()) as { env: Record<string, string>; headers: Record<string, string> };
    // The service never sees the ingress's secret, neither as a header nor in its environment.
    expect(Object.keys(body.headers).filter((name) => name.includes('papi-local'))).toEqual([]);
    const containerPort = Number(body.env.PORT);
    expect(containerPort).toBeGreaterThan(0);

    // The port the container listens on, as `ss -ltnp` shows it: called directly it refuses.
    const direct = await fetch(`http://127.0.0.1:${containerPort}/hello`, { headers: { authorization: `Snowflake Token="${token('CALLER')}"` } });
    expect(direct.status).toBe(403);
    expect(((await direct.json()) as { message: string }).message).toMatch(/only through the service endpoint's ingress/);
    const guessed = await fetch(`http://127.0.0.1:${containerPort}/hello`, { headers: { 'x-papi-local-ingress-secret': 'guess' } });
    expect(guessed.status).toBe(403);
    // A guess as long as the secret (32 random bytes, base64url) is refused too.
    const sameLength = await fetch(`http://127.0.0.1:${containerPort}/hello`, { headers: { 'x-papi-local-ingress-secret': 'g'.repeat(43) } });
    expect(sameLength.status).toBe(403);
  });

  it('a container may call its own port on localhost, as in any container: the guard admits its own connections only', async () => {
    // The service's warm-up does this (service/src/warm-up.ts). The guard tells the container's own
    // connections from others' by their endpoint, which no other process can hold at the same time.
    const self = await fetch(`http://${ingressHost('ECHO')}/self`, { headers: { authorization: `Snowflake Token="${token('CALLER')}"` } });
    expect(self.status).toBe(200);
    expect(await self.text()).toBe('200');
  });

  it('SUSPEND stops the process and RESUME starts it again on the same ingress', async () => {
    const host = ingressHost('ECHO');
    const before = (await (await call(host, `Snowflake Token="${token('CALLER')}"`)).json()) as { pid: number };
    await runtime.suspend(key);
    expect(runtime.status(key).status).toBe('SUSPENDED');
    expect(isAlive(before.pid)).toBe(false);
    expect(runtime.logs(key, '0', 'echo')).toBe('');
    // A suspended service's ingress still listens: without AUTO_RESUME it says so, and stays suspended.
    const refused = await call(host, `Snowflake Token="${token('CALLER')}"`);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toBe('SERVICE_SUSPENDED');
    expect(runtime.status(key).status).toBe('SUSPENDED');
    expect(runtime.status(key).suspendedOn).toMatch(/^\d{4}-/);

    await runtime.resume(key);
    await runtime.waitForReady([key], 30);
    const after = await call(host, `Snowflake Token="${token('CALLER')}"`);
    expect(after.status).toBe(200);
    expect(((await after.json()) as { pid: number }).pid).not.toBe(before.pid);
  });

  // https://docs.snowflake.com/en/sql-reference/sql/alter-service ("SUSPEND | RESUME"): calling a
  // suspended service's public endpoint resumes it (AUTO_RESUME, on by default).
  it('a call to a suspended service whose AUTO_RESUME is on resumes it, on the same URL', async () => {
    const wake = { database: 'API', schema: 'DATA', name: 'WAKE' };
    await runtime.create(definition('WAKE', echoSpec('/api/data/images/echo:v1')));
    try {
      await runtime.waitForReady([wake], 30);
      const host = ingressHost('WAKE');
      await runtime.suspend(wake);
      // Unauthorized calls wake nothing.
      expect((await call(host)).status).toBe(401);
      expect(runtime.status(wake).status).toBe('SUSPENDED');
      const first = await call(host, `Snowflake Token="${token('CALLER')}"`);
      expect(first.status).toBe(503);
      expect(((await first.json()) as { error: string }).error).toBe('SERVICE_UNAVAILABLE');
      expect(runtime.status(wake).status).not.toBe('SUSPENDED');
      await runtime.waitForReady([wake], 30);
      expect(ingressHost('WAKE')).toBe(host);
      expect((await call(host, `Snowflake Token="${token('CALLER')}"`)).status).toBe(200);
      expect(runtime.status(wake).resumedOn).toMatch(/^\d{4}-/);
    } finally {
      await runtime.drop(wake);
    }
  });

  it('ALTER … FROM SPECIFICATION switches to the new image once it is ready', async () => {
    const host = ingressHost('ECHO');
    const old = (await (await call(host, `Snowflake Token="${token('CALLER')}"`)).json()) as { pid: number };
    await runtime.alter(definition('ECHO', echoSpec('/api/data/images/echo:v2')));
    await runtime.waitForReady([key], 30);
    const version = await eventually(async () => {
      const body = (await (await call(host, `Snowflake Token="${token('CALLER')}"`)).json()) as { version: string };
      return body.version === '2' ? body.version : undefined;
    }, 'the new version');
    expect(version).toBe('2');
    await eventually(() => (isAlive(old.pid) ? undefined : true), 'the old process to stop');
    expect(runtime.status(key).containers[0]!.imageName).toBe('/api/data/images/echo:v2');
  });

  it('DROP stops everything and closes the ingress', async () => {
    const host = ingressHost('ECHO');
    const body = (await (await call(host, `Snowflake Token="${token('CALLER')}"`)).json()) as { pid: number; tokenFile: string };
    await runtime.drop(key);
    expect(isAlive(body.pid)).toBe(false);
    expect(() => runtime.status(key)).toThrow(SqlError);
    await expect(call(host, `Snowflake Token="${token('CALLER')}"`)).rejects.toThrow();
    expect(() => statSync(body.tokenFile)).toThrow();
  });
});

describe('failures', () => {
  it('a crashing entrypoint makes the service FAILED, with exit code, restarts and logs', async () => {
    const key = { database: 'API', schema: 'DATA', name: 'CRASH' };
    // With a probe the container can never be READY before it crashes, however slow the machine.
    await runtime.create(definition('CRASH', { spec: { containers: [{ name: 'main', image: '/api/data/images/crash:v1', readinessProbe: { port: 8001, path: '/ready' } }] } }));
    await expect(runtime.waitForReady([key], 30)).rejects.toThrow(/failed.*exited with code 3/i);
    const row = await eventually(() => runtime.status(key).containers.find((entry) => entry.restartCount >= 2), 'a second restart');
    expect(runtime.status(key).status).toBe('FAILED');
    expect(row).toMatchObject({ status: 'FAILED', lastExitCode: 3 });
    expect(runtime.logs(key, '0', 'main')).toContain('boom: cannot start');
    await runtime.drop(key);
  });

  it('stops a container that serves its port with a server the ingress guard cannot check, saying so (#13.6)', async () => {
    const key = { database: 'API', schema: 'DATA', name: 'RAW' };
    await runtime.create(definition('RAW', { spec: { containers: [{ name: 'main', image: '/api/data/images/raw:v1', readinessProbe: { port: 8001, path: '/ready' } }] } }));
    await expect(runtime.waitForReady([key], 30)).rejects.toThrow(/failed.*exited with code 70/i);
    expect(runtime.logs(key, '0', 'main')).toContain('with a server that is not node:http or node:https');
    await runtime.drop(key);
  });

  it('refuses an invalid spec, a missing image and a non-Node entrypoint with SqlError', async () => {
    await expect(runtime.create(definition('BAD', { spec: { containers: [{ name: 'Bad_Name', image: '/api/data/images/echo:v1' }] } }))).rejects.toThrow(/Invalid spec.*Bad_Name/);
    await expect(runtime.create({ ...definition('BAD', {}), specification: 'spec: [unclosed' })).rejects.toBeInstanceOf(SqlError);
    await expect(runtime.create(definition('BAD', echoSpec('/api/data/images/echo:nope')))).rejects.toThrow(/does not exist or not authorized/);
    await expect(runtime.create(definition('BAD', { spec: { containers: [{ name: 'sh', image: '/api/data/images/echo:v1', command: ['/bin/sh', '-c', 'true'] }] } }))).rejects.toThrow(/only Node\.js entrypoints/);
    await expect(
      runtime.create(definition('BAD', { spec: { containers: [{ name: 'a', image: '/api/data/images/echo:v1' }, { name: 'b', image: '/api/data/images/echo:v1' }], endpoints: [{ name: 'api', port: 9000, public: true }] } })),
    ).rejects.toThrow(/port 9000 does not match/);
    expect(() => runtime.status({ database: 'API', schema: 'DATA', name: 'BAD' })).toThrow(SqlError);
  });

  it('shows the provisioning text until the configured moment has passed', async () => {
    const slow = createServiceRuntime({ dataDir: join(dir, 'spcs-slow'), registry, tokens: authority, directory, accessUrl: () => 'http://127.0.0.1:45678', account: 'PAPI', endpointProvisioningMs: 3_600_000 });
    try {
      const key = { database: 'API', schema: 'DATA', name: 'ECHO' };
      await slow.create(definition('ECHO', echoSpec('/api/data/images/echo:v1')));
      await slow.waitForReady([key], 30);
      expect(slow.endpoints(key)).toEqual([{ name: 'api', port: 8001, protocol: 'HTTP', isPublic: true, ingressUrl: PROVISIONING_TEXT }]);
    } finally {
      await slow.close();
    }
  });
});

describe('instances and token rotation', () => {
  it('runs MIN_INSTANCES instances behind one ingress and rewrites the token file before it expires', async () => {
    const rotating = createServiceRuntime({
      dataDir: join(dir, 'spcs-rotating'),
      registry,
      tokens: authority,
      directory,
      accessUrl: () => 'http://127.0.0.1:45678',
      account: 'PAPI',
      endpointProvisioningMs: 0,
      tokenTtlSeconds: 2,
    });
    try {
      const key = { database: 'API', schema: 'DATA', name: 'ECHO' };
      await rotating.create({ ...definition('ECHO', echoSpec('/api/data/images/echo:v1')), minInstances: 2, maxInstances: 2 });
      await rotating.waitForReady([key], 30);
      expect(rotating.status(key).containers.map((row) => row.instanceId)).toEqual(['0', '1']);
      const host = rotating.endpoints(key)[0]!.ingressUrl;
      const ask = async (): Promise<{ pid: number; token: string }> =>
        (await (await call(host, `Snowflake Token="${token('CALLER')}"`)).json()) as { pid: number; token: string };
      const pids = new Set<number>();
      await eventually(async () => {
        pids.add((await ask()).pid);
        return pids.size === 2 ? true : undefined;
      }, 'both instances to answer');
      const first = (await ask()).token;
      const rotated = await eventually(async () => {
        const { token: current } = await ask();
        return current !== first ? current : undefined;
      }, 'a new token in the token file');
      expect(authority.verifyOAuthToken(rotated)).toEqual({ user: 'OWNER', role: 'OWNER_ROLE' });
    } finally {
      await rotating.close();
    }
  });
});

describe('restart of papi local', () => {
  it('restore() starts again what ran before close(); a suspended service stays suspended', async () => {
    const make = () =>
      createServiceRuntime({ dataDir: join(dir, 'spcs-restart'), registry, tokens: authority, directory, accessUrl: () => 'http://127.0.0.1:45678', account: 'PAPI', endpointProvisioningMs: 0 });
    const running = { database: 'API', schema: 'DATA', name: 'ECHO' };
    const parked = { database: 'API', schema: 'DATA', name: 'PARKED' };
    const first = make();
    await first.create(definition('ECHO', echoSpec('/api/data/images/echo:v1')));
    await first.create(definition('PARKED', echoSpec('/api/data/images/echo:v1')));
    await first.waitForReady([running, parked], 30);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const parkedBefore = first.endpoints(parked)[0]!.ingressUrl;
    await first.suspend(parked);
    const ingressBefore = first.endpoints(running)[0]!.ingressUrl;
    await first.close();
    expect(() => first.status(running)).toThrow(SqlError);

    const second = make();
    try {
      expect(await second.restore()).toEqual([]);
      await second.waitForReady([running], 30);
      expect(second.status(parked).status).toBe('SUSPENDED');
      // The suspended service's endpoint keeps its URL and answers (SERVICE_SUSPENDED, not a refused connection).
      const parkedUrl = second.endpoints(parked)[0]!.ingressUrl;
      expect(parkedUrl).toBe(parkedBefore);
      expect((await call(parkedUrl, `Snowflake Token="${token('OWNER_ROLE')}"`)).status).toBe(503);
      // The listener comes back on its old port (free again), so cached ingress tokens stay valid.
      expect(second.endpoints(running)[0]!.ingressUrl).toBe(ingressBefore);
      const answer = await call(ingressBefore, `Snowflake Token="${token('CALLER')}"`);
      expect(answer.status).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe('the papi service image', () => {
  it('starts under the runner with the environment it reads and answers through the ingress', async () => {
    const bundleDir = join(dir, 'bundle');
    await bundleService({ outfile: join(bundleDir, 'server.mjs') });
    const image = await assembleImage({ bundleDir, exposedPorts: [8001] });
    const client = new RegistryClient({ registry: server.host, credentials: sessionTokenCredentials({ token: authority.issueSessionToken('PUSHER', 'R'), expiresIn: 600 }) });
    await client.pushImage('api/data/images/papi', 'v1', image);
    const key = { database: 'API', schema: 'DATA', name: 'PAPI' };
    // No readiness probe: /healthz needs Snowflake, which this test does not run.
    await runtime.create(definition('PAPI', { spec: { containers: [{ name: 'api', image: '/api/data/images/papi:v1', env: { PAPI_STORE_TIMEOUT_MS: '1000' } }], endpoints: [{ name: 'api', port: 8001, public: true }] } }));
    await runtime.waitForReady([key], 30);
    const logs = await eventually(() => {
      const text = runtime.logs(key, '0', 'api');
      return /"event":"(listening|config_error)"/.test(text) ? text : undefined;
    }, 'the service to log');
    expect(logs).toContain('"event":"listening"');
    expect(logs).toContain('"auth":"token-file"');
    const page = await fetch(`http://${ingressHost('PAPI')}/`, { headers: { authorization: `Snowflake Token="${token('OWNER_ROLE')}"` } });
    expect(page.status).toBe(200);
    expect(readFileSync(join(bundleDir, 'server.mjs')).length).toBeGreaterThan(1000);
    await runtime.drop(key);
  });
});

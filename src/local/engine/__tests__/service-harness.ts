// The engine with the real SPCS runner and image registry behind it, on temp folders: what the
// service tests share. Images are pushed with pushImage (a one-file Node server, say).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleImage } from '../../../image/assemble.js';
import { RegistryClient } from '../../../image/registry-client.js';
import { sessionTokenCredentials } from '../../../image/snowflake-login.js';
import { createTestAuthority, startHttp, type TestServer } from '../../image-registry/__tests__/platform-doubles.js';
import { createRegistry } from '../../image-registry/index.js';
import type { ServiceRuntime } from '../../platform.js';
import { createServiceRuntime } from '../../spcs/runtime.js';
import type { LocalEngineApi } from '../index.js';
import { harness, type Harness } from './harness.js';

export interface ServiceHarness {
  h: Harness;
  server: TestServer;
  runtime: ServiceRuntime;
  authority: ReturnType<typeof createTestAuthority>;
  /** Pushes a one-file image (`server.mjs`) to `repository:tag` as the admin. */
  pushImage(repository: string, tag: string, server: string, env?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

export async function serviceHarness(options: { schedulingMs?: number } = {}): Promise<ServiceHarness> {
  const authority = createTestAuthority();
  let engine: LocalEngineApi | undefined;
  const directory = () => {
    if (!engine) throw new Error('engine not open');
    return engine;
  };
  const dir = mkdtempSync(join(tmpdir(), 'papi-engine-services-'));
  const registry = createRegistry({
    dataDir: join(dir, 'registry'),
    tokens: authority,
    directory: {
      account: () => directory().account(),
      canUseImageRepository: (user, repository, privilege) => directory().canUseImageRepository(user, repository, privilege),
      canUseServiceEndpoints: (role, service) => directory().canUseServiceEndpoints(role, service),
      serviceResumesOnCall: (service) => directory().serviceResumesOnCall(service),
      userHasRole: (user, role) => directory().userHasRole(user, role),
      verifyProgrammaticAccessToken: (secret) => directory().verifyProgrammaticAccessToken(secret),
    },
  });
  const server = await startHttp(registry.app);
  const runtime = createServiceRuntime({
    dataDir: join(dir, 'spcs'),
    registry,
    tokens: authority,
    directory,
    accessUrl: () => 'http://127.0.0.1:1',
    account: 'PAPI',
    endpointProvisioningMs: 0,
    ...(options.schedulingMs !== undefined ? { schedulingMs: options.schedulingMs } : {}),
    timings: { stopGraceMs: 2000, restartBackoffMs: 100, restartBackoffMaxMs: 400 },
  });
  const h = await harness({ services: runtime, images: registry, registryHost: server.host });
  engine = h.engine;
  const client = new RegistryClient({ registry: server.host, credentials: sessionTokenCredentials({ token: authority.issueSessionToken('ADMIN', 'ACCOUNTADMIN'), expiresIn: 600 }) });
  return {
    h,
    server,
    runtime,
    authority,
    async pushImage(repository, tag, source, env = {}) {
      await client.pushImage(repository, tag, await assembleImage({ files: [{ path: 'server.mjs', content: source }], env }));
    },
    async close() {
      await runtime.close();
      await h.cleanup();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

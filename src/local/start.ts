// startLocal: papi local in this process; serveLocal: the same, findable by other papi processes
// through local.json in its data directory. Serves the SQL API on 127.0.0.1 with the image registry
// routed beside it (one account URL, as on Snowflake), starts the SPCS runner (which starts an
// ingress per public endpoint) and the engine on the data directory.
// Used by `papi local start`, by `papi up` without an account, and by tests on temp directories.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { Hono } from 'hono';
import { openEngine, stageRoot, type LocalEngineApi } from './engine/index.js';
import { rememberingVerifier } from './password.js';
import type { AccountDirectory } from './platform.js';
import { listenApp } from './http/listen-app.js';
import type { LocalHttpEnv } from './http/local-http-env.js';
import { createRegistry, registryDir, routeImageRegistry } from './image-registry/index.js';
import { createSqlApi } from './server/index.js';
import { createStageStorage, STAGE_STORAGE_PATH } from './stage-storage/index.js';
import { passwordSignIn } from './ingress/browser-sign-in.js';
import { createServiceRuntime } from './spcs/runtime.js';
import type { ChunkLimits } from './server/query-requests.js';
import { INSTANCE_PATH, prepareDataDir, removeInstance, writeInstance, type InstanceIdentity } from './instance.js';
import { createTokenAuthority, DEFAULT_LIFETIMES, type LocalTokenAuthority, type TokenLifetimes } from './tokens.js';

export const DEFAULT_ADMIN_USER = 'PAPI';
/** Idle keep-alive connections stay open longer than the driver's pool keeps them (no reset mid-request). */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface StartLocalOptions {
  /** 0 (default) = any free port. */
  port?: number;
  dataDir: string;
  /** Admin password; default: the one stored in the data directory, else a generated one (stored 0600). */
  password?: string;
  /** Admin user (default PAPI). */
  user?: string;
  /** Answer CREATE HYBRID TABLE like an account without hybrid tables (tests of papi's fallback). */
  refuseHybridTables?: boolean;
  /** Answer compute pools, image repositories and services like a trial account without SPCS. */
  refuseContainerServices?: boolean;
  /** Refuse ALTER TABLE … SWAP WITH between hybrid tables (tests of papi's publish through a view). */
  refuseHybridSwap?: boolean;
  /** The heap a JavaScript stored procedure's CALL may use, in MB (default 4096; tests of the limit use less). */
  procedureMemoryMb?: number;
  /** How long a new service instance waits for a node, PENDING with no instance (default 0). */
  schedulingMs?: number;
  /** Token lifetimes (Snowflake: 1 h session, 4 h master); short ones let tests see renewal. */
  tokenLifetimes?: TokenLifetimes;
  /** Lifetime of the OAuth access tokens /oauth/token issues for the ingress (default 1 hour). */
  oauthTokenSeconds?: number;
  chunkLimits?: ChunkLimits;
  /** How long SHOW ENDPOINTS says "provisioning in progress" after a service first runs (default 0: papi up does not wait for a delay it only simulates; SPCS takes minutes, and tests of the wait ask for one). */
  endpointProvisioningMs?: number;
}

export interface LocalSnowflake {
  /** http://127.0.0.1:PORT — the driver's accessUrl. */
  accessUrl: string;
  account: string;
  user: string;
  password: string;
  dataDir: string;
  port: number;
  /** Issues and checks session and OAuth tokens (for the runner and ingress). */
  tokens: LocalTokenAuthority;
  /** The app served on accessUrl (SQL API with the image registry routed beside it), for app.request() in tests. */
  app: Hono<LocalHttpEnv>;
  /** Names this papi local among others (and among other processes that got its pid after a reboot). */
  instanceId: string;
  /** SQL API sessions currently open (logins not yet logged out or forgotten). */
  activeSessions(): number;
  /** Stops the servers and the services and closes DuckDB. */
  close(): Promise<void>;
}

/**
 * Every file papi local and DuckDB create is the owner's alone (umask 077): DuckDB's write-ahead log,
 * for one, comes and goes with each checkpoint, so no chmod after the fact could keep up with it.
 * papi local runs in its own process (papi local start); a worker thread cannot set the umask.
 */
function ownerOnlyFiles(): void {
  if (isMainThread) process.umask(process.umask() | 0o077);
}

export async function startLocal(options: StartLocalOptions): Promise<LocalSnowflake> {
  ownerOnlyFiles();
  const dataDir = path.resolve(options.dataDir);
  const user = (options.user ?? DEFAULT_ADMIN_USER).toUpperCase();
  const { password } = await prepareDataDir(dataDir, options.password);
  const lifetimes = { ...(options.tokenLifetimes ?? DEFAULT_LIFETIMES), ...(options.oauthTokenSeconds !== undefined ? { oauthSeconds: options.oauthTokenSeconds } : {}) };
  const tokens = await createTokenAuthority(dataDir, lifetimes);

  const sqlApi = createSqlApi({ tokens, ...(options.chunkLimits ? { chunkLimits: options.chunkLimits } : {}) });
  // The registry and the runner ask the catalog about grants, and the engine asks the runner to run
  // services: they reach the engine through `directory`, which answers once the engine is open.
  let engine: LocalEngineApi | undefined;
  const directory = (): AccountDirectory => {
    if (!engine) throw new Error('papi local: the engine is not open yet');
    return engine;
  };
  const lazyDirectory: AccountDirectory = {
    account: () => directory().account(),
    canUseImageRepository: (u, repository, privilege) => directory().canUseImageRepository(u, repository, privilege),
    canUseServiceEndpoints: (role, service) => directory().canUseServiceEndpoints(role, service),
    serviceResumesOnCall: (service) => directory().serviceResumesOnCall(service),
    userHasRole: (u, role) => directory().userHasRole(u, role),
    verifyProgrammaticAccessToken: (secret) => directory().verifyProgrammaticAccessToken(secret),
  };
  const registry = createRegistry({ dataDir: registryDir(dataDir), tokens, directory: lazyDirectory });

  let accessUrl = '';
  const stageStorage = createStageStorage({ stagesDir: stageRoot(dataDir), tokens, accessUrl: () => accessUrl });

  // The server listens before the engine opens: the engine and the runner need its address (registry
  // host, SNOWFLAKE_HOST). The SQL API answers every path but the registry's (/v2…, /login) and the
  // stage files' (/papi-stage-storage/…).
  // `papi local stop` asks who answers before it signals the pid in local.json (INSTANCE_PATH).
  const instanceId = randomUUID();
  const identity: InstanceIdentity = { pid: process.pid, instanceId, dataDir };
  const app = routeImageRegistry(sqlApi.app, registry)
    .route(STAGE_STORAGE_PATH, stageStorage.app)
    .get(INSTANCE_PATH, (c) => c.json(identity));
  const server = await listenApp(app, { port: options.port ?? 0, keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS });
  const { port } = server;
  accessUrl = `http://127.0.0.1:${port}`;
  // One verifier for SQL API logins and browser sign-ins: each user and password pair is hashed once.
  const verifyPassword = rememberingVerifier();
  const services = createServiceRuntime({
    dataDir: path.join(dataDir, 'spcs'),
    registry,
    tokens,
    directory,
    accessUrl: () => accessUrl,
    account: () => directory().account(),
    // Browsers sign in at an ingress with a papi local user's password, checked as the SQL API does.
    signIn: passwordSignIn(() => {
      if (!engine) throw new Error('papi local: the engine is not open yet');
      return engine;
    }, verifyPassword),
    ...(options.endpointProvisioningMs !== undefined ? { endpointProvisioningMs: options.endpointProvisioningMs } : {}),
    ...(options.schedulingMs !== undefined ? { schedulingMs: options.schedulingMs } : {}),
  });

  try {
    engine = await openEngine({
      dataDir,
      admin: { user, password },
      services,
      images: registry,
      refuseHybridTables: options.refuseHybridTables ?? false,
      refuseContainerServices: options.refuseContainerServices ?? false,
      refuseHybridSwap: options.refuseHybridSwap ?? false,
      procedureMemoryMb: options.procedureMemoryMb,
      registryHost: `127.0.0.1:${port}`,
      stageTransport: stageStorage.transport,
    });
  } catch (error) {
    await services.close();
    await server.close();
    throw error;
  }
  const account = engine.account();
  tokens.attachProgrammaticAccessTokens((secret) => lazyDirectory.verifyProgrammaticAccessToken(secret));
  sqlApi.attach({ engine, account, verifyPassword });
  // Services that ran before a restart come back (in the background: a restart must stay fast).
  void services.restore().catch(() => undefined);

  let closing: Promise<void> | undefined;
  const opened = engine;
  return {
    accessUrl,
    account,
    user,
    password,
    dataDir,
    port,
    tokens,
    app,
    instanceId,
    activeSessions: () => sqlApi.sessions.size,
    close: () =>
      (closing ??= (async () => {
        await server.close();
        // Services (and their ingress listeners) stop before the catalog and DuckDB close.
        await services.close();
        await opened.close();
        sqlApi.close();
      })()),
  };
}

/**
 * startLocal, then local.json for other papi processes (status, stop, target resolution); close()
 * removes it. `papi local start` serves through this.
 */
export async function serveLocal(options: StartLocalOptions): Promise<LocalSnowflake> {
  const local = await startLocal(options);
  try {
    await writeInstance(local.dataDir, {
      pid: process.pid,
      accessUrl: local.accessUrl,
      account: local.account,
      user: local.user,
      port: local.port,
      dataDir: local.dataDir,
      instanceId: local.instanceId,
      startedAt: new Date().toISOString(),
    });
  } catch (error) {
    await local.close();
    throw error;
  }
  return {
    ...local,
    close: async () => {
      await local.close();
      await removeInstance(local.dataDir, process.pid);
    },
  };
}

// papi local's engine: Snowflake SQL on DuckDB with a persistent catalog. openEngine is the entry
// point the server (src/local/server/) and startLocal (src/local/index.ts) use. engine.ts describes
// the engine's layers (model/, statements/, formats/, sql/) and the rule between them.
import { mkdirSync } from 'node:fs';
import { hashPassword, verifyPassword } from '../password.js';
import type { AccountDirectory, ImageDirectory, ServiceRuntime, StageTransport } from '../platform.js';
import { LocalEngine } from './engine.js';
import { loadCatalog, newCatalog, now, saveCatalog } from './model/catalog.js';
import { localFileTransport, stageRoot } from './model/stage-folders.js';
import { Storage } from './model/storage.js';
import type { Engine } from './types.js';

export interface EngineOptions {
  dataDir: string;
  /** The account name (CURRENT_ACCOUNT()); PAPI by default. Fixed when the data directory is created. */
  account?: string;
  /** The administrator: created on first open with ACCOUNTADMIN; its password follows these options. */
  admin: { user: string; password: string };
  /** The SPCS runtime; without it CREATE SERVICE fails with a clear error. */
  services?: ServiceRuntime;
  /** The image registry, for SHOW IMAGES IN IMAGE REPOSITORY; without it the list is empty. */
  images?: ImageDirectory;
  /** Answer CREATE HYBRID TABLE like an account without hybrid tables (trial, Azure, GCP). */
  refuseHybridTables?: boolean;
  /** Refuse Snowpark Container Services (compute pools, image repositories, services) like a trial account. */
  refuseContainerServices?: boolean;
  /** Refuse ALTER TABLE … SWAP WITH between hybrid tables (undocumented on Snowflake; tests of papi's view fallback). */
  refuseHybridSwap?: boolean;
  /** The heap a JavaScript stored procedure's CALL may use, in MB (default 4096). */
  procedureMemoryMb?: number;
  /** host:port of the local image registry, for SHOW IMAGE REPOSITORIES' repository_url. */
  registryHost?: string;
  /** How PUT/GET files travel; default: the driver copies them itself (LOCAL_FS), for the engine on its own. */
  stageTransport?: StageTransport;
}

export type LocalEngineApi = Engine & AccountDirectory;

export async function openEngine(options: EngineOptions): Promise<LocalEngineApi> {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(stageRoot(options.dataDir), { recursive: true, mode: 0o700 });
  const state = loadCatalog(options.dataDir) ?? newCatalog((options.account ?? 'PAPI').toUpperCase());
  await ensureAdmin(state, options.admin);
  saveCatalog(options.dataDir, state);
  const storage = await Storage.open(options.dataDir);
  // A statement killed (kill -9) after DuckDB committed but before the catalog was saved left storage
  // named after an id the catalog never recorded: never hand that id out again.
  const highest = await storage.highestStorageId();
  if (highest >= state.nextId) {
    state.nextId = highest + 1;
    saveCatalog(options.dataDir, state);
  }
  const engine = new LocalEngine(state, storage, {
    dataDir: options.dataDir,
    services: options.services,
    images: options.images,
    refuseHybridTables: options.refuseHybridTables ?? false,
    refuseContainerServices: options.refuseContainerServices ?? false,
    refuseHybridSwap: options.refuseHybridSwap ?? false,
    procedureMemoryMb: options.procedureMemoryMb,
    registryHost: options.registryHost ?? '127.0.0.1',
    stageTransport: options.stageTransport ?? localFileTransport(options.dataDir),
  });
  await engine.startTasks();
  return engine;
}

async function ensureAdmin(state: ReturnType<typeof newCatalog>, admin: EngineOptions['admin']): Promise<void> {
  const name = admin.user.toUpperCase();
  const existing = state.users[name];
  if (existing) {
    // The options are the authority for the admin's password: rehash only when it changed.
    if (!existing.passwordHash || !(await verifyPassword(admin.password, existing.passwordHash))) existing.passwordHash = await hashPassword(admin.password);
    return;
  }
  state.users[name] = {
    id: state.nextId++,
    name,
    owner: 'ACCOUNTADMIN',
    createdOn: now(),
    loginName: name,
    type: 'PERSON',
    passwordHash: await hashPassword(admin.password),
    defaultRole: 'ACCOUNTADMIN',
    defaultWarehouse: 'COMPUTE_WH',
    disabled: false,
  };
  state.roleGrants.push({ role: 'ACCOUNTADMIN', granteeType: 'USER', grantee: name, grantedBy: 'ACCOUNTADMIN', createdOn: now() });
}

export type { Engine } from './types.js';
export { stageRoot } from './model/stage-folders.js';
export { OUTPUT_DEFAULTS } from './formats/datetime-output.js';

// The catalog: every Snowflake object papi local knows (account objects, databases, schemas and the
// objects inside them), who owns it and what is granted on it. Kept in memory, saved as one JSON file
// written atomically (temp file + rename) after every statement that changes it.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Properties } from '../sql/ast.js';
import type { UserAuth } from '../types.js';

/** A column as Snowflake describes it: `type` is the Snowflake type text, e.g. NUMBER(38,0). */
export interface ColumnDef {
  name: string;
  type: string;
  nullable: boolean;
  defaultSql?: string;
}

export type TableKind = 'TABLE' | 'TRANSIENT' | 'HYBRID' | 'VIEW';

interface Owned {
  /** Unique id: grants point at it, so they follow the object through RENAME and SWAP. */
  id: number;
  name: string;
  owner: string;
  createdOn: string;
  comment?: string;
}

export interface TableEntry extends Owned {
  kind: TableKind;
  /** The DuckDB table (or view) holding the rows. */
  storage: string;
  columns: ColumnDef[];
  primaryKey?: string[];
  /** A view's text as written (Snowflake SQL). */
  viewText?: string;
}

export interface StageEntry extends Owned {
  /** Folder under the data directory's stages/ holding the files. */
  folder: string;
  directoryEnabled: boolean;
  /** The stage's FILE_FORMAT = (…), used by COPY when the statement names none. */
  fileFormat?: Properties;
}

/** CREATE FILE FORMAT: its options as written (TYPE = CSV FIELD_DELIMITER = … ). */
export interface FileFormatEntry extends Owned {
  properties: Properties;
}

export type ImageRepositoryEntry = Owned;

export interface ServiceEntry extends Owned {
  computePool: string;
  specification: string;
  minInstances: number;
  maxInstances: number;
  queryWarehouse?: string;
  /**
   * ALTER SERVICE … SUSPEND | RESUME as last run. The runtime's state wins where there is one: a call
   * to the endpoint may have resumed the service since (see model/service-objects.ts serviceState).
   */
  suspended: boolean;
  /** AUTO_RESUME (absent: TRUE, Snowflake's default). */
  autoResume?: boolean;
  /** Login name of the user who created it (the runtime writes that user's token into the container). */
  creator: string;
}

/**
 * CREATE TASK: a body run on a schedule as its owner role, in its warehouse. Created suspended (state
 * 'suspended'), as on Snowflake; ALTER TASK … RESUME starts the schedule.
 */
export interface TaskEntry extends Owned {
  warehouse: string;
  /** SCHEDULE as written ('60 MINUTE'); its period in milliseconds is `periodMs`. */
  schedule: string;
  periodMs: number;
  /** The body as written after AS. */
  definition: string;
  state: 'started' | 'suspended';
  lastCommittedOn: string;
  lastSuspendedOn?: string;
  /** While started: when the next scheduled run is due (ISO). */
  nextRunAt?: string;
}

/**
 * CREATE PROCEDURE … LANGUAGE JAVASCRIPT: its signature, body and rights. Schemas key them by
 * signature (procedureKey in model/procedures.ts), so overloads of one name live side by side.
 */
export interface ProcedureEntry extends Owned {
  /** Arguments in order: `name` as the body sees it (upper case unless quoted), `type` canonical (NUMBER(38,0)). */
  args: Array<{ name: string; type: string }>;
  /** The RETURNS type, canonical. */
  returns: string;
  returnsNotNull: boolean;
  language: 'JAVASCRIPT';
  executeAs: 'OWNER' | 'CALLER';
  /** The JavaScript body as written between the delimiters. */
  body: string;
}

/** One run of a task (INFORMATION_SCHEMA.TASK_HISTORY). */
export interface TaskRun {
  runId: number;
  queryId: string;
  taskId: number;
  /** The task's owner role when it ran: who may still see the run once the task is gone. */
  owner: string;
  database: string;
  schema: string;
  name: string;
  queryText: string;
  state: 'EXECUTING' | 'SUCCEEDED' | 'FAILED';
  scheduledTime: string;
  queryStartTime?: string;
  completedTime?: string;
  errorCode?: string;
  errorMessage?: string;
}

export interface SchemaEntry extends Owned {
  managedAccess?: boolean;
  tables: Record<string, TableEntry>;
  stages: Record<string, StageEntry>;
  imageRepositories: Record<string, ImageRepositoryEntry>;
  services: Record<string, ServiceEntry>;
  /** Absent in catalogs written before file formats existed. */
  fileFormats?: Record<string, FileFormatEntry>;
  /** Absent in catalogs before version 3 (tasks). */
  tasks?: Record<string, TaskEntry>;
  /** By signature, NAME(FLOAT, VARCHAR); absent in catalogs before version 4 (procedures). */
  procedures?: Record<string, ProcedureEntry>;
}

export interface DatabaseEntry extends Owned {
  transient?: boolean;
  /** A database made from a share (read only), e.g. SFC_SAMPLES.SAMPLE_DATA. */
  origin?: string;
  schemas: Record<string, SchemaEntry>;
}

/**
 * Every account has SNOWFLAKE_SAMPLE_DATA, a database imported from Snowflake's sample share; the
 * tutorial grants IMPORTED PRIVILEGES on it. papi local ships none of the sample tables: a query on one
 * fails as on an account without the share (002003).
 */
export function sampleDataDatabase(id: number): DatabaseEntry {
  return { id, name: 'SNOWFLAKE_SAMPLE_DATA', owner: 'ACCOUNTADMIN', createdOn: now(), origin: 'SFC_SAMPLES.SAMPLE_DATA', schemas: {} };
}

/** The catalog layout this papi writes; loadCatalog brings older ones up to it. */
const CATALOG_VERSION = 4;

export type RoleEntry = Owned;

/** A user: what a login needs (UserAuth: password hash, keys, defaults, TYPE) and its other properties. */
export interface UserEntry extends Owned, UserAuth {
  loginName: string;
  displayName?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  mustChangePassword?: boolean;
  /** Absent in catalogs written before programmatic access tokens existed. */
  programmaticAccessTokens?: ProgrammaticAccessTokenEntry[];
}

/** ALTER USER … ADD PAT: the secret is kept only as its SHA-256 (it is random, so no salt or stretching). */
export interface ProgrammaticAccessTokenEntry {
  name: string;
  /** Hex SHA-256 of the secret. */
  secretHash: string;
  roleRestriction?: string;
  expiresAt: string;
  createdOn: string;
  /** The user who ran ALTER USER … ADD. */
  createdBy: string;
  comment?: string;
  minsToBypassNetworkPolicy: number;
}

export interface WarehouseEntry extends Owned {
  size: string;
  state: 'STARTED' | 'SUSPENDED';
  autoSuspend: number | null;
  autoResume: boolean;
  type: string;
}

/** CREATE SECURITY INTEGRATION: recorded and shown; papi local's ingress needs none of them to work. */
export interface IntegrationEntry extends Owned {
  /** SHOW INTEGRATIONS `type`, e.g. OAUTH - SNOWSERVICES_INGRESS. */
  type: string;
  category: 'SECURITY';
  enabled: boolean;
}

export interface ComputePoolEntry extends Owned {
  state: 'IDLE' | 'ACTIVE' | 'SUSPENDED' | 'STARTING';
  minNodes: number;
  maxNodes: number;
  instanceFamily: string;
  autoResume: boolean;
  autoSuspendSecs: number;
}

/** The kinds of securable objects grants point at. */
export type ObjectType =
  | 'ACCOUNT'
  | 'DATABASE'
  | 'SCHEMA'
  | 'TABLE'
  | 'VIEW'
  | 'STAGE'
  | 'IMAGE REPOSITORY'
  | 'SERVICE'
  | 'WAREHOUSE'
  | 'COMPUTE POOL'
  | 'FILE FORMAT'
  | 'INTEGRATION'
  | 'ROLE'
  | 'USER'
  | 'TASK'
  | 'PROCEDURE';

export interface PrivilegeGrant {
  privilege: string;
  objectType: ObjectType;
  /** Id of the object (0 for the account). */
  objectId: number;
  role: string;
  grantedBy: string;
  grantOption: boolean;
  createdOn: string;
}

export interface RoleGrant {
  /** The role granted … */
  role: string;
  /** … to this role or user. */
  granteeType: 'ROLE' | 'USER';
  grantee: string;
  grantedBy: string;
  createdOn: string;
}

/** GRANT … ON FUTURE <objects> IN SCHEMA|DATABASE: applied to each such object when it is created. */
export interface FutureGrant {
  privilege: string;
  objectType: ObjectType;
  containerType: 'DATABASE' | 'SCHEMA';
  containerId: number;
  role: string;
  grantedBy: string;
  createdOn: string;
}

export interface LoadedFile {
  md5: string;
  loadedOn: string;
}

export interface CatalogState {
  /** The catalog's own layout (CATALOG_VERSION); loadCatalog upgrades older ones. */
  version: number;
  account: string;
  nextId: number;
  databases: Record<string, DatabaseEntry>;
  roles: Record<string, RoleEntry>;
  users: Record<string, UserEntry>;
  warehouses: Record<string, WarehouseEntry>;
  computePools: Record<string, ComputePoolEntry>;
  integrations: Record<string, IntegrationEntry>;
  grants: PrivilegeGrant[];
  roleGrants: RoleGrant[];
  /** Load history per table id: stage file path → md5, so COPY skips files it already loaded. */
  loadHistory: Record<string, Record<string, LoadedFile>>;
  futureGrants: FutureGrant[];
  /** Task runs, oldest first, the latest TASK_HISTORY_LIMIT kept (version 3). */
  taskHistory: TaskRun[];
}

/** How many task runs the catalog keeps (Snowflake's TASK_HISTORY returns 100 by default, 10,000 at most). */
export const TASK_HISTORY_LIMIT = 1000;

export const SYSTEM_ROLES = ['ACCOUNTADMIN', 'SECURITYADMIN', 'USERADMIN', 'SYSADMIN', 'ORGADMIN', 'PUBLIC'] as const;
export const ACCOUNT_OBJECT_ID = 0;

export function now(): string {
  return new Date().toISOString();
}

/** A new account as Snowflake creates it: system roles in their hierarchy and COMPUTE_WH. */
export function newCatalog(account: string): CatalogState {
  const createdOn = now();
  const state: CatalogState = {
    version: CATALOG_VERSION,
    account,
    nextId: 1,
    databases: {},
    roles: {},
    users: {},
    warehouses: {},
    computePools: {},
    integrations: {},
    grants: [],
    roleGrants: [],
    loadHistory: {},
    futureGrants: [],
    taskHistory: [],
  };
  for (const name of SYSTEM_ROLES) {
    state.roles[name] = { id: state.nextId++, name, owner: name === 'PUBLIC' ? 'ACCOUNTADMIN' : name, createdOn };
  }
  // Snowflake's system role hierarchy.
  const hierarchy: Array<[string, string]> = [
    ['SECURITYADMIN', 'ACCOUNTADMIN'],
    ['SYSADMIN', 'ACCOUNTADMIN'],
    ['USERADMIN', 'SECURITYADMIN'],
  ];
  for (const [role, grantee] of hierarchy)
    state.roleGrants.push({ role, granteeType: 'ROLE', grantee, grantedBy: '', createdOn });
  state.warehouses.COMPUTE_WH = {
    id: state.nextId++,
    name: 'COMPUTE_WH',
    owner: 'SYSADMIN',
    createdOn,
    size: 'X-Small',
    state: 'SUSPENDED',
    autoSuspend: 600,
    autoResume: true,
    type: 'STANDARD',
  };
  state.databases.SNOWFLAKE_SAMPLE_DATA = sampleDataDatabase(state.nextId++);
  return state;
}

export function emptySchema(id: number, name: string, owner: string): SchemaEntry {
  return { id, name, owner, createdOn: now(), tables: {}, stages: {}, imageRepositories: {}, services: {}, fileFormats: {}, tasks: {}, procedures: {} };
}

const CATALOG_FILE = 'catalog.json';

export function loadCatalog(dataDir: string): CatalogState | undefined {
  const file = join(dataDir, CATALOG_FILE);
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, 'utf8')) as CatalogState;
  state.futureGrants ??= [];
  // Catalogs written before integrations existed (papi 0.1.0) have none.
  state.integrations ??= {};
  // Version 2 gave every account the sample database.
  if (state.version < 2) {
    state.databases.SNOWFLAKE_SAMPLE_DATA ??= sampleDataDatabase(state.nextId++);
    state.version = 2;
  }
  // Version 3 added tasks: every schema gets an empty set, the account an empty history.
  if (state.version < 3) {
    for (const db of Object.values(state.databases)) for (const schema of Object.values(db.schemas)) schema.tasks ??= {};
    state.taskHistory ??= [];
    state.version = 3;
  }
  // Version 4 added stored procedures.
  if (state.version < 4) {
    for (const db of Object.values(state.databases)) for (const schema of Object.values(db.schemas)) schema.procedures ??= {};
    state.version = 4;
  }
  return state;
}

/** Atomic save: a reader (or a crash) sees the old file or the new one, never half of one. */
export function saveCatalog(dataDir: string, state: CatalogState): void {
  const file = join(dataDir, CATALOG_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state), { mode: 0o600 });
  renameSync(temp, file);
}

/** The database a schema belongs to. */
export function databaseOf(state: CatalogState, schema: SchemaEntry): DatabaseEntry | undefined {
  return Object.values(state.databases).find((db) => db.schemas[schema.name] === schema);
}

/** Grants the future grants of the object's schema and database on a new object. */
export function applyFutureGrants(state: CatalogState, objectType: ObjectType, id: number, schema: SchemaEntry | undefined, database: DatabaseEntry | undefined): void {
  const containers = new Set([schema?.id, database?.id].filter((x): x is number => x !== undefined));
  for (const future of state.futureGrants) {
    if (future.objectType !== objectType || !containers.has(future.containerId)) continue;
    if (state.grants.some((g) => g.objectId === id && g.role === future.role && g.privilege === future.privilege)) continue;
    state.grants.push({ privilege: future.privilege, objectType, objectId: id, role: future.role, grantedBy: future.grantedBy, grantOption: false, createdOn: now() });
  }
}

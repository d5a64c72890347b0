// The engine: runs one Snowflake statement for a session. Statements run one at a time; a statement
// that fails leaves the catalog (restored from a snapshot), the session and DuckDB (transactions) as
// they were; a statement that changed the catalog saves it before answering.
//
// papi local's engine in layers; each imports only from the layers below it:
//   engine.ts, index.ts  the dispatcher: parses a statement, routes it to its handler, and answers
//                        the server, the image registry and the ingress (AccountDirectory)
//   statements/          one module per family of statements (ddl, dml, account objects, grants,
//                        access tokens, services, files, show, session); they never import one
//                        another: what two of them share belongs in model/ or formats/
//   model/               the catalog and its rules, whatever the statement: the table model, name
//                        resolution, privileges, users' credentials, services and SYSTEM$ functions,
//                        DuckDB storage, stage folders, and the context (core.ts) every handler gets
//   formats/             Snowflake's data types, values, CSV files and messages, without the catalog
//   sql/                 the Snowflake SQL parser and its translation to DuckDB
//   types.ts             the contract with the SQL API server (src/local/server/)
// Nothing here imports from src/ outside src/local/.
import type { AccountDirectory, ImageDirectory, ProgrammaticAccessTokenClaims, ServiceKey, ServiceRuntime, StageTransport } from '../platform.js';
import { OUTPUT_DEFAULTS } from './formats/datetime-output.js';
import { asSqlError, canceled, succeeded, unsupported } from './formats/messages.js';
import { mayUseImageRepository, mayUseServiceEndpoints, resumesOnCall, userAuth } from './model/account-directory.js';
import { saveCatalog, type CatalogState } from './model/catalog.js';
import { refuseUnavailableFeature } from './model/features.js';
import type { CachedQuery, Core, Exec } from './model/core.js';
import { Scope } from './model/name-resolution.js';
import { PointLookupIndexes } from './model/point-lookups.js';
import { userRoles } from './model/privileges.js';
import type { Storage } from './model/storage.js';
import { plannedSleeps, plannedWaits } from './model/system-functions.js';
import { verifyToken } from './model/user-credentials.js';
import type { Statement, StatementKind } from './sql/ast.js';
import { parse, splitStatements } from './sql/parser.js';
import { inlineIdentifiers } from './sql/identifier.js';
import * as accessTokens from './statements/access-tokens.js';
import * as accountObjects from './statements/account-objects.js';
import * as ddl from './statements/ddl.js';
import * as dml from './statements/dml.js';
import * as files from './statements/files.js';
import * as grants from './statements/grants.js';
import * as procedures from './statements/procedures.js';
import * as services from './statements/services.js';
import * as sessions from './statements/session.js';
import * as showing from './statements/show.js';
import * as tasks from './statements/tasks.js';
import { TaskScheduler } from './task-scheduler.js';
import type { Bind, Engine, ExecuteOptions, QueryRecord, SessionState, StatementResult, UserAuth } from './types.js';

const PARSE_CACHE_LIMIT = 1000;
/**
 * A JavaScript procedure's heap. Snowflake documents a memory limit for JavaScript without a figure;
 * papi local's is generous enough for a body that reads 10 million rows (docs/procedures.md).
 */
export const PROCEDURE_MEMORY_MB = 4096;
/** Waits `ms`, or fails with 000604 as soon as `signal` aborts. */
function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(canceled());
    const onAbort = () => {
      clearTimeout(timer);
      reject(canceled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** How many statements a session's query history keeps. */
const HISTORY_LIMIT = 100;
/** Statements besides queries that never change a table's rows: the primary-key indexes outlive them. */
const ROW_KEEPING: ReadonlySet<StatementKind> = new Set<StatementKind>(['show', 'describe', 'use', 'alterSession', 'explain', 'list']);

/** Adds a RUNNING statement to the session's history (the caller records how it ends). */
function remember(session: SessionState, sql: string): QueryRecord {
  const { user, role, database, schema, warehouse } = session;
  const record: QueryRecord = { text: sql, user, role, database, schema, warehouse, tag: session.parameters.QUERY_TAG ?? '', status: 'RUNNING', start: Date.now() };
  const history = (session.history ??= []);
  history.push(record);
  if (history.length > HISTORY_LIMIT) history.splice(0, history.length - HISTORY_LIMIT);
  return record;
}

export interface EngineSettings {
  dataDir: string;
  services?: ServiceRuntime;
  images?: ImageDirectory;
  refuseHybridTables: boolean;
  refuseContainerServices?: boolean;
  refuseHybridSwap?: boolean;
  /** The heap a JavaScript stored procedure's CALL may use, in MB (default PROCEDURE_MEMORY_MB). */
  procedureMemoryMb?: number;
  registryHost: string;
  stageTransport: StageTransport;
}

export class LocalEngine implements Engine, AccountDirectory, Core {
  private readonly parsed = new Map<string, Statement>();
  readonly queryCache = new Map<string, CachedQuery>();
  readonly pointLookups = new PointLookupIndexes();
  private dirty = false;
  /** Bumped by every catalog change: cached translations are keyed by it. */
  version = 0;
  readonly dataDir: string;
  readonly services?: ServiceRuntime;
  readonly images?: ImageDirectory;
  readonly refuseHybridTables: boolean;
  readonly refuseContainerServices: boolean;
  readonly refuseHybridSwap: boolean;
  readonly procedureMemoryMb: number;
  readonly registryHost: string;
  readonly stageTransport: StageTransport;
  readonly taskRunner: TaskScheduler;
  private readonly closer = new AbortController();
  /** Aborted when the engine closes: running stored procedures stop. */
  readonly closing = this.closer.signal;

  constructor(
    public state: CatalogState,
    readonly storage: Storage,
    settings: EngineSettings,
  ) {
    this.dataDir = settings.dataDir;
    this.services = settings.services;
    this.images = settings.images;
    this.refuseHybridTables = settings.refuseHybridTables;
    this.refuseContainerServices = settings.refuseContainerServices ?? false;
    this.refuseHybridSwap = settings.refuseHybridSwap ?? false;
    this.procedureMemoryMb = settings.procedureMemoryMb ?? PROCEDURE_MEMORY_MB;
    this.registryHost = settings.registryHost;
    this.stageTransport = settings.stageTransport;
    this.taskRunner = new TaskScheduler({
      state: () => this.state,
      mutate: (change) =>
        this.storage.exclusive(async () => {
          change(this.state);
          this.changed();
          this.persist();
        }),
      execute: (session, sql) => this.execute(session, sql, []),
    });
  }

  /** Starts running tasks on their schedule (after the catalog is loaded). */
  startTasks(): Promise<void> {
    return this.taskRunner.start();
  }

  nextId(): number {
    return this.state.nextId++;
  }

  changed(): void {
    this.dirty = true;
    this.version++;
    this.pointLookups.forget();
  }

  statements(sql: string): Array<{ text: string; binds: number }> {
    try {
      return splitStatements(sql);
    } catch (error) {
      throw asSqlError(error);
    }
  }

  async execute(session: SessionState, sql: string, binds: Bind[], options: ExecuteOptions = {}): Promise<StatementResult> {
    const { signal } = options;
    if (options.describeOnly) return this.exclusive(signal, () => this.run(session, sql, binds, undefined, { describeOnly: true }));
    if (options.bindStage !== undefined) {
      const stage = options.bindStage;
      return this.exclusive(signal, () => this.run(session, sql, (ex) => files.stageBinds(ex, stage)));
    }
    const waited = this.services && /SYSTEM\$WAIT_FOR_SERVICES/i.test(sql) ? await this.waitForServices(session, sql, binds) : undefined;
    const slept = /SYSTEM\$WAIT\s*\(/i.test(sql) ? await this.sleepFor(session, sql, binds, signal) : undefined;
    return this.exclusive(signal, () => this.run(session, sql, binds, slept ? new Map([...(waited ?? []), ...slept]) : waited, { signal }));
  }

  nested(session: SessionState, sql: string, binds: Bind[], record = true): Promise<StatementResult> {
    return this.run(session, sql, binds, undefined, { record });
  }

  /**
   * The statement's turn on DuckDB, cancellable: a cancel before the turn fails it at once, one during
   * it interrupts DuckDB (the statement's transaction rolls back) and it fails with 000604.
   */
  private exclusive(signal: AbortSignal | undefined, work: () => Promise<StatementResult>): Promise<StatementResult> {
    if (!signal) return this.storage.exclusive(work);
    return this.storage.exclusive(async () => {
      if (signal.aborted) throw canceled();
      const interrupt = () => this.storage.interrupt();
      signal.addEventListener('abort', interrupt);
      try {
        return await work();
      } finally {
        signal.removeEventListener('abort', interrupt);
      }
    });
  }

  /** SYSTEM$WAIT sleeps without holding the lock: other sessions are served meanwhile. */
  private async sleepFor(session: SessionState, sql: string, binds: Bind[], signal?: AbortSignal): Promise<Map<string, Error | null> | undefined> {
    const planned = await this.planUnlocked(session, sql, binds, plannedSleeps);
    if (!planned) return undefined; // the statement itself reports the problem
    for (const sleep of planned) await abortableSleep(sleep.ms, signal);
    return new Map(planned.map((sleep) => [sleep.id, null]));
  }

  /**
   * SYSTEM$WAIT_FOR_SERVICES can take minutes, and a starting service may query the engine: wait
   * without holding the lock, then let the statement read the outcome.
   */
  private async waitForServices(session: SessionState, sql: string, binds: Bind[]): Promise<Map<string, Error | null> | undefined> {
    const planned = await this.planUnlocked(session, sql, binds, plannedWaits);
    if (!planned) return undefined; // the statement itself reports the problem
    const outcomes = new Map<string, Error | null>();
    for (const wait of planned)
      outcomes.set(wait.id, await this.services!.waitForReady(wait.keys, wait.timeoutSeconds).then(() => null, (error: unknown) => (error instanceof Error ? error : new Error(String(error)))));
    return outcomes;
  }

  /** Reads a statement's waits under the lock, to do them after releasing it; undefined when it does not parse. */
  private planUnlocked<T>(session: SessionState, sql: string, binds: Bind[], planner: (ex: Exec, root: unknown) => T): Promise<T | undefined> {
    return this.storage
      .exclusive(async () => planner({ core: this, scope: new Scope(this.state, session), session, binds, sql }, this.parse(sql)))
      .catch(() => undefined);
  }

  /** `binds` may be read from a stage under the statement's own lock and access checks. */
  private async run(
    session: SessionState,
    sql: string,
    binds: Bind[] | ((ex: Exec) => Bind[]),
    waited?: Map<string, Error | null>,
    options: { describeOnly?: boolean; record?: boolean; signal?: AbortSignal } = {},
  ): Promise<StatementResult> {
    const { describeOnly = false, record: recorded = true, signal } = options;
    const written = sql;
    let statement: Statement;
    try {
      // IDENTIFIER(?) / IDENTIFIER('…'): the names written in, a bound one taken out of the binds.
      if (typeof binds !== 'function') ({ sql, binds } = inlineIdentifiers(sql, binds));
      statement = this.parse(sql);
    } catch (error) {
      throw asSqlError(error);
    }
    // Describing anything but a query would mean planning it without its effects: refused by name.
    if (describeOnly && statement.kind !== 'select') throw asSqlError(unsupported(`describeOnly for a ${statement.kind} statement`));
    const readOnly = statement.kind === 'select';
    // A procedure's statements commit one by one (each rolls its own failure back): a failed CALL keeps them.
    const procedureCall = statement.kind === 'call' && !statement.call.system;
    const snapshot = readOnly || procedureCall ? undefined : structuredClone(this.state);
    const sessionBefore = { ...session, parameters: { ...session.parameters } };
    const ex: Exec = { core: this, scope: new Scope(this.state, session), session, binds: typeof binds === 'function' ? [] : binds, sql, waited, describeOnly, signal };
    const record: Partial<QueryRecord> = recorded ? remember(session, written) : {};
    // Anything that may change a table's rows (DML, COPY, DDL, a transaction, a procedure's body):
    // the primary-key indexes are dropped before it runs and again once it has run. Statements that
    // only read the catalog or set the session keep them: papi bench's SHOW ENDPOINTS just before a
    // cold run made its first 18 lookups go the slow way while the first misses waited (#16.5).
    const keepsRows = readOnly || ROW_KEEPING.has(statement.kind);
    if (!keepsRows) this.pointLookups.forget();
    try {
      if (typeof binds === 'function') ex.binds = binds(ex);
      await this.storage.useTimeZone(session.parameters.TIMEZONE ?? OUTPUT_DEFAULTS.TIMEZONE);
      const result = await this.dispatch(ex, statement);
      sessions.noteTransactionEffect(session, statement, result);
      // What a read changes (a warehouse it auto-resumed) may wait for the next save: a read must not
      // fail because the catalog cannot be written now (papi local's disk full).
      if (readOnly) this.persistIfPossible();
      else this.persist();
      if (!keepsRows) this.pointLookups.forget();
      Object.assign(record, { status: 'SUCCESS', end: Date.now() });
      return result;
    } catch (error) {
      if (!keepsRows) this.pointLookups.forget();
      const failure = asSqlError(error);
      Object.assign(record, { status: 'FAILED_WITH_ERROR', end: Date.now(), errorCode: failure.code, errorMessage: failure.message });
      if (snapshot) {
        // Ids are never handed out twice: a statement whose DuckDB part committed before its catalog
        // save failed (disk full) left storage named after the ids it took.
        snapshot.nextId = Math.max(snapshot.nextId, this.state.nextId);
        this.state = snapshot;
        this.version++;
        this.pointLookups.forget();
        this.storage.forgetPrepared();
      }
      this.dirty = false;
      Object.assign(session, sessionBefore);
      for (const key of Object.keys(session) as Array<keyof SessionState>) if (!(key in sessionBefore)) delete session[key];
      throw failure;
    }
  }

  private persistIfPossible(): void {
    try {
      this.persist();
    } catch {
      // Still dirty: saved with the next statement that changes the catalog.
    }
  }

  private persist(): void {
    if (!this.dirty) return;
    saveCatalog(this.dataDir, this.state);
    this.dirty = false;
    this.storage.forgetPrepared();
  }

  private parse(sql: string): Statement {
    const cached = this.parsed.get(sql);
    if (cached) return cached;
    const statement = parse(sql);
    if (this.parsed.size >= PARSE_CACHE_LIMIT) this.parsed.clear();
    this.parsed.set(sql, statement);
    return statement;
  }

  private async dispatch(ex: Exec, s: Statement): Promise<StatementResult> {
    refuseUnavailableFeature(this, s);
    switch (s.kind) {
      case 'select':
        return dml.select(ex, s);
      case 'insertAll':
        return dml.insertAll(ex, s);
      case 'insert':
        return dml.insert(ex, s);
      case 'update':
        return dml.update(ex, s);
      case 'delete':
        return dml.remove(ex, s);
      case 'truncate':
        return dml.truncate(ex, s);
      case 'merge':
        return dml.merge(ex, s);
      case 'createTable':
        return s.as ? dml.createTableAs(ex, s) : ddl.createTable(ex, s);
      case 'createView':
        return dml.createView(ex, s);
      case 'alterTable':
        return ddl.alterTable(ex, s);
      case 'createDatabase':
        return ddl.createDatabase(ex, s);
      case 'createSchema':
        return ddl.createSchema(ex, s);
      case 'drop': {
        if (s.objectType === 'SERVICE') return services.dropService(ex, s);
        if (s.objectType === 'TASK') return tasks.dropTask(ex, s);
        if (s.objectType === 'PROCEDURE') return procedures.dropProcedure(ex, s);
        const result = (await ddl.dropObject(ex, s)) ?? (await accountObjects.dropAccountObject(ex, s));
        if (!result) throw unsupported(`DROP ${s.objectType}`);
        return result;
      }
      case 'use':
        return sessions.use(ex, s);
      case 'createRole':
        return accountObjects.createRole(ex, s);
      case 'createUser':
        return accountObjects.createUser(ex, s);
      case 'alterUser':
        return accountObjects.alterUser(ex, s);
      case 'alterUserToken':
        return accessTokens.alterUserToken(ex, s);
      case 'createWarehouse':
        return accountObjects.createWarehouse(ex, s);
      case 'alterWarehouse':
        return accountObjects.alterWarehouse(ex, s);
      case 'createStage':
        return ddl.createStage(ex, s);
      case 'createImageRepository':
        return ddl.createImageRepository(ex, s);
      case 'createFileFormat':
        return ddl.createFileFormat(ex, s);
      case 'createComputePool':
        return accountObjects.createComputePool(ex, s);
      case 'createSecurityIntegration':
        return accountObjects.createSecurityIntegration(ex, s);
      case 'alterComputePool':
        return accountObjects.alterComputePool(ex, s);
      case 'createService':
        return services.createService(ex, s);
      case 'alterService':
        return services.alterService(ex, s);
      case 'createTask':
        return tasks.createTask(ex, s);
      case 'alterTask':
        return tasks.alterTask(ex, s);
      case 'executeTask':
        return tasks.executeTask(ex, s);
      case 'grantPrivileges':
        return grants.grantPrivileges(ex, s);
      case 'revokePrivileges':
        return grants.revokePrivileges(ex, s);
      case 'grantRole':
        return grants.grantRole(ex, s);
      case 'revokeRole':
        return grants.revokeRole(ex, s);
      case 'grantServiceRole':
      case 'revokeServiceRole':
        return grants.grantServiceRole(ex, s);
      case 'grantOwnership':
        return grants.grantOwnership(ex, s);
      case 'alterSession':
        return sessions.alterSession(ex, s);
      case 'show':
        return showing.show(ex, s);
      case 'describe':
        return showing.describe(ex, s);
      case 'call':
        return s.call.system ? dml.call(ex, s) : procedures.callProcedure(ex, s);
      case 'createProcedure':
        return procedures.createProcedure(ex, s);
      case 'put':
        return files.put(ex, s);
      case 'get':
        return files.get(ex, s);
      case 'list':
        return files.list(ex, s);
      case 'remove':
        return files.remove(ex, s);
      case 'copyInto':
        return files.copyInto(ex, s);
      case 'begin':
      case 'commit':
      case 'rollback':
        return sessions.transaction(ex, s);
      case 'comment':
        return succeeded();
      case 'alterDatabase':
      case 'alterSchema':
        return ddl.alterContainer(ex, s);
      default:
        // camelCase kind → SQL words: createFileFormat → CREATE FILE FORMAT.
        throw unsupported(s.kind.replace(/([A-Z])/g, ' $1').toUpperCase());
    }
  }

  // ── Engine

  user(loginName: string): UserAuth | undefined {
    return userAuth(this.state, loginName);
  }

  userHasRole(user: string, role: string): boolean {
    return userRoles(this.state, user).has(role);
  }

  async close(): Promise<void> {
    // A stored procedure still running (a loop that never ends) must not keep papi local from stopping.
    this.closer.abort();
    await this.taskRunner.stop();
    await this.storage.exclusive(async () => {
      this.persist();
      await this.storage.close();
    });
  }

  // ── AccountDirectory

  account(): string {
    return this.state.account;
  }

  canUseImageRepository(user: string, repository: ServiceKey, privilege: 'READ' | 'WRITE'): boolean {
    return mayUseImageRepository(this.state, user, repository, privilege);
  }

  verifyProgrammaticAccessToken(secret: string): ProgrammaticAccessTokenClaims | undefined {
    return verifyToken(this.state, secret);
  }

  canUseServiceEndpoints(role: string, service: ServiceKey): boolean {
    return mayUseServiceEndpoints(this.state, role, service);
  }

  serviceResumesOnCall(service: ServiceKey): boolean {
    return resumesOnCall(this.state, service);
  }
}

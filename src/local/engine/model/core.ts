// What every statement handler gets: the engine's shared parts (catalog, DuckDB, data directory,
// SPCS runtime) and the statement's own context (session, binds, access checks).
import type { ImageDirectory, ServiceRuntime, StageTransport } from '../../platform.js';
import type { DataType } from '../sql/ast.js';
import type { Bind, SessionState, StatementResult } from '../types.js';
import type { CatalogState, TableEntry } from './catalog.js';
import type { Scope } from './name-resolution.js';
import type { PointLookup, PointLookupIndexes } from './point-lookups.js';
import type { Storage } from './storage.js';

/** A SELECT translated once (statements/dml.ts), valid while the catalog stays at `version`. */
export interface CachedQuery {
  version: number;
  sql: string;
  /** The result's columns with their Snowflake types where known (structured columns need theirs). */
  columns: Array<{ name: string; type?: DataType }>;
  /** Tables the query reads: a query on tables needs a warehouse. */
  tables: TableEntry[];
  /** How many bind parameters ($1 … $n) the translated SQL takes. */
  parameters: number;
  /** A primary-key lookup on one hybrid table, answerable from its index (model/point-lookups.ts). */
  pointLookup?: PointLookup;
}

/** The engine's task scheduler (engine/task-scheduler.ts), as statement handlers see it. */
export interface TaskRunner {
  /** EXECUTE TASK: one run of the task soon, after the statement that asked for it. */
  runSoon(taskId: number): void;
  /** A task was created, resumed, suspended or dropped: look at the schedule again. */
  reschedule(): void;
}

export interface Core {
  readonly dataDir: string;
  /** The live catalog; replaced wholesale when a failed statement is rolled back. */
  state: CatalogState;
  readonly storage: Storage;
  readonly services?: ServiceRuntime;
  /** The image registry's listing (SHOW IMAGES IN IMAGE REPOSITORY); absent without a registry. */
  readonly images?: ImageDirectory;
  readonly refuseHybridTables: boolean;
  /** Refuse Snowpark Container Services like a trial account (model/features.ts). */
  readonly refuseContainerServices: boolean;
  /** ALTER TABLE … SWAP WITH between two hybrid tables is refused (papi local --no-hybrid-swap). */
  readonly refuseHybridSwap: boolean;
  readonly registryHost: string;
  /** How PUT and GET tell the driver where to move files. */
  readonly stageTransport: StageTransport;
  /** Bumped by every catalog change: cached translations are only valid for the version they were made at. */
  readonly version: number;
  /** Translated SELECTs by SQL text and session values (see statements/dml.ts). */
  readonly queryCache: Map<string, CachedQuery>;
  /** Hybrid tables' primary-key indexes, dropped on every change (model/point-lookups.ts). */
  readonly pointLookups: PointLookupIndexes;
  /** Runs tasks on their schedule and on EXECUTE TASK. */
  readonly taskRunner: TaskRunner;
  nextId(): number;
  /** Marks the catalog changed: saved after the statement, statement caches dropped. */
  changed(): void;
  /** Aborted when the engine closes (a running stored procedure stops). */
  readonly closing: AbortSignal;
  /** The heap a JavaScript stored procedure's CALL may use, in MB (javascript/host.ts). */
  readonly procedureMemoryMb: number;
  /**
   * Runs a statement from inside the current one (a stored procedure's body) under the lock it holds:
   * its own history entry (unless `record` is false), its own rollback of the catalog on failure.
   */
  nested(session: SessionState, sql: string, binds: Bind[], record?: boolean): Promise<StatementResult>;
}

export interface Exec {
  core: Core;
  scope: Scope;
  session: SessionState;
  binds: readonly Bind[];
  sql: string;
  /** Outcomes of SYSTEM$WAIT_FOR_SERVICES waits done before the statement ran (null: ready). */
  waited?: Map<string, Error | null>;
  /** Answer the result's columns without running the statement (a query's describeOnly request). */
  describeOnly?: boolean;
  /** Cancels the statement (a running stored procedure stops at once). */
  signal?: AbortSignal;
}

// The contract between papi local's SQL API server (src/local/server/) and its engine
// (src/local/engine/). The server speaks the driver's HTTP protocol; the engine runs Snowflake SQL.

/** Per-connection session state; the engine reads and changes it (USE ROLE, CREATE DATABASE, …). */
export interface SessionState {
  /** Stored (case-exact) user name. */
  user: string;
  role: string;
  database?: string;
  schema?: string;
  warehouse?: string;
  /** Session parameters set with ALTER SESSION or at login (QUERY_TAG, TIMEZONE, …). */
  parameters: Record<string, string>;
  /** The session's latest statements, newest last (INFORMATION_SCHEMA.QUERY_HISTORY_BY_SESSION). */
  history?: QueryRecord[];
  /**
   * The query context the driver caches for hybrid tables: one entry per database whose hybrid tables
   * the session used, by the database's id, in the order first used (model/tables.ts noteHybridUse).
   */
  queryContext?: Array<{ id: number; timestamp: number }>;
  /**
   * An open transaction (BEGIN, or a DML statement under AUTOCOMMIT = FALSE) and how many statements
   * changed data in it. papi local commits every statement as it runs, so these cannot be undone.
   */
  transaction?: { changes: number };
}

export interface QueryRecord {
  text: string;
  user: string;
  role: string;
  database?: string;
  schema?: string;
  warehouse?: string;
  tag: string;
  status: 'RUNNING' | 'SUCCESS' | 'FAILED_WITH_ERROR';
  errorCode?: string;
  errorMessage?: string;
  /** Milliseconds since the epoch. */
  start: number;
  end?: number;
}

/** A bind from the driver: positional, 1-based key order. Values arrive as strings (or null). */
export interface Bind {
  type: string; // FIXED, REAL, TEXT, BOOLEAN, DATE, TIMESTAMP_*, VARIANT, …
  value: string | null | Array<string | null>;
}

/** One column of a result, as the driver's rowtype wants it. */
export interface Column {
  name: string;
  type: 'fixed' | 'real' | 'text' | 'boolean' | 'date' | 'time' | 'timestamp_ntz' | 'timestamp_ltz' | 'timestamp_tz' | 'variant' | 'object' | 'array' | 'map' | 'binary';
  nullable: boolean;
  precision?: number | null;
  scale?: number | null;
  length?: number | null;
  byteLength?: number | null;
  database?: string;
  schema?: string;
  table?: string;
  /** A structured type's insides: an OBJECT's keys, an ARRAY's element, a MAP's key and value. */
  fields?: Column[];
}

export type StatementResult =
  | {
      kind: 'rows';
      columns: Column[];
      /** Cells already in the driver's wire encoding (strings or null; see facts/PROTOCOL.md). */
      rows: Array<Array<string | null>>;
      /** Snowflake's statementTypeId (0x1000 SELECT, 0x3000 DML, 0x6000 DDL, …). */
      statementTypeId: number;
    }
  | {
      /** PUT/GET: the response `data` the driver needs to move files itself (LOCAL_FS stage). */
      kind: 'fileTransfer';
      data: Record<string, unknown>;
    };

/** What the server needs to know about a user to authenticate a login. */
export interface UserAuth {
  name: string;
  disabled: boolean;
  /** scrypt hash "salt:hash" (hex), or undefined when the user has no password (TYPE = SERVICE). */
  passwordHash?: string;
  rsaPublicKey?: string;
  rsaPublicKey2?: string;
  defaultRole?: string;
  defaultWarehouse?: string;
  defaultNamespace?: string;
  type: 'PERSON' | 'SERVICE' | 'LEGACY_SERVICE';
}

export interface ExecuteOptions {
  /** The result's columns without running it (queries only; the driver's describeOnly). */
  describeOnly?: boolean;
  /** `@stage/path` holding the statement's binds as CSV files (the driver's stage array binding, `bindStage`). */
  bindStage?: string;
  /** Cancels the statement: before it starts, while it waits (SYSTEM$WAIT) or while DuckDB runs it (000604). */
  signal?: AbortSignal;
}

export interface Engine {
  /** Each statement of a multi-statement request: its text and how many `?` binds it takes (semicolons in strings and comments are text). */
  statements(sql: string): Array<{ text: string; binds: number }>;
  execute(session: SessionState, sql: string, binds: Bind[], options?: ExecuteOptions): Promise<StatementResult>;
  /** Case-insensitive lookup of a user by login name. */
  user(loginName: string): UserAuth | undefined;
  /** Roles granted to the user (directly or through other roles), for USE ROLE and OAuth scopes. */
  userHasRole(user: string, role: string): boolean;
  close(): Promise<void>;
}

// The typed syntax tree of the Snowflake SQL subset papi local understands. The parser (parser.ts)
// produces it, the translator (translate.ts) turns its queries and DML into DuckDB SQL, and the
// executor (src/local/engine/) dispatches every statement on `kind`. It is a contract between two
// engineers: add fields and kinds, never rename. Names are already case-normalised here (unquoted →
// upper case, quoted → exact), so nobody downstream applies Snowflake's identifier rules again.

// ───────────────────────────────────────────── names ─────────────────────────────────────────────

/** Where a token starts: 1-based line, 0-based position in that line (as Snowflake's messages count). */
export interface Pos {
  line: number;
  col: number;
}

/** One identifier: `name` is the stored form (unquoted → UPPER, quoted → exact, `""` unescaped). */
export interface Ident {
  name: string;
  quoted: boolean;
}

/** A 1–3 part object name (db.schema.object); for a database 1 part, a schema 1–2 parts. */
export interface ObjectName {
  parts: Ident[];
  pos?: Pos;
}

/**
 * A stage location: `@name[/path]`, `@db.schema.name/path/`, `@~[/path]` (user stage), `@%table[/path]`
 * (table stage). `path` is the text after the stage name without its leading '/' ('' when absent),
 * e.g. `@s/ratings/` → 'ratings/'. `text` is the reference as written.
 */
export interface StageRef {
  type: 'named' | 'user' | 'table';
  /** The stage name (named) or the table name (table stage); absent for the user stage. */
  name?: ObjectName;
  path: string;
  text: string;
}

// ─────────────────────────────────────────── data types ──────────────────────────────────────────

/**
 * A type as written, upper-cased: `name` is Snowflake's spelling (NUMBER, INT, DECIMAL, VARCHAR,
 * STRING, TEXT, FLOAT, DOUBLE, REAL, BOOLEAN, DATE, TIME, TIMESTAMP, TIMESTAMP_NTZ, TIMESTAMP_LTZ,
 * TIMESTAMP_TZ, DATETIME, VARIANT, OBJECT, ARRAY, BINARY, …; `DOUBLE PRECISION` → DOUBLE); `args`
 * its numeric parameters (NUMBER(38,2) → [38, 2], VARCHAR(10) → [10]).
 */
export interface DataType {
  name: string;
  args: number[];
  /**
   * Structured types (https://docs.snowflake.com/en/sql-reference/data-types-structured):
   * OBJECT(k T, …) has `fields` (keys as written, case kept), ARRAY(T) an `element`, MAP(K, V) a
   * `key` and a `value`. A semi-structured OBJECT or ARRAY has none of them.
   */
  fields?: StructuredField[];
  element?: DataType;
  key?: DataType;
  value?: DataType;
  /** Inside a structured type: T NOT NULL (the element, value or field may not be NULL). */
  notNull?: boolean;
}

export interface StructuredField {
  name: string;
  type: DataType;
}

// ─────────────────────────────────────────── expressions ─────────────────────────────────────────

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | BindExpr
  | ColumnRef
  | PositionalColumn
  | StarExpr
  | UnaryExpr
  | BinaryExpr
  | IsNullExpr
  | InListExpr
  | InSubqueryExpr
  | BetweenExpr
  | LikeExpr
  | CastExpr
  | CaseExpr
  | FunctionCall
  | PathExpr
  | SubqueryExpr
  | ExistsExpr
  | ArrayLiteral
  | ObjectLiteral
  | IntervalExpr;

/** `text` exactly as written (12, 1.5, 1e3, .5); numeric meaning is the translator's business. */
export interface NumberLiteral {
  kind: 'number';
  text: string;
}

/** '…' (with '' and backslash escapes resolved) or $$…$$ (raw). */
export interface StringLiteral {
  kind: 'string';
  value: string;
}

export interface BooleanLiteral {
  kind: 'boolean';
  value: boolean;
}

export interface NullLiteral {
  kind: 'null';
}

/** `?` (numbered 1, 2, … in order of appearance) or `:N` (explicit). 1-based, as the driver's binds. */
export interface BindExpr {
  kind: 'bind';
  index: number;
  pos?: Pos;
}

/** A column, optionally qualified: [col], [tbl, col], [schema, tbl, col], [db, schema, tbl, col]. */
export interface ColumnRef {
  kind: 'column';
  parts: Ident[];
  pos?: Pos;
}

/** `$1`, `$2`, …: a column of a staged file (COPY INTO … FROM (SELECT $1 … FROM @stage)). */
export interface PositionalColumn {
  kind: 'positional';
  index: number;
  /** Table alias in `t.$1`, when written. */
  qualifier?: Ident;
}

/** `*` or `t.*` (in a select list, or COUNT(*) as an argument). */
export interface StarExpr {
  kind: 'star';
  qualifier?: Ident[];
}

export interface UnaryExpr {
  kind: 'unary';
  op: '-' | '+' | 'NOT';
  operand: Expr;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '||'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | 'AND'
  | 'OR';

/** `!=` is parsed as '<>'. */
export interface BinaryExpr {
  kind: 'binary';
  op: BinaryOp;
  left: Expr;
  right: Expr;
}

export interface IsNullExpr {
  kind: 'isNull';
  operand: Expr;
  not: boolean;
}

export interface InListExpr {
  kind: 'inList';
  operand: Expr;
  list: Expr[];
  not: boolean;
}

export interface InSubqueryExpr {
  kind: 'inSubquery';
  operand: Expr;
  query: Query;
  not: boolean;
}

export interface BetweenExpr {
  kind: 'between';
  operand: Expr;
  low: Expr;
  high: Expr;
  not: boolean;
}

export interface LikeExpr {
  kind: 'like';
  op: 'LIKE' | 'ILIKE' | 'RLIKE';
  operand: Expr;
  pattern: Expr;
  escape?: Expr;
  not: boolean;
}

/** `x::T` (style '::'), CAST(x AS T), TRY_CAST(x AS T). */
export interface CastExpr {
  kind: 'cast';
  style: '::' | 'CAST' | 'TRY_CAST';
  operand: Expr;
  type: DataType;
}

export interface CaseExpr {
  kind: 'case';
  /** CASE x WHEN … (simple form); absent for CASE WHEN cond … */
  operand?: Expr;
  whens: Array<{ when: Expr; then: Expr }>;
  else?: Expr;
}

/** A positional (`name` absent) or named (`input => expr`, name upper-cased) argument. */
export interface FunctionArg {
  name?: string;
  value: Expr;
}

export interface OrderItem {
  expr: Expr;
  /** Absent: ASC. */
  direction?: 'ASC' | 'DESC';
  /** Absent: Snowflake's default (NULLS LAST for ASC, NULLS FIRST for DESC). */
  nulls?: 'FIRST' | 'LAST';
}

export interface WindowFrame {
  unit: 'ROWS' | 'RANGE';
  start: FrameBound;
  /** Absent for the short form `ROWS UNBOUNDED PRECEDING`. */
  end?: FrameBound;
}

export type FrameBound =
  | { kind: 'unboundedPreceding' }
  | { kind: 'preceding'; offset: Expr }
  | { kind: 'currentRow' }
  | { kind: 'following'; offset: Expr }
  | { kind: 'unboundedFollowing' };

export interface WindowSpec {
  partitionBy: Expr[];
  orderBy: OrderItem[];
  frame?: WindowFrame;
}

/**
 * A function call. `name` is upper-cased (`SYSTEM$WAIT_FOR_SERVICES`); `system` is true for SYSTEM$…
 * functions, which the executor evaluates itself (see TranslateContext.systemFunction). CURRENT_DATE,
 * CURRENT_TIMESTAMP, … written without parentheses are calls with `noParens` set. COUNT(*) has a
 * single StarExpr argument.
 */
export interface FunctionCall {
  kind: 'function';
  name: string;
  /** Qualifier parts when written qualified (db.schema.fn); usually absent. */
  qualifier?: Ident[];
  args: FunctionArg[];
  distinct: boolean;
  system: boolean;
  noParens?: boolean;
  /** IGNORE NULLS / RESPECT NULLS (window value functions). */
  nulls?: 'IGNORE' | 'RESPECT';
  /** ARRAY_AGG(x) WITHIN GROUP (ORDER BY …), LISTAGG … */
  withinGroup?: OrderItem[];
  over?: WindowSpec;
  pos?: Pos;
}

/**
 * Semi-structured access: `v:a.b`, `v:"Key"`, `v[0]`, `v['k']`. Field names after `:` and `.` keep
 * their case as written (Snowflake's path keys are case-sensitive); quoted ones are unescaped.
 */
export interface PathExpr {
  kind: 'path';
  operand: Expr;
  steps: PathStep[];
}

export type PathStep = { kind: 'field'; name: string } | { kind: 'index'; expr: Expr };

/** A scalar subquery `(SELECT …)`. */
export interface SubqueryExpr {
  kind: 'subquery';
  query: Query;
}

export interface ExistsExpr {
  kind: 'exists';
  query: Query;
  not: boolean;
}

/** `[a, b]` (an ARRAY). */
export interface ArrayLiteral {
  kind: 'array';
  items: Expr[];
}

/** `{'k': v, …}` (an OBJECT). */
export interface ObjectLiteral {
  kind: 'object';
  entries: Array<{ key: string; value: Expr }>;
}

/** INTERVAL '1 day' (the string as written). */
export interface IntervalExpr {
  kind: 'interval';
  value: string;
}

// ───────────────────────────────────────────── queries ───────────────────────────────────────────

export interface Cte {
  name: Ident;
  columns?: Ident[];
  query: Query;
}

/** A full query: WITH … body ORDER BY … LIMIT … OFFSET … */
export interface Query {
  with?: { recursive: boolean; ctes: Cte[] };
  body: SetExpr;
  orderBy?: OrderItem[];
  /** LIMIT n / TOP n / FETCH FIRST n ROWS. */
  limit?: Expr;
  offset?: Expr;
}

export type SetExpr = Select | SetOperation | ParenQuery | ValuesBody;

export interface SetOperation {
  kind: 'setOp';
  /** MINUS is parsed as EXCEPT. */
  op: 'UNION' | 'EXCEPT' | 'INTERSECT';
  all: boolean;
  /** UNION [ALL] BY NAME. */
  byName?: boolean;
  left: SetExpr;
  right: SetExpr;
}

/** `( query )` used as an operand of a set operation or as the whole body. */
export interface ParenQuery {
  kind: 'parenQuery';
  query: Query;
}

/** `VALUES (…), (…)` as a query body (also FROM (VALUES …) AS t(a, b)). */
export interface ValuesBody {
  kind: 'values';
  rows: Expr[][];
}

export interface SelectItem {
  /** A StarExpr for `*` / `t.*`. */
  expr: Expr;
  alias?: Ident;
  /** The expression's source text, for Snowflake's name of an unaliased column (`COUNT(*)`). */
  text: string;
  /** `* EXCLUDE (a, b)`. */
  exclude?: Ident[];
}

export interface Select {
  kind: 'select';
  distinct: boolean;
  /** SELECT TOP n: a limit applied after this select's ORDER BY. */
  top?: Expr;
  items: SelectItem[];
  /** Comma-separated FROM items (each may be a join tree); empty when there is no FROM. */
  from: FromItem[];
  where?: Expr;
  /** GROUP BY ALL is `groupByAll: true` with an empty list. */
  groupBy?: Expr[];
  groupByAll?: boolean;
  having?: Expr;
  qualify?: Expr;
}

export interface TableAlias {
  name: Ident;
  /** `AS t(a, b)`. */
  columns?: Ident[];
}

export type FromItem = TableRef | DerivedTable | TableFunctionRef | StageSource | JoinItem;

export interface TableRef {
  kind: 'table';
  name: ObjectName;
  alias?: TableAlias;
  /** TABLE(INFORMATION_SCHEMA.<function>(NAME => constant, …)): the function's named arguments. */
  arguments?: Record<string, PropertyValue>;
}

export interface DerivedTable {
  kind: 'derived';
  query: Query;
  lateral: boolean;
  alias?: TableAlias;
}

/**
 * `TABLE(fn(args))`, `LATERAL fn(args)` or a bare `FLATTEN(args)` in FROM. FLATTEN is the one the
 * translator supports; its output columns are SEQ, KEY, PATH, INDEX, VALUE, THIS.
 */
export interface TableFunctionRef {
  kind: 'tableFunction';
  /** Upper-cased (FLATTEN). */
  name: string;
  args: FunctionArg[];
  lateral: boolean;
  alias?: TableAlias;
}

/** `@stage[/path]` in FROM, only inside COPY INTO … FROM (SELECT $1 … FROM @stage). */
export interface StageSource {
  kind: 'stage';
  stage: StageRef;
  /** `(FILE_FORMAT => 'name', PATTERN => '…')` after the stage. */
  options?: Properties;
  alias?: TableAlias;
}

export interface JoinItem {
  kind: 'join';
  type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';
  natural: boolean;
  left: FromItem;
  right: FromItem;
  on?: Expr;
  using?: Ident[];
}

// ───────────────────────────────────────── option values ─────────────────────────────────────────

/**
 * The right-hand side of `NAME = value` options (COMMENT = '…', WAREHOUSE_SIZE = XSMALL,
 * FILE_FORMAT = (TYPE = CSV …), FILES = ('a', 'b'), DEFAULT_NAMESPACE = API.DATA, DISABLED = TRUE).
 */
export type PropertyValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'boolean'; value: boolean }
  /** A bare word or dotted name (CSV, XSMALL, CASE_INSENSITIVE, API.DATA), normalised like names. */
  | { kind: 'identifier'; name: ObjectName }
  /** `( v, v, … )`, e.g. FILES = ('a.csv'), NULL_IF = ('\\N', ''), EXTERNAL_ACCESS_INTEGRATIONS = (x) */
  | { kind: 'list'; items: PropertyValue[] }
  /** `( K = v  K = v … )`, e.g. FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1), DIRECTORY = (ENABLE = TRUE) */
  | { kind: 'options'; properties: Properties }
  | { kind: 'null' };

/** Options keyed by their upper-cased name, in the order written (a duplicate is a syntax error). */
export type Properties = Record<string, PropertyValue>;

// ──────────────────────────────────────────── statements ─────────────────────────────────────────

export type Statement =
  | SelectStatement
  | InsertStatement
  | InsertAllStatement
  | UpdateStatement
  | DeleteStatement
  | TruncateStatement
  | MergeStatement
  | CreateTableStatement
  | AlterTableStatement
  | CreateViewStatement
  | CreateDatabaseStatement
  | CreateSchemaStatement
  | AlterDatabaseStatement
  | AlterSchemaStatement
  | DropStatement
  | UndropStatement
  | UseStatement
  | CreateRoleStatement
  | CreateUserStatement
  | AlterUserStatement
  | AlterUserTokenStatement
  | CreateWarehouseStatement
  | AlterWarehouseStatement
  | CreateStageStatement
  | AlterStageStatement
  | CreateFileFormatStatement
  | CreateImageRepositoryStatement
  | CreateComputePoolStatement
  | CreateSecurityIntegrationStatement
  | AlterComputePoolStatement
  | CreateServiceStatement
  | AlterServiceStatement
  | CreateTaskStatement
  | CreateProcedureStatement
  | AlterTaskStatement
  | ExecuteTaskStatement
  | GrantPrivilegesStatement
  | RevokePrivilegesStatement
  | GrantRoleStatement
  | RevokeRoleStatement
  | GrantServiceRoleStatement
  | RevokeServiceRoleStatement
  | GrantOwnershipStatement
  | AlterSessionStatement
  | ShowStatement
  | DescribeStatement
  | CallStatement
  | PutStatement
  | GetStatement
  | ListStatement
  | RemoveStatement
  | CopyIntoStatement
  | TransactionStatement
  | ExplainStatement
  | CommentStatement;

export type StatementKind = Statement['kind'];

// ── queries and DML

export interface SelectStatement {
  kind: 'select';
  query: Query;
}

export interface InsertStatement {
  kind: 'insert';
  /** INSERT OVERWRITE INTO: the table is truncated first, atomically. */
  overwrite: boolean;
  table: ObjectName;
  columns?: Ident[];
  source: { kind: 'values'; rows: Expr[][] } | { kind: 'query'; query: Query };
}

export interface UpdateStatement {
  kind: 'update';
  table: ObjectName;
  alias?: Ident;
  set: Array<{ column: Ident; value: Expr }>;
  from?: FromItem[];
  where?: Expr;
}

export interface DeleteStatement {
  kind: 'delete';
  table: ObjectName;
  alias?: Ident;
  using?: FromItem[];
  where?: Expr;
}

export interface TruncateStatement {
  kind: 'truncate';
  table: ObjectName;
  ifExists: boolean;
}

export type MergeClause =
  | { kind: 'update'; condition?: Expr; set: Array<{ column: Ident; value: Expr }> }
  | { kind: 'delete'; condition?: Expr }
  | { kind: 'insert'; condition?: Expr; columns?: Ident[]; values: Expr[] };

/** MERGE INTO t USING src ON cond WHEN MATCHED … WHEN NOT MATCHED … */
/** Unconditional multi-table INSERT ALL INTO t1 [(cols)] [VALUES (…)] INTO t2 … <query>. */
export interface InsertAllStatement {
  kind: 'insertAll';
  overwrite: boolean;
  targets: Array<{ table: ObjectName; columns?: Ident[]; values?: Expr[] }>;
  query: Query;
}

export interface MergeStatement {
  kind: 'merge';
  table: ObjectName;
  alias?: Ident;
  source: FromItem;
  on: Expr;
  matched: MergeClause[];
  notMatched: MergeClause[];
}

// ── tables and views

export interface ColumnDef {
  name: Ident;
  type: DataType;
  notNull: boolean;
  primaryKey: boolean;
  unique: boolean;
  default?: Expr;
  /** AUTOINCREMENT / IDENTITY [(start, step)] */
  identity?: { start: number; step: number };
  comment?: string;
  /** COLLATE '…' */
  collate?: string;
}

export interface TableConstraint {
  type: 'PRIMARY KEY' | 'UNIQUE' | 'FOREIGN KEY';
  name?: Ident;
  columns: Ident[];
  references?: { table: ObjectName; columns: Ident[] };
}

/** Hybrid tables' secondary index: INDEX name (cols) [INCLUDE (cols)]. */
export interface IndexDef {
  name: Ident;
  columns: Ident[];
  include?: Ident[];
}

export interface CreateTableStatement {
  kind: 'createTable';
  orReplace: boolean;
  ifNotExists: boolean;
  tableType: 'PERMANENT' | 'TRANSIENT' | 'TEMPORARY' | 'HYBRID';
  name: ObjectName;
  /** Empty for CREATE TABLE t AS SELECT without a column list. */
  columns: ColumnDef[];
  /** CTAS with a bare column-name list `CREATE TABLE t (a, b) AS SELECT`. */
  columnNames?: Ident[];
  constraints: TableConstraint[];
  indexes: IndexDef[];
  comment?: string;
  /** Remaining options (CLUSTER BY is refused; DATA_RETENTION_TIME_IN_DAYS = 1, CHANGE_TRACKING …). */
  properties: Properties;
  as?: Query;
  /** CREATE TABLE t LIKE u. */
  like?: ObjectName;
  /** CREATE TABLE t CLONE u. */
  clone?: ObjectName;
}

export type AlterTableAction =
  | { kind: 'swapWith'; target: ObjectName }
  | { kind: 'renameTo'; newName: ObjectName }
  | { kind: 'addColumns'; ifNotExists: boolean; columns: ColumnDef[] }
  | { kind: 'dropColumns'; ifExists: boolean; columns: Ident[] }
  | { kind: 'renameColumn'; from: Ident; to: Ident }
  | { kind: 'set'; properties: Properties }
  | { kind: 'unset'; names: string[] };

export interface AlterTableStatement {
  kind: 'alterTable';
  ifExists: boolean;
  name: ObjectName;
  action: AlterTableAction;
}

export interface CreateViewStatement {
  kind: 'createView';
  orReplace: boolean;
  ifNotExists: boolean;
  secure: boolean;
  temporary: boolean;
  name: ObjectName;
  columns?: Ident[];
  comment?: string;
  /** COPY GRANTS: OR REPLACE keeps the replaced view's grants (no moment without them). */
  copyGrants?: boolean;
  query: Query;
  /** The query's source text (SHOW VIEWS / GET_DDL show it). */
  queryText: string;
}

// ── databases and schemas

export interface CreateDatabaseStatement {
  kind: 'createDatabase';
  orReplace: boolean;
  ifNotExists: boolean;
  transient: boolean;
  name: ObjectName;
  comment?: string;
  properties: Properties;
}

export interface CreateSchemaStatement {
  kind: 'createSchema';
  orReplace: boolean;
  ifNotExists: boolean;
  transient: boolean;
  managedAccess: boolean;
  name: ObjectName;
  comment?: string;
  properties: Properties;
}

export type AlterContainerAction =
  | { kind: 'renameTo'; newName: ObjectName }
  | { kind: 'swapWith'; target: ObjectName }
  | { kind: 'set'; properties: Properties }
  | { kind: 'unset'; names: string[] };

export interface AlterDatabaseStatement {
  kind: 'alterDatabase';
  ifExists: boolean;
  name: ObjectName;
  action: AlterContainerAction;
}

export interface AlterSchemaStatement {
  kind: 'alterSchema';
  ifExists: boolean;
  name: ObjectName;
  action: AlterContainerAction;
}

/** Object kinds DROP, DESCRIBE, GRANT … ON and SHOW GRANTS ON name, in Snowflake's spelling. */
export type ObjectType =
  | 'DATABASE'
  | 'SCHEMA'
  | 'TABLE'
  | 'VIEW'
  | 'STAGE'
  | 'FILE FORMAT'
  | 'ROLE'
  | 'USER'
  | 'WAREHOUSE'
  | 'IMAGE REPOSITORY'
  | 'COMPUTE POOL'
  | 'SERVICE'
  | 'INTEGRATION'
  | 'FUNCTION'
  | 'PROCEDURE'
  | 'SEQUENCE'
  | 'TASK';

/** DROP <type> [IF EXISTS] name [CASCADE | RESTRICT] [FORCE]. HYBRID TABLE is TABLE here. */
export interface DropStatement {
  kind: 'drop';
  objectType: ObjectType;
  ifExists: boolean;
  name: ObjectName;
  cascade?: boolean;
  restrict?: boolean;
  /** DROP SERVICE … FORCE */
  force?: boolean;
  /** DROP PROCEDURE name(types): the argument types that pick the overload. */
  argTypes?: DataType[];
}

export interface UndropStatement {
  kind: 'undrop';
  objectType: 'DATABASE' | 'SCHEMA' | 'TABLE';
  name: ObjectName;
}

/**
 * USE [ROLE|DATABASE|SCHEMA|WAREHOUSE] x; `USE x` is DATABASE for one part and SCHEMA for two
 * (objectType is filled in either way). USE SECONDARY ROLES ALL|NONE|r, … has `secondaryRoles`.
 */
export interface UseStatement {
  kind: 'use';
  objectType: 'ROLE' | 'DATABASE' | 'SCHEMA' | 'WAREHOUSE' | 'SECONDARY ROLES';
  name?: ObjectName;
  secondaryRoles?: { kind: 'ALL' | 'NONE' } | { kind: 'roles'; roles: ObjectName[] };
}

// ── account objects

export interface CreateRoleStatement {
  kind: 'createRole';
  orReplace: boolean;
  ifNotExists: boolean;
  name: ObjectName;
  comment?: string;
}

/**
 * CREATE USER … with its options in `properties` (TYPE, PASSWORD, LOGIN_NAME, DISPLAY_NAME,
 * DEFAULT_ROLE, DEFAULT_WAREHOUSE, DEFAULT_NAMESPACE, DEFAULT_SECONDARY_ROLES, RSA_PUBLIC_KEY,
 * RSA_PUBLIC_KEY_2, DISABLED, MUST_CHANGE_PASSWORD, EMAIL, COMMENT, …).
 */
export interface CreateUserStatement {
  kind: 'createUser';
  orReplace: boolean;
  ifNotExists: boolean;
  name: ObjectName;
  properties: Properties;
}

export type AlterObjectAction =
  | { kind: 'set'; properties: Properties }
  | { kind: 'unset'; names: string[] }
  | { kind: 'renameTo'; newName: ObjectName };

export interface AlterUserStatement {
  kind: 'alterUser';
  ifExists: boolean;
  name: ObjectName;
  action: AlterObjectAction;
}

/**
 * ALTER USER [IF EXISTS] [u] ADD {PROGRAMMATIC ACCESS TOKEN | PAT} [IF NOT EXISTS] name
 * [ROLE_RESTRICTION = '…'] [DAYS_TO_EXPIRY = n] [MINS_TO_BYPASS_NETWORK_POLICY_REQUIREMENT = n] [COMMENT = '…'],
 * and ALTER USER [IF EXISTS] [u] REMOVE {PROGRAMMATIC ACCESS TOKEN | PAT} name.
 */
export interface AlterUserTokenStatement {
  kind: 'alterUserToken';
  ifExists: boolean;
  /** Absent: the session's user. */
  user?: ObjectName;
  action: { kind: 'add'; ifNotExists: boolean; token: Ident; properties: Properties } | { kind: 'remove'; token: Ident };
}

/** WAREHOUSE_SIZE, WAREHOUSE_TYPE, AUTO_SUSPEND, AUTO_RESUME, INITIALLY_SUSPENDED, COMMENT, … */
export interface CreateWarehouseStatement {
  kind: 'createWarehouse';
  orReplace: boolean;
  ifNotExists: boolean;
  name: ObjectName;
  properties: Properties;
}

export interface AlterWarehouseStatement {
  kind: 'alterWarehouse';
  ifExists: boolean;
  name: ObjectName;
  action: AlterObjectAction | { kind: 'suspend' } | { kind: 'resume'; ifSuspended: boolean } | { kind: 'abortAllQueries' };
}

/** URL, DIRECTORY = (ENABLE = TRUE), FILE_FORMAT = (…), ENCRYPTION = (…), COPY_OPTIONS, COMMENT. */
export interface CreateStageStatement {
  kind: 'createStage';
  orReplace: boolean;
  ifNotExists: boolean;
  temporary: boolean;
  name: ObjectName;
  properties: Properties;
}

export interface AlterStageStatement {
  kind: 'alterStage';
  ifExists: boolean;
  name: ObjectName;
  action: AlterObjectAction | { kind: 'refresh'; subpath?: string };
}

/** CREATE FILE FORMAT name TYPE = CSV … (properties as in FILE_FORMAT = (…)). */
export interface CreateFileFormatStatement {
  kind: 'createFileFormat';
  orReplace: boolean;
  ifNotExists: boolean;
  temporary: boolean;
  name: ObjectName;
  properties: Properties;
}

export interface CreateImageRepositoryStatement {
  kind: 'createImageRepository';
  orReplace: boolean;
  ifNotExists: boolean;
  name: ObjectName;
  properties: Properties;
}

/** CREATE SECURITY INTEGRATION name TYPE = … [OAUTH_CLIENT = …] [ENABLED = …] [COMMENT = …]. */
export interface CreateSecurityIntegrationStatement {
  kind: 'createSecurityIntegration';
  orReplace: boolean;
  ifNotExists: boolean;
  name: ObjectName;
  properties: Properties;
}

/** MIN_NODES, MAX_NODES, INSTANCE_FAMILY, AUTO_RESUME, INITIALLY_SUSPENDED, AUTO_SUSPEND_SECS, COMMENT. */
export interface CreateComputePoolStatement {
  kind: 'createComputePool';
  orReplace: boolean;
  ifNotExists: boolean;
  name: ObjectName;
  properties: Properties;
}

export interface AlterComputePoolStatement {
  kind: 'alterComputePool';
  ifExists: boolean;
  name: ObjectName;
  action: AlterObjectAction | { kind: 'stopAll' } | { kind: 'suspend' } | { kind: 'resume' };
}

/**
 * CREATE SERVICE [IF NOT EXISTS] n IN COMPUTE POOL p FROM SPECIFICATION $$…$$ | FROM @stage
 * SPECIFICATION_FILE = '…'; options (AUTO_SUSPEND_SECS, EXTERNAL_ACCESS_INTEGRATIONS = (…),
 * AUTO_RESUME, MIN_INSTANCES, MIN_READY_INSTANCES, MAX_INSTANCES, LOG_LEVEL, QUERY_WAREHOUSE,
 * COMMENT) in `properties`.
 */
export interface CreateServiceStatement {
  kind: 'createService';
  orReplace: boolean;
  ifNotExists: boolean;
  name: ObjectName;
  computePool: ObjectName;
  specification: ServiceSpecSource;
  properties: Properties;
}

export type ServiceSpecSource =
  | { kind: 'inline'; text: string }
  | { kind: 'file'; stage: StageRef; file: string }
  | { kind: 'template'; text: string; using: Properties };

export interface AlterServiceStatement {
  kind: 'alterService';
  ifExists: boolean;
  name: ObjectName;
  action:
    | AlterObjectAction
    | { kind: 'specification'; specification: ServiceSpecSource }
    | { kind: 'suspend' }
    | { kind: 'resume' };
}

// ── privileges

/**
 * What GRANT/REVOKE … ON names: the account, one object, or ALL/FUTURE <plural> IN SCHEMA|DATABASE.
 * `pluralType` is e.g. 'TABLES', 'VIEWS', 'STAGES', 'SCHEMAS', 'HYBRID TABLES'.
 */
export type GrantTarget =
  | { kind: 'account' }
  | { kind: 'object'; objectType: ObjectType; name: ObjectName; argTypes?: DataType[] }
  | {
      kind: 'all' | 'future';
      pluralType: string;
      in: { objectType: 'DATABASE' | 'SCHEMA'; name: ObjectName };
    };

export interface Grantee {
  type: 'ROLE' | 'USER' | 'DATABASE ROLE' | 'SHARE' | 'APPLICATION ROLE';
  name: ObjectName;
}

/**
 * GRANT USAGE, CREATE TABLE ON … TO ROLE r. `privileges` upper-cased with single spaces
 * ('USAGE', 'CREATE TABLE', 'BIND SERVICE ENDPOINT'); ALL [PRIVILEGES] is ['ALL'].
 */
export interface GrantPrivilegesStatement {
  kind: 'grantPrivileges';
  privileges: string[];
  on: GrantTarget;
  to: Grantee;
  withGrantOption: boolean;
}

export interface RevokePrivilegesStatement {
  kind: 'revokePrivileges';
  grantOptionFor: boolean;
  privileges: string[];
  on: GrantTarget;
  from: Grantee;
  cascade?: boolean;
  restrict?: boolean;
}

/** GRANT ROLE r TO ROLE x | TO USER u. */
export interface GrantRoleStatement {
  kind: 'grantRole';
  role: ObjectName;
  to: Grantee;
}

export interface RevokeRoleStatement {
  kind: 'revokeRole';
  role: ObjectName;
  from: Grantee;
}

/** GRANT SERVICE ROLE db.schema.svc!ALL_ENDPOINTS_USAGE TO ROLE r. */
export interface GrantServiceRoleStatement {
  kind: 'grantServiceRole';
  service: ObjectName;
  serviceRole: Ident;
  to: Grantee;
}

export interface RevokeServiceRoleStatement {
  kind: 'revokeServiceRole';
  service: ObjectName;
  serviceRole: Ident;
  from: Grantee;
}

/** GRANT OWNERSHIP ON … TO ROLE r [COPY | REVOKE CURRENT GRANTS]. */
export interface GrantOwnershipStatement {
  kind: 'grantOwnership';
  on: GrantTarget;
  to: Grantee;
  currentGrants?: 'COPY' | 'REVOKE';
}

// ── session

export interface AlterSessionStatement {
  kind: 'alterSession';
  action: { kind: 'set'; properties: Properties } | { kind: 'unset'; names: string[] };
}

/**
 * SHOW [TERSE] <what> [LIKE '…'] [IN …] [STARTS WITH '…'] [LIMIT n [FROM '…']].
 * `what` is upper-cased with single spaces, as Snowflake spells it: DATABASES, SCHEMAS, TABLES,
 * HYBRID TABLES, VIEWS, COLUMNS, STAGES, FILE FORMATS, ROLES, USERS, GRANTS, FUTURE GRANTS,
 * WAREHOUSES, COMPUTE POOLS, IMAGE REPOSITORIES, IMAGES, SERVICES, SERVICE CONTAINERS,
 * SERVICE INSTANCES, ENDPOINTS, PARAMETERS, FUNCTIONS, PROCEDURES, INTEGRATIONS, OBJECTS, SEQUENCES,
 * USER PROGRAMMATIC ACCESS TOKENS (also written USER PATS; `FOR USER u` lands in `in`).
 */
export interface ShowStatement {
  kind: 'show';
  what: string;
  terse: boolean;
  history?: boolean;
  like?: string;
  /**
   * IN ACCOUNT | IN DATABASE [x] | IN SCHEMA [x] | IN SERVICE x | IN IMAGE REPOSITORY x |
   * IN COMPUTE POOL x | IN TABLE x | IN VIEW x | IN WAREHOUSE x | IN USER x | IN SESSION; a bare
   * `IN x` is `objectType` undefined.
   */
  in?: { objectType?: 'ACCOUNT' | 'SESSION' | ObjectType; name?: ObjectName };
  startsWith?: string;
  limit?: { rows: number; from?: string };
  /** SHOW GRANTS TO ROLE r | TO USER u | ON ACCOUNT | ON <type> x | OF ROLE r | OF SERVICE ROLE s!r */
  grants?:
    | { kind: 'to'; grantee: Grantee }
    | { kind: 'on'; target: GrantTarget }
    | { kind: 'of'; role: ObjectName }
    | { kind: 'ofServiceRole'; service: ObjectName; serviceRole: Ident };
}

/** DESCRIBE|DESC <type> x. DESCRIBE x (no type) is TABLE. */
export interface DescribeStatement {
  kind: 'describe';
  objectType: ObjectType | 'RESULT';
  name: ObjectName;
  /** DESCRIBE TABLE t TYPE = COLUMNS | STAGE */
  type?: string;
  /** DESCRIBE PROCEDURE name(types) */
  argTypes?: DataType[];
}

/** CALL name(args); SYSTEM$ procedures have `system` set. */
export interface CallStatement {
  kind: 'call';
  call: FunctionCall;
  /** A user procedure (not SYSTEM$): its name and each argument's text as written (binds and all). */
  procedure?: { name: ObjectName; argTexts: string[] };
}

/**
 * CREATE [OR REPLACE] PROCEDURE name(arg type, …) RETURNS type [NOT NULL] LANGUAGE JAVASCRIPT
 * [EXECUTE AS OWNER | CALLER] AS '<body>' (https://docs.snowflake.com/en/sql-reference/sql/create-procedure).
 */
export interface CreateProcedureStatement {
  kind: 'createProcedure';
  orReplace: boolean;
  ifNotExists: boolean;
  name: ObjectName;
  args: Array<{ name: Ident; type: DataType }>;
  returns: DataType;
  returnsNotNull: boolean;
  executeAs: 'OWNER' | 'CALLER';
  comment?: string;
  body: string;
}

// ── files and stages

/** PUT 'file://…' @stage[/path] [AUTO_COMPRESS = …] [OVERWRITE = …] [SOURCE_COMPRESSION = …] [PARALLEL = n] */
export interface PutStatement {
  kind: 'put';
  /** The local path with its file:// prefix removed (may contain * wildcards). */
  localPath: string;
  stage: StageRef;
  properties: Properties;
}

/** GET @stage[/path] 'file://dir/' [PARALLEL = n] [PATTERN = '…'] */
export interface GetStatement {
  kind: 'get';
  stage: StageRef;
  localPath: string;
  properties: Properties;
}

export interface ListStatement {
  kind: 'list';
  stage: StageRef;
  pattern?: string;
}

export interface RemoveStatement {
  kind: 'remove';
  stage: StageRef;
  pattern?: string;
}

/**
 * COPY INTO t [(cols)] FROM @stage[/path] | FROM (SELECT $1, … FROM @stage) with FILES, PATTERN,
 * FILE_FORMAT = (…), MATCH_BY_COLUMN_NAME, ON_ERROR, FORCE, PURGE, … in `properties`
 * (FILE_FORMAT's value is { kind: 'options' }; FILES's is { kind: 'list' }).
 */
export interface CopyIntoStatement {
  kind: 'copyInto';
  table: ObjectName;
  columns?: Ident[];
  source: { kind: 'stage'; stage: StageRef } | { kind: 'query'; query: Query };
  properties: Properties;
}

// ── misc

/** BEGIN [TRANSACTION] / START TRANSACTION, COMMIT [WORK], ROLLBACK [WORK]. */
export interface TransactionStatement {
  kind: 'begin' | 'commit' | 'rollback';
}

export interface ExplainStatement {
  kind: 'explain';
  statement: Statement;
}

/** COMMENT [IF EXISTS] ON <type> x IS '…' */
export interface CommentStatement {
  kind: 'comment';
  ifExists: boolean;
  objectType: ObjectType | 'COLUMN';
  name: ObjectName;
  comment: string;
}

// ── tasks (https://docs.snowflake.com/en/sql-reference/sql/create-task)

/** CREATE [OR REPLACE] TASK [IF NOT EXISTS] name WAREHOUSE = w SCHEDULE = '…' [COMMENT = '…'] AS body. */
export interface CreateTaskStatement {
  kind: 'createTask';
  orReplace: boolean;
  ifNotExists: boolean;
  name: ObjectName;
  warehouse?: Ident;
  /** The SCHEDULE string as written ('60 MINUTE', 'USING CRON …'). */
  schedule?: string;
  comment?: string;
  /** The body's source text after AS (a statement, BEGIN … END, or EXECUTE IMMEDIATE $$ … $$). */
  definition: string;
}

/** ALTER TASK [IF EXISTS] name RESUME | SUSPEND. */
export interface AlterTaskStatement {
  kind: 'alterTask';
  ifExists: boolean;
  name: ObjectName;
  action: 'RESUME' | 'SUSPEND';
}

/** EXECUTE TASK name: one run now, asynchronously. */
export interface ExecuteTaskStatement {
  kind: 'executeTask';
  name: ObjectName;
}

// The table model: how a Snowflake table or view of the catalog maps onto DuckDB (its storage name,
// column types and CREATE TABLE text), the rules of CREATE TABLE shared by its plain and AS SELECT
// forms, and finding a table the role can see. The DDL and DML statements both build on it.
import { rmSync } from 'node:fs';
import { SqlError } from '../../errors.js';
import { columnType, familyOf, typeOfText } from '../formats/datatypes.js';
import { alreadyExists, doesNotExist, hybridTablesUnavailable, insufficientPrivileges, objectExists, unsupported } from '../formats/messages.js';
import type * as ast from '../sql/ast.js';
import { quoteIdent } from '../sql/render.js';
import type { StatementResult } from '../types.js';
import { applyFutureGrants, databaseOf, type ColumnDef, type SchemaEntry, type TableEntry } from './catalog.js';
import type { Core, Exec } from './core.js';
import { display, type QualifiedName } from './name-resolution.js';
import { stageFolder, tableStageFolder } from './stage-folders.js';

/** The DuckDB table (or view) of the catalog object with this id. */
export const storageName = (id: number) => `t${id}`;

/** Column definitions and primary key of CREATE TABLE, with the hybrid table rules. */
/**
 * Column options papi local would otherwise drop without a word (a DEFAULT that never applies, an
 * IDENTITY that never counts, a collation that never compares): refused by name.
 */
export function refuseUnsupportedColumnOptions(c: ast.ColumnDef): void {
  if (c.default) throw unsupported('column DEFAULT');
  if (c.identity) throw unsupported('AUTOINCREMENT / IDENTITY columns');
  if (c.collate !== undefined) throw unsupported('COLLATE');
}

export function tableDefinition(stmt: ast.CreateTableStatement): { columns: ColumnDef[]; primaryKey?: string[] } {
  stmt.columns.forEach(refuseUnsupportedColumnOptions);
  // Hybrid tables enforce UNIQUE and FOREIGN KEY constraints (standard tables only record them).
  if (stmt.tableType === 'HYBRID' && (stmt.columns.some((c) => c.unique) || stmt.constraints.some((c) => c.type !== 'PRIMARY KEY')))
    throw unsupported('UNIQUE and FOREIGN KEY constraints on hybrid tables');
  const columns: ColumnDef[] = stmt.columns.map((c) => ({
    name: c.name.name,
    type: columnType(c.type).snowflake,
    nullable: !c.notNull && !c.primaryKey,
  }));
  const keyColumns = stmt.columns.filter((c) => c.primaryKey).map((c) => c.name.name);
  const keyConstraint = stmt.constraints.find((c) => c.type === 'PRIMARY KEY');
  const primaryKey = keyConstraint ? keyConstraint.columns.map((c) => c.name) : keyColumns.length > 0 ? keyColumns : undefined;
  for (const key of primaryKey ?? []) {
    const column = columns.find((c) => c.name === key);
    if (!column) throw new SqlError('000904', '42000', `SQL compilation error: error line 0 at position -1\ninvalid identifier '${key}'`);
    column.nullable = false;
  }
  if (stmt.tableType === 'HYBRID') {
    if (!primaryKey)
      throw new SqlError('391460', '0A000', 'SQL compilation error:\nA primary key must be specified for a hybrid table.'); // number unverified
    // https://docs.snowflake.com/en/sql-reference/data-types-structured: not for hybrid tables.
    const structured = columns.find((c) => familyOf(c.type) === 'structured');
    if (structured) throw unsupported(`structured type column ${structured.name} in a hybrid table`);
    for (const key of primaryKey) {
      const column = columns.find((c) => c.name === key)!;
      if (['VARIANT', 'OBJECT', 'ARRAY'].includes(column.type))
        throw new SqlError('391461', '0A000', `SQL compilation error:\nColumn '${key}' of type ${column.type} cannot be part of a primary key or index in a hybrid table.`); // number unverified
    }
  }
  return { columns, primaryKey };
}

export function createTableSql(storage: string, columns: readonly ColumnDef[], primaryKey: readonly string[] | undefined, hybrid: boolean): string {
  const defs = columns.map((c) => {
    const type = columnType(parseTypeText(c.type)).duckdb;
    return `${quoteIdent(c.name)} ${type}${c.nullable ? '' : ' NOT NULL'}`;
  });
  // Only hybrid tables enforce their key (standard tables' constraints are informational in Snowflake).
  if (hybrid && primaryKey) defs.push(`PRIMARY KEY (${primaryKey.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE ${quoteIdent(storage)} (${defs.join(', ')})`;
}

export function parseTypeText(text: string): ast.DataType {
  return typeOfText(text);
}

export function tableKind(tableType: ast.CreateTableStatement['tableType']): TableEntry['kind'] {
  if (tableType === 'HYBRID') return 'HYBRID';
  if (tableType === 'TRANSIENT' || tableType === 'TEMPORARY') return 'TRANSIENT';
  return 'TABLE';
}

/**
 * Checks CREATE TABLE's preconditions and tells what to do with an existing table of that name:
 * 'new', 'replace' or a finished result (IF NOT EXISTS on an existing table).
 */
export function prepareCreateTable(ex: Exec, stmt: ast.CreateTableStatement): { path: QualifiedName; schema: SchemaEntry; existing?: TableEntry; done?: StatementResult } {
  if (stmt.tableType === 'HYBRID' && ex.core.refuseHybridTables) throw hybridTablesUnavailable();
  if (stmt.like) throw unsupported('CREATE TABLE … LIKE');
  const { path, schema } = ex.scope.targetSchema(stmt.name, 'CREATE TABLE', 'CREATE TABLE');
  const existing = schema.tables[path.name];
  if (existing) {
    if (stmt.ifNotExists) return { path, schema, existing, done: alreadyExists(path.name) };
    if (!stmt.orReplace) throw objectExists('Object', display(path.database, path.schema, path.name));
    if (!ex.scope.access.owns({ objectType: existing.kind === 'VIEW' ? 'VIEW' : 'TABLE', id: existing.id, owner: existing.owner }))
      throw insufficientPrivileges('table', path.name);
  }
  return { path, schema, existing };
}

/** Puts a new table entry in place of `existing` (dropping its rows and grants) after DuckDB made it. */
/** `copyGrants`: the replaced object's grants move to the new one (CREATE OR REPLACE … COPY GRANTS). */
export async function installTable(ex: Exec, schema: SchemaEntry, entry: TableEntry, existing?: TableEntry, copyGrants = false): Promise<void> {
  if (existing) {
    await dropStorage(ex.core, existing);
    const state = ex.core.state;
    state.grants = copyGrants ? state.grants.map((g) => (g.objectId === existing.id ? { ...g, objectId: entry.id } : g)) : state.grants.filter((g) => g.objectId !== existing.id);
  }
  schema.tables[entry.name] = entry;
  applyFutureGrants(ex.core.state, entry.kind === 'VIEW' ? 'VIEW' : 'TABLE', entry.id, schema, databaseOf(ex.core.state, schema));
  ex.core.changed();
}

/** A table or view the role can see, else the 002003 error. */
export function findTable(ex: Exec, name: ast.ObjectName, action: string, kind = 'Table'): { path: QualifiedName; schema: SchemaEntry; table: TableEntry } {
  const path = ex.scope.qualify(name, action);
  // Snowflake names the first level the role cannot reach: the database, the schema, then the table.
  ex.scope.requireDatabase(path.database);
  const schema = ex.scope.requireSchema(path);
  const table = schema.tables[path.name];
  if (!table || !ex.scope.access.sees(tableSecurable(table))) throw doesNotExist(kind, display(path.database, path.schema, path.name));
  if (table.kind === 'HYBRID') noteHybridUse(ex, path.database);
  return { path, schema, table };
}

/**
 * A statement used a hybrid table of `database`: the session's query context gets (or refreshes) that
 * database's entry, which the driver keeps in its query context cache (QUERY_CONTEXT_CACHE_SIZE).
 */
export function noteHybridUse(ex: Exec, database: string): void {
  const id = ex.core.state.databases[database]?.id;
  if (id === undefined) return;
  const context = (ex.session.queryContext ??= []);
  const timestamp = Date.now() * 1000;
  const entry = context.find((e) => e.id === id);
  if (entry) entry.timestamp = timestamp;
  else context.push({ id, timestamp });
}

export function tableSecurable(table: TableEntry) {
  return { objectType: table.kind === 'VIEW' ? ('VIEW' as const) : ('TABLE' as const), id: table.id, owner: table.owner };
}

/** Drops a table's DuckDB rows (or view), its COPY load history and its table stage's files. */
export async function dropStorage(core: Core, table: TableEntry): Promise<void> {
  await core.storage.run(`DROP ${table.kind === 'VIEW' ? 'VIEW' : 'TABLE'} IF EXISTS ${quoteIdent(table.storage)}`);
  delete core.state.loadHistory[String(table.id)];
  rmSync(stageFolder(core.dataDir, tableStageFolder(table.id)), { recursive: true, force: true });
}

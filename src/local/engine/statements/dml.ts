// Queries and DML through the SQL engineer's translator (sql/translate.ts), with the statements that
// hold a query: CREATE TABLE … AS SELECT, CREATE VIEW and CALL. Names resolve against the catalog with
// privilege checks, binds become typed DuckDB parameters, SYSTEM$ functions are evaluated first,
// results go out in the wire encoding. Translations are cached per SQL text, session namespace,
// role and catalog version, so the hot point lookup is one prepared DuckDB statement.
import { VARCHAR, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { SqlError } from '../../errors.js';
import { LOCAL_REGION } from '../../platform.js';
import { bindParameters, bindRowCount } from '../formats/binds.js';
import { snowflakeTypeOfDuckdb } from '../formats/datatypes.js';
import { outputSettings } from '../formats/datetime-output.js';
import { encodeResult, fixedColumn, textColumn, type StructuredOutput } from '../formats/encode.js';
import { alreadyExists, created, doesNotExist, insufficientPrivileges, invalid, objectExists, StatementType, succeeded } from '../formats/messages.js';
import { now, type TableEntry } from '../model/catalog.js';
import type { Exec } from '../model/core.js';
import { informationSchemaRelation } from '../model/information-schema.js';
import { pointLookupOf } from '../model/point-lookups.js';
import { display, Scope, type QualifiedName } from '../model/name-resolution.js';
import { constantArgs, systemCalls, systemFunction } from '../model/system-functions.js';
import { createTableSql, findTable, installTable, parseTypeText, prepareCreateTable, storageName, tableDefinition, tableKind, tableSecurable } from '../model/tables.js';
import { requireWarehouse } from '../model/warehouses.js';
import type * as ast from '../sql/ast.js';
import { parse } from '../sql/parser.js';
import { bindIndexes, quoteIdent } from '../sql/render.js';
import { translateDelete, translateInsert, translateMerge, translateQuery, translateUpdate, type TranslateContext } from '../sql/translate.js';
import type { Column, StatementResult } from '../types.js';

type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE';

interface Resolution {
  /** Tables the statement touched: a query on a table needs a warehouse. */
  tables: TableEntry[];
  /**
   * An INFORMATION_SCHEMA relation was inlined as a snapshot of its rows (query and task history
   * change without a catalog change): the translation holds data, so it is never cached.
   */
  snapshot?: boolean;
}

/** The translator's view of the catalog for one statement, checking `privilege` on `target`. */
function context(ex: Exec, resolution: Resolution, system: Map<ast.FunctionCall, string | null>, target?: { table: TableEntry; privilege: Privilege }): TranslateContext {
  const { session, core } = ex;
  return {
    resolveTable: (name: ast.ObjectName, args?: Record<string, ast.PropertyValue>) => {
      const catalogView = informationSchemaRelation(ex, ex.scope.qualify(name, 'SELECT'), args);
      if (catalogView) {
        resolution.snapshot = true;
        return catalogView;
      }
      const { path, table } = findTable(ex, name, 'SELECT', 'Object');
      const privilege: Privilege = target && target.table.id === table.id ? target.privilege : 'SELECT';
      if (!ex.scope.access.has(tableSecurable(table), privilege)) throw insufficientPrivileges(table.kind === 'VIEW' ? 'view' : 'table', table.name);
      resolution.tables.push(table);
      const columns = table.columns.map((c) => ({ name: c.name, type: parseTypeText(c.type) }));
      if (table.kind === 'VIEW') return { sql: viewRelation(ex, path, table, resolution), columns };
      return { sql: quoteIdent(table.storage), columns };
    },
    session: {
      role: session.role,
      user: session.user,
      database: session.database,
      schema: session.schema,
      warehouse: session.warehouse,
      account: core.state.account,
      accountLocator: core.state.account,
      region: LOCAL_REGION,
      version: '9.0.0',
    },
    bind: (i: number) => `$${i}`,
    bindType: (i: number) => bindDataType(ex.binds[i - 1]?.type),
    systemFunction: (call: ast.FunctionCall) => ({ sql: sqlLiteral(system.get(call) ?? null), type: { name: 'VARCHAR', args: [] } }),
  };
}

/**
 * A view as a subquery, translated now from its Snowflake text: names inside resolve against the
 * view's schema and with its owner's privileges (owner's rights), so a view always sees the current
 * tables, also after a SWAP or CREATE OR REPLACE of what it reads.
 */
function viewRelation(ex: Exec, path: QualifiedName, view: TableEntry, resolution: Resolution): string {
  const statement = parse(view.viewText ?? '');
  if (statement.kind !== 'select') throw invalid(`View '${view.name}' has an invalid definition.`);
  const ownerSession = { ...ex.session, role: view.owner, database: path.database, schema: path.schema, parameters: ex.session.parameters };
  const inner: Exec = { ...ex, session: ownerSession, scope: new Scope(ex.core.state, ownerSession) };
  const translated = translateQuery(statement.query, context(inner, resolution, new Map()));
  return `(SELECT * FROM (${translated.sql}) AS v(${view.columns.map((c) => quoteIdent(c.name)).join(', ')}))`;
}

/** The Snowflake type of a driver bind, so the translator can compare and cast it correctly. */
function bindDataType(type: string | undefined): ast.DataType | undefined {
  const upper = type?.toUpperCase();
  if (!upper) return undefined;
  switch (upper) {
    case 'FIXED':
      return { name: 'NUMBER', args: [38, 0] };
    case 'REAL':
      return { name: 'FLOAT', args: [] };
    case 'TEXT':
      return { name: 'VARCHAR', args: [] };
    case 'BOOLEAN':
      return { name: 'BOOLEAN', args: [] };
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      return { name: 'VARIANT', args: [] };
    case 'DATE':
      return { name: 'DATE', args: [] };
    case 'BINARY':
      return { name: 'BINARY', args: [] };
    default:
      return upper.startsWith('TIMESTAMP') ? { name: 'TIMESTAMP_NTZ', args: [] } : undefined;
  }
}

function sqlLiteral(value: string | null): string {
  return value === null ? 'NULL' : `'${value.replace(/'/g, "''")}'`;
}

/** Evaluates the SYSTEM$ calls of a statement (their arguments must be constants or binds). */
async function evaluateSystemFunctions(ex: Exec, root: unknown): Promise<Map<ast.FunctionCall, string | null>> {
  const values = new Map<ast.FunctionCall, string | null>();
  for (const call of systemCalls(root)) values.set(call, await systemFunction(ex, call.name, constantArgs(ex, call)));
  return values;
}

interface Parameters {
  values: DuckDBValue[];
  types: DuckDBType[];
}

/** The binds of one row for a statement that takes `needed` of them: fewer is Snowflake's 002049 (more are ignored). */
function parametersFor(ex: Exec, needed: number, row = 0): Parameters {
  // Snowflake names the position of the first unset variable; papi local does not track positions.
  if (needed > ex.binds.length) throw new SqlError('002049', '42601', 'SQL compilation error:\nBind variable ? not set.');
  return ex.binds.length === 0 ? { values: [], types: [] } : bindParameters(ex.binds, row);
}

function describeParameters(ex: Exec, needed: number): Parameters {
  if (ex.binds.length >= needed) return parametersFor(ex, needed);
  return { values: Array.from({ length: needed }, () => null), types: Array.from({ length: needed }, () => VARCHAR) };
}

// ── SELECT

const QUERY_CACHE_LIMIT = 500;

export async function select(ex: Exec, stmt: ast.SelectStatement): Promise<StatementResult> {
  const { version, queryCache } = ex.core;
  // Session values are inlined by the translator (CURRENT_ROLE() …): all of them are part of the key.
  const { user, role, database, schema, warehouse } = ex.session;
  // Bind types too: the translator casts binds by their type.
  const bindTypes = ex.binds.map((b) => b.type).join(',');
  const key = [user, role, database ?? '', schema ?? '', warehouse ?? '', bindTypes, ex.sql].join('\u0000');
  let cached = queryCache.get(key);
  // SYSTEM$ functions are evaluated into the translation: never cached.
  const hasSystem = /SYSTEM\$/i.test(ex.sql);
  if (!cached || cached.version !== version || hasSystem) {
    const resolution: Resolution = { tables: [] };
    const system = hasSystem ? await evaluateSystemFunctions(ex, stmt) : new Map();
    const translated = translateQuery(stmt.query, context(ex, resolution, system));
    const only = resolution.tables.length === 1 && !resolution.snapshot && !hasSystem ? resolution.tables[0] : undefined;
    const pointLookup = only ? pointLookupOf(stmt.query, only) : undefined;
    cached = { version, sql: translated.sql, columns: translated.columns, tables: resolution.tables, parameters: parameterCount(translated.sql), ...(pointLookup ? { pointLookup } : {}) };
    if (!hasSystem && !resolution.snapshot) {
      if (queryCache.size >= QUERY_CACHE_LIMIT) queryCache.clear();
      queryCache.set(key, cached);
    }
  }
  if (cached.tables.length > 0) requireWarehouse(ex);
  // After the checks above, as every query: a primary-key lookup on a hybrid table from its index.
  if (cached.pointLookup && !ex.describeOnly && ex.binds.length >= cached.parameters && cached.columns.length === cached.pointLookup.columns.length) {
    const found = await ex.core.pointLookups.find(ex.core.storage, cached.pointLookup, ex.binds);
    if (found) {
      const encoded = encodeResult(cached.columns.map((c) => c.name), found.types, found.rows, structuredOutput(ex, cached.columns));
      return { kind: 'rows', columns: encoded.columns, rows: encoded.rows, statementTypeId: StatementType.select };
    }
  }
  // describeOnly: the same query with no rows; binds not sent yet are NULL (they cannot change the columns' names).
  const params = ex.describeOnly ? describeParameters(ex, cached.parameters) : parametersFor(ex, cached.parameters);
  const sql = ex.describeOnly ? `SELECT * FROM (${cached.sql}) LIMIT 0` : cached.sql;
  const result = await ex.core.storage.query(sql, params.values, params.types);
  const names = cached.columns.length === result.names.length ? cached.columns.map((c) => c.name) : result.names;
  const encoded = encodeResult(names, result.types, result.rows, structuredOutput(ex, cached.columns.length === result.names.length ? cached.columns : []));
  return { kind: 'rows', columns: encoded.columns, rows: encoded.rows, statementTypeId: StatementType.select };
}

/** How structured result columns go out: their declared types and the session's output settings. */
function structuredOutput(ex: Exec, columns: ReadonlyArray<{ type?: ast.DataType }>): StructuredOutput {
  const enabled = ex.session.parameters.ENABLE_STRUCTURED_TYPES_IN_CLIENT_RESPONSE;
  return { types: columns.map((c) => c.type), settings: outputSettings(ex.session.parameters), withFields: /^(true|1|yes|on)$/i.test(enabled ?? '') };
}

// ── DML

function countResult(name: string, count: number, statementTypeId: number): StatementResult {
  return { kind: 'rows', columns: [fixedColumn(name)], rows: [[String(count)]], statementTypeId };
}

/**
 * Runs translated DML statements once per bind row (array binds), all in one transaction; the rows
 * changed by statement `counted` are the result (INSERT OVERWRITE's DELETE does not count).
 */
async function runDml(ex: Exec, statements: readonly string[], counted = 0): Promise<number> {
  const rows = bindRowCount(ex.binds);
  const needed = Math.max(0, ...statements.map(parameterCount));
  let changed = 0;
  await ex.core.storage.transaction(async () => {
    for (let row = 0; row < rows; row++) {
      const params = parametersFor(ex, needed, row);
      for (const [i, sql] of statements.entries()) {
        const n = await ex.core.storage.execute(sql, params.values, params.types);
        if (i === counted) changed += n;
      }
    }
  });
  return changed;
}

/** The highest bind ($n) a translated statement uses: the request must send at least that many. */
function parameterCount(sql: string): number {
  return Math.max(0, ...bindIndexes(sql));
}

/** The table a DML statement changes, checked for its privilege (the statement's own name). */
function writableTable(ex: Exec, name: ast.ObjectName, privilege: Exclude<Privilege, 'SELECT'>): TableEntry {
  const { table } = findTable(ex, name, privilege);
  if (!ex.scope.access.has(tableSecurable(table), privilege)) throw insufficientPrivileges('table', table.name);
  return table;
}

export async function insert(ex: Exec, stmt: ast.InsertStatement): Promise<StatementResult> {
  const table = writableTable(ex, stmt.table, 'INSERT');
  if (stmt.overwrite && !ex.scope.access.has(tableSecurable(table), 'DELETE') && !ex.scope.access.has(tableSecurable(table), 'TRUNCATE'))
    throw insufficientPrivileges('table', table.name);
  const resolution: Resolution = { tables: [] };
  const system = /SYSTEM\$/i.test(ex.sql) ? await evaluateSystemFunctions(ex, stmt) : new Map();
  const translated = translateInsert(stmt, context(ex, resolution, system, { table, privilege: 'INSERT' }));
  requireWarehouse(ex);
  const count = await runDml(ex, translated.statements, translated.countStatement);
  return countResult('number of rows inserted', count, StatementType.insert);
}

/**
 * INSERT ALL INTO t1 … INTO t2 … <query>: the query runs once into a temporary table, then each INTO
 * inserts from it (its VALUES name the query's columns), all in one transaction; one count per target
 * (https://docs.snowflake.com/en/sql-reference/sql/insert-multi-table).
 */
export async function insertAll(ex: Exec, stmt: ast.InsertAllStatement): Promise<StatementResult> {
  const tables = stmt.targets.map((target) => writableTable(ex, target.table, 'INSERT'));
  if (stmt.overwrite)
    for (const table of tables)
      if (!ex.scope.access.has(tableSecurable(table), 'DELETE') && !ex.scope.access.has(tableSecurable(table), 'TRUNCATE')) throw insufficientPrivileges('table', table.name);
  const base = context(ex, { tables: [] }, new Map());
  const source = translateQuery(stmt.query, base);
  requireWarehouse(ex);
  const temp = `_papi_insert_all_${++insertAllCount}`;
  const sourceName: ast.ObjectName = { parts: [{ name: temp, quoted: true }] };
  const counts: number[] = [];
  await ex.core.storage.transaction(async () => {
    const params = parametersFor(ex, parameterCount(source.sql));
    await ex.core.storage.execute(`CREATE TEMPORARY TABLE ${quoteIdent(temp)} AS ${source.sql}`, params.values, params.types);
    try {
      if (stmt.overwrite) for (const table of new Set(tables)) await ex.core.storage.run(`DELETE FROM ${quoteIdent(table.storage)}`);
      for (const [i, target] of stmt.targets.entries()) {
        const items: ast.SelectItem[] = target.values ? target.values.map((expr) => ({ expr, text: '' })) : [{ expr: { kind: 'star' }, text: '*' }];
        const insert: ast.InsertStatement = {
          kind: 'insert',
          overwrite: false,
          table: target.table,
          ...(target.columns ? { columns: target.columns } : {}),
          source: { kind: 'query', query: { body: { kind: 'select', distinct: false, items, from: [{ kind: 'table', name: sourceName }] } } },
        };
        const targetContext = context(ex, { tables: [] }, new Map(), { table: tables[i]!, privilege: 'INSERT' });
        const fromSource: TranslateContext = {
          ...targetContext,
          resolveTable: (name) => (name === sourceName ? { sql: quoteIdent(temp), columns: source.columns.map((c) => ({ name: c.name, type: c.type })) } : targetContext.resolveTable(name)),
        };
        const translated = translateInsert(insert, fromSource);
        counts.push(await ex.core.storage.execute(translated.statements[0]!));
      }
    } finally {
      await ex.core.storage.run(`DROP TABLE IF EXISTS ${quoteIdent(temp)}`);
    }
  });
  return {
    kind: 'rows',
    columns: tables.map((table) => fixedColumn(`number of rows inserted into ${table.name}`)),
    rows: [counts.map(String)],
    statementTypeId: StatementType.insert,
  };
}

let insertAllCount = 0;

/** Runs an UPDATE or DELETE of `table`, translated with the privilege checked on it; rows changed. */
async function changeRows(ex: Exec, table: TableEntry, privilege: 'UPDATE' | 'DELETE', translate: (context: TranslateContext) => { sql: string }): Promise<number> {
  const translated = translate(context(ex, { tables: [] }, new Map(), { table, privilege }));
  requireWarehouse(ex);
  return runDml(ex, [translated.sql]);
}

export async function update(ex: Exec, stmt: ast.UpdateStatement): Promise<StatementResult> {
  const table = writableTable(ex, stmt.table, 'UPDATE');
  const count = await changeRows(ex, table, 'UPDATE', (context) => translateUpdate(stmt, context));
  return {
    kind: 'rows',
    columns: [fixedColumn('number of rows updated'), fixedColumn('number of multi-joined rows updated')],
    rows: [[String(count), '0']],
    statementTypeId: StatementType.update,
  };
}

export async function remove(ex: Exec, stmt: ast.DeleteStatement): Promise<StatementResult> {
  const table = writableTable(ex, stmt.table, 'DELETE');
  const count = await changeRows(ex, table, 'DELETE', (context) => translateDelete(stmt, context));
  return countResult('number of rows deleted', count, StatementType.delete);
}

/**
 * MERGE: one DuckDB MERGE in a transaction; its RETURNING merge_action tells what each row became, for
 * Snowflake's result of one count per kind of clause the statement has
 * (https://docs.snowflake.com/en/sql-reference/sql/merge).
 */
export async function merge(ex: Exec, stmt: ast.MergeStatement): Promise<StatementResult> {
  const clauses = [...stmt.matched, ...stmt.notMatched];
  const kinds = (['insert', 'update', 'delete'] as const).filter((kind) => clauses.some((c) => c.kind === kind));
  const privileges = kinds.map((kind) => kind.toUpperCase() as 'INSERT' | 'UPDATE' | 'DELETE');
  const table = writableTable(ex, stmt.table, privileges[0] ?? 'UPDATE');
  for (const privilege of privileges.slice(1)) if (!ex.scope.access.has(tableSecurable(table), privilege)) throw insufficientPrivileges('table', table.name);
  const translated = translateMerge(stmt, context(ex, { tables: [] }, new Map(), { table, privilege: privileges[0] ?? 'UPDATE' }));
  requireWarehouse(ex);
  const params = parametersFor(ex, parameterCount(translated.sql));
  const counts = { INSERT: 0, UPDATE: 0, DELETE: 0 };
  await ex.core.storage.transaction(async () => {
    const result = await ex.core.storage.query(`${translated.sql} RETURNING merge_action`, params.values, params.types);
    for (const [action] of result.rows) counts[String(action) as keyof typeof counts]++;
  });
  const label = { insert: 'inserted', update: 'updated', delete: 'deleted' } as const;
  return {
    kind: 'rows',
    columns: kinds.map((kind) => fixedColumn(`number of rows ${label[kind]}`)),
    rows: [kinds.map((kind) => String(counts[kind.toUpperCase() as keyof typeof counts]))],
    statementTypeId: StatementType.merge,
  };
}

export async function truncate(ex: Exec, stmt: ast.TruncateStatement): Promise<StatementResult> {
  const path = ex.scope.qualify(stmt.table, 'TRUNCATE');
  if (stmt.ifExists && !ex.scope.schema(path)?.tables[path.name]) return succeeded();
  const table = writableTable(ex, stmt.table, 'TRUNCATE');
  requireWarehouse(ex);
  await ex.core.storage.run(`DELETE FROM ${quoteIdent(table.storage)}`);
  delete ex.core.state.loadHistory[String(table.id)];
  ex.core.changed();
  return succeeded();
}

// ── CREATE TABLE … AS SELECT and views

export async function createTableAs(ex: Exec, stmt: ast.CreateTableStatement): Promise<StatementResult> {
  const { path, schema, existing, done } = prepareCreateTable(ex, stmt);
  if (done) return done;
  const resolution: Resolution = { tables: [] };
  const translated = translateQuery(stmt.as!, context(ex, resolution, new Map()));
  if (resolution.tables.length > 0) requireWarehouse(ex);
  const id = ex.core.nextId();
  const storage = storageName(id);
  const kind = tableKind(stmt.tableType);
  const params = parametersFor(ex, parameterCount(translated.sql));
  const names = translated.columns.map((c: { name: string }) => c.name);
  let definition: ReturnType<typeof tableDefinition>;
  await ex.core.storage.transaction(async () => {
    if (stmt.columns.length > 0) {
      definition = tableDefinition(stmt);
      if (definition.columns.length !== names.length)
        throw invalid(`Insert value list does not match column list expecting ${definition.columns.length} but got ${names.length}`);
      await ex.core.storage.run(createTableSql(storage, definition.columns, definition.primaryKey, kind === 'HYBRID'));
      await ex.core.storage.execute(`INSERT INTO ${quoteIdent(storage)} ${translated.sql}`, params.values, params.types);
    } else {
      if (kind === 'HYBRID') tableDefinition(stmt); // throws: a hybrid table needs its key declared
      const described = await ex.core.storage.query(`DESCRIBE ${translated.sql}`, params.values, params.types);
      const columnNames = stmt.columnNames?.map((c) => c.name) ?? names;
      const columns = described.rows.map((row, i) => ({
        name: columnNames[i] ?? String(row[0]),
        type: snowflakeTypeOfDuckdb(String(row[1])),
        nullable: true,
      }));
      definition = { columns };
      await ex.core.storage.run(createTableSql(storage, columns, undefined, false));
      await ex.core.storage.execute(`INSERT INTO ${quoteIdent(storage)} ${translated.sql}`, params.values, params.types);
    }
    await installTable(ex, schema, { id, name: path.name, owner: ex.session.role, createdOn: now(), comment: stmt.comment, kind, storage, columns: definition!.columns, primaryKey: definition!.primaryKey }, existing);
  });
  return created('Table', path.name);
}

export async function createView(ex: Exec, stmt: ast.CreateViewStatement): Promise<StatementResult> {
  const { path, schema } = ex.scope.targetSchema(stmt.name, 'CREATE VIEW', 'CREATE VIEW');
  const existing = schema.tables[path.name];
  if (existing) {
    if (stmt.ifNotExists) return alreadyExists(path.name);
    if (!stmt.orReplace || existing.kind !== 'VIEW') throw objectExists('Object', display(path.database, path.schema, path.name));
  }
  // Checked and typed now; stored as Snowflake text and translated again on every use (viewRelation).
  const translated = translateQuery(stmt.query, context(ex, { tables: [] }, new Map()));
  const described = await ex.core.storage.query(`DESCRIBE ${translated.sql}`);
  const names = stmt.columns?.map((c) => c.name) ?? translated.columns.map((c) => c.name);
  if (names.length !== described.rows.length) throw invalid(`View definition for '${path.name}' declared ${names.length} column(s), but view query produces ${described.rows.length} column(s).`);
  const columns = described.rows.map((row, i) => ({ name: names[i]!, type: snowflakeTypeOfDuckdb(String(row[1])), nullable: true }));
  const id = ex.core.nextId();
  await installTable(ex, schema, { id, name: path.name, owner: ex.session.role, createdOn: now(), comment: stmt.comment, kind: 'VIEW', storage: storageName(id), columns, viewText: stmt.queryText }, existing, stmt.copyGrants === true);
  return created('View', path.name);
}

// ── CALL

export async function call(ex: Exec, stmt: ast.CallStatement): Promise<StatementResult> {
  if (!stmt.call.system) throw doesNotExist('Procedure', stmt.call.name);
  const value = await systemFunction(ex, stmt.call.name, constantArgs(ex, stmt.call));
  const column: Column = textColumn(stmt.call.name);
  return { kind: 'rows', columns: [column], rows: [[value]], statementTypeId: StatementType.select };
}



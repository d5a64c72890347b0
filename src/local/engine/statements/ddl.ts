// Databases, schemas, tables, views, stages, file formats and image repositories: CREATE (OR REPLACE,
// IF NOT EXISTS), ALTER, DROP, with Snowflake's status texts and the session rules (CREATE DATABASE and
// CREATE SCHEMA make the new object current). The table model is model/tables.ts; CREATE TABLE … AS
// SELECT and CREATE VIEW translate a query, so they are in dml.ts.
import { SqlError } from '../../errors.js';
import { csvFormat, fileFormatType } from '../formats/csv-reader.js';
import { columnType } from '../formats/datatypes.js';
import { alreadyExists, created, doesNotExist, dropped, hybridSwapUnsupported, insufficientPrivileges, invalid, missingOnDrop, objectExists, statusResult, succeeded, unsupported } from '../formats/messages.js';
import { fileFormatProperty, optionBool, optionText } from '../formats/property-values.js';
import { applyFutureGrants, databaseOf, emptySchema, now, type DatabaseEntry, type SchemaEntry, type TableEntry } from '../model/catalog.js';
import type { Core, Exec } from '../model/core.js';
import { display, type SchemaPath } from '../model/name-resolution.js';
import { removeStage, stageFolder } from '../model/stage-folders.js';
import { createTableSql, dropStorage, findTable, prepareCreateTable, installTable, noteHybridUse, refuseUnsupportedColumnOptions, storageName, tableDefinition, tableKind, tableSecurable } from '../model/tables.js';
import type * as ast from '../sql/ast.js';
import { quoteIdent } from '../sql/render.js';
import type { StatementResult } from '../types.js';

// ── databases and schemas

export async function createDatabase(ex: Exec, stmt: ast.CreateDatabaseStatement): Promise<StatementResult> {
  const name = stmt.name.parts[stmt.name.parts.length - 1]!.name;
  const { state } = ex.core;
  ex.scope.requireOnAccount('CREATE DATABASE');
  const existing = state.databases[name];
  if (existing) {
    if (stmt.ifNotExists) return alreadyExists(name);
    if (!stmt.orReplace) throw objectExists('Object', name);
    if (!ex.scope.access.owns({ objectType: 'DATABASE', id: existing.id, owner: existing.owner })) throw insufficientPrivileges('database', name);
    await dropDatabaseContents(ex.core, name);
  }
  const owner = ex.session.role;
  state.databases[name] = {
    id: ex.core.nextId(),
    name,
    owner,
    createdOn: now(),
    comment: stmt.comment,
    transient: stmt.transient,
    schemas: { PUBLIC: emptySchema(ex.core.nextId(), 'PUBLIC', owner) },
  };
  ex.session.database = name;
  ex.session.schema = 'PUBLIC';
  ex.core.changed();
  return created('Database', name);
}

export async function createSchema(ex: Exec, stmt: ast.CreateSchemaStatement): Promise<StatementResult> {
  const path = ex.scope.qualifySchema(stmt.name, 'CREATE SCHEMA');
  const db = ex.scope.requireDatabase(path.database);
  // A database imported from a share is read only, for its owner too.
  if (db.origin || !ex.scope.access.has({ objectType: 'DATABASE', id: db.id, owner: db.owner }, 'CREATE SCHEMA')) throw insufficientPrivileges('database', db.name);
  const existing = db.schemas[path.schema];
  if (existing) {
    if (stmt.ifNotExists) {
      return alreadyExists(path.schema);
    }
    if (!stmt.orReplace) throw objectExists('Object', path.schema);
    await dropSchemaContents(ex.core, existing);
  }
  const schema = emptySchema(ex.core.nextId(), path.schema, ex.session.role);
  schema.comment = stmt.comment;
  schema.managedAccess = stmt.managedAccess;
  db.schemas[path.schema] = schema;
  applyFutureGrants(ex.core.state, 'SCHEMA', schema.id, undefined, db);
  ex.session.database = path.database;
  ex.session.schema = path.schema;
  ex.core.changed();
  return created('Schema', path.schema);
}

async function dropSchemaContents(core: Core, schema: SchemaEntry): Promise<void> {
  for (const table of Object.values(schema.tables)) await dropStorage(core, table);
  for (const stage of Object.values(schema.stages)) removeStage(stageFolder(core.dataDir, stage.folder));
  // Best effort: the catalog entry goes whatever the runtime says.
  for (const service of Object.values(schema.services)) await core.services?.drop(serviceKeyOf(core, schema, service.name)).catch(() => undefined);
  const ids = new Set<number>([
    schema.id,
    ...Object.values(schema.tables).map((t) => t.id),
    ...Object.values(schema.stages).map((s) => s.id),
    ...Object.values(schema.imageRepositories).map((r) => r.id),
    ...Object.values(schema.services).map((s) => s.id),
    ...Object.values(schema.fileFormats ?? {}).map((f) => f.id),
  ]);
  core.state.grants = core.state.grants.filter((g) => !ids.has(g.objectId));
}

function serviceKeyOf(core: Core, schema: SchemaEntry, name: string) {
  const database = Object.values(core.state.databases).find((db) => db.schemas[schema.name] === schema)?.name ?? '';
  return { database, schema: schema.name, name };
}

async function dropDatabaseContents(core: Core, name: string): Promise<void> {
  const db = core.state.databases[name];
  if (!db) return;
  for (const schema of Object.values(db.schemas)) await dropSchemaContents(core, schema);
  core.state.grants = core.state.grants.filter((g) => g.objectId !== db.id);
  delete core.state.databases[name];
}

// ── tables

/** CREATE TABLE without AS (CTAS runs through the query module). */
export async function createTable(ex: Exec, stmt: ast.CreateTableStatement): Promise<StatementResult> {
  const { path, schema, existing, done } = prepareCreateTable(ex, stmt);
  if (done) return done;
  if (stmt.clone) return cloneTable(ex, stmt.clone, path.name, schema, existing);
  const { columns, primaryKey } = tableDefinition(stmt);
  if (columns.length === 0) throw invalid('Table must have at least one column.');
  const id = ex.core.nextId();
  const entry: TableEntry = {
    id,
    name: path.name,
    owner: ex.session.role,
    createdOn: now(),
    comment: stmt.comment,
    kind: tableKind(stmt.tableType),
    storage: storageName(id),
    columns,
    primaryKey,
  };
  await ex.core.storage.transaction(async () => {
    await ex.core.storage.run(createTableSql(entry.storage, columns, primaryKey, entry.kind === 'HYBRID'));
    await installTable(ex, schema, entry, existing);
  });
  if (entry.kind === 'HYBRID') noteHybridUse(ex, path.database);
  return created('Table', path.name);
}

/**
 * CREATE TABLE … CLONE: a new table with the source's columns and rows, owned by the current role;
 * grants are not copied (https://docs.snowflake.com/en/sql-reference/sql/create-clone). Snowflake
 * cannot clone a hybrid table, nor a view.
 */
async function cloneTable(ex: Exec, name: ast.ObjectName, newName: string, schema: SchemaEntry, existing?: TableEntry): Promise<StatementResult> {
  const source = findTable(ex, name, 'CREATE TABLE');
  if (source.table.kind === 'VIEW') throw doesNotExist('Table', display(source.path.database, source.path.schema, source.path.name));
  if (source.table.kind === 'HYBRID') throw unsupported('CLONE of a hybrid table');
  if (!ex.scope.access.has(tableSecurable(source.table), 'SELECT')) throw insufficientPrivileges('table', source.table.name);
  const id = ex.core.nextId();
  const entry: TableEntry = { ...structuredClone(source.table), id, name: newName, owner: ex.session.role, createdOn: now(), storage: storageName(id) };
  await ex.core.storage.transaction(async () => {
    await ex.core.storage.run(`CREATE TABLE ${quoteIdent(entry.storage)} AS SELECT * FROM ${quoteIdent(source.table.storage)}`);
    await installTable(ex, schema, entry, existing);
  });
  return created('Table', newName);
}

export async function alterTable(ex: Exec, stmt: ast.AlterTableStatement): Promise<StatementResult> {
  const path = ex.scope.qualify(stmt.name, 'ALTER TABLE');
  const schema = ex.scope.schema(path);
  if (!schema?.tables[path.name] && stmt.ifExists) return succeeded();
  const { table } = findTable(ex, stmt.name, 'ALTER TABLE');
  if (!ex.scope.access.owns(tableSecurable(table))) throw insufficientPrivileges('table', path.name);
  const action = stmt.action;
  switch (action.kind) {
    case 'swapWith': {
      const other = findTable(ex, action.target, 'ALTER TABLE');
      if (!ex.scope.access.owns(tableSecurable(other.table))) throw insufficientPrivileges('table', other.path.name);
      if (ex.core.refuseHybridSwap && (table.kind === 'HYBRID' || other.table.kind === 'HYBRID')) throw hybridSwapUnsupported();
      // Names change places; ids, rows and grants stay with their tables. One in-memory step: atomic.
      const a = table;
      const b = other.table;
      delete schema!.tables[a.name];
      delete other.schema.tables[b.name];
      const [nameA, nameB] = [a.name, b.name];
      a.name = nameB;
      b.name = nameA;
      other.schema.tables[a.name] = a;
      schema!.tables[b.name] = b;
      ex.core.changed();
      return succeeded();
    }
    case 'renameTo': {
      const target = ex.scope.qualify(action.newName, 'ALTER TABLE');
      const targetSchema = ex.scope.requireSchema(target);
      if (targetSchema.tables[target.name]) throw objectExists('Object', display(target.database, target.schema, target.name));
      delete schema!.tables[table.name];
      table.name = target.name;
      targetSchema.tables[table.name] = table;
      ex.core.changed();
      return succeeded();
    }
    case 'set': {
      const comment = optionText(action.properties.COMMENT);
      if (comment !== undefined) table.comment = comment;
      ex.core.changed();
      return succeeded();
    }
    case 'unset':
      if (action.names.includes('COMMENT')) delete table.comment;
      ex.core.changed();
      return succeeded();
    case 'addColumns': {
      if (table.kind === 'VIEW') throw unsupported('ALTER VIEW … ADD COLUMN');
      await ex.core.storage.transaction(async () => {
        for (const c of action.columns) {
          if (table.columns.some((x) => x.name === c.name.name)) {
            if (action.ifNotExists) continue;
            throw objectExists('Column', c.name.name);
          }
          refuseUnsupportedColumnOptions(c);
          const type = columnType(c.type);
          await ex.core.storage.run(`ALTER TABLE ${quoteIdent(table.storage)} ADD COLUMN ${quoteIdent(c.name.name)} ${type.duckdb}`);
          table.columns.push({ name: c.name.name, type: type.snowflake, nullable: !c.notNull });
        }
      });
      ex.core.changed();
      return succeeded();
    }
    case 'dropColumns': {
      await ex.core.storage.transaction(async () => {
        for (const c of action.columns) {
          const index = table.columns.findIndex((x) => x.name === c.name);
          if (index < 0) {
            if (action.ifExists) continue;
            throw new SqlError('000904', '42000', `SQL compilation error: error line 0 at position -1\ninvalid identifier '${c.name}'`);
          }
          await ex.core.storage.run(`ALTER TABLE ${quoteIdent(table.storage)} DROP COLUMN ${quoteIdent(c.name)}`);
          table.columns.splice(index, 1);
        }
      });
      ex.core.changed();
      return succeeded();
    }
    case 'renameColumn': {
      const column = table.columns.find((x) => x.name === action.from.name);
      if (!column) throw new SqlError('000904', '42000', `SQL compilation error: error line 0 at position -1\ninvalid identifier '${action.from.name}'`);
      await ex.core.storage.run(`ALTER TABLE ${quoteIdent(table.storage)} RENAME COLUMN ${quoteIdent(column.name)} TO ${quoteIdent(action.to.name)}`);
      column.name = action.to.name;
      if (table.primaryKey) table.primaryKey = table.primaryKey.map((k) => (k === action.from.name ? action.to.name : k));
      ex.core.changed();
      return succeeded();
    }
  }
}

/** ALTER DATABASE | SCHEMA … RENAME TO / SET COMMENT / UNSET COMMENT (SWAP WITH is not supported). */
export function alterContainer(ex: Exec, stmt: ast.AlterDatabaseStatement | ast.AlterSchemaStatement): StatementResult {
  const { scope, core } = ex;
  const isDatabase = stmt.kind === 'alterDatabase';
  const path: SchemaPath = isDatabase ? { database: stmt.name.parts[stmt.name.parts.length - 1]!.name, schema: '' } : scope.qualifySchema(stmt.name, 'ALTER SCHEMA');
  const entry = isDatabase ? scope.database(path.database) : scope.schema(path);
  if (!entry) {
    if (stmt.ifExists) return succeeded();
    throw isDatabase ? doesNotExist('Database', display(path.database)) : doesNotExist('Schema', display(path.database, path.schema));
  }
  if (!scope.access.owns({ objectType: isDatabase ? 'DATABASE' : 'SCHEMA', id: entry.id, owner: entry.owner })) throw insufficientPrivileges(isDatabase ? 'database' : 'schema', entry.name);
  const action = stmt.action;
  if (action.kind === 'set') {
    const comment = optionText(action.properties.COMMENT);
    if (comment !== undefined) entry.comment = comment;
  } else if (action.kind === 'unset') {
    if (action.names.includes('COMMENT')) delete entry.comment;
  } else if (action.kind === 'renameTo') {
    const newName = action.newName.parts[action.newName.parts.length - 1]!.name;
    if (isDatabase) {
      if (core.state.databases[newName]) throw objectExists('Object', newName);
      delete core.state.databases[entry.name];
      entry.name = newName;
      core.state.databases[newName] = entry as DatabaseEntry;
      if (ex.session.database === path.database) ex.session.database = newName;
    } else {
      const db = core.state.databases[path.database]!;
      if (db.schemas[newName]) throw objectExists('Object', newName);
      delete db.schemas[entry.name];
      entry.name = newName;
      db.schemas[newName] = entry as SchemaEntry;
      if (ex.session.database === path.database && ex.session.schema === path.schema) ex.session.schema = newName;
    }
  } else throw unsupported(`ALTER ${isDatabase ? 'DATABASE' : 'SCHEMA'} … SWAP WITH`);
  core.changed();
  return succeeded();
}

// ── stages and image repositories

export function createStage(ex: Exec, stmt: ast.CreateStageStatement): StatementResult {
  if (stmt.properties.URL) throw unsupported('External stages (URL = …)');
  const { path, schema } = ex.scope.targetSchema(stmt.name, 'CREATE STAGE', 'CREATE STAGE');
  const existing = schema.stages[path.name];
  if (existing) {
    if (stmt.ifNotExists) return alreadyExists(path.name);
    if (!stmt.orReplace) throw objectExists('Object', display(path.database, path.schema, path.name));
    removeStage(stageFolder(ex.core.dataDir, existing.folder));
    ex.core.state.grants = ex.core.state.grants.filter((g) => g.objectId !== existing.id);
  }
  const id = ex.core.nextId();
  const directory = stmt.properties.DIRECTORY;
  schema.stages[path.name] = {
    id,
    name: path.name,
    owner: ex.session.role,
    createdOn: now(),
    comment: optionText(stmt.properties.COMMENT),
    folder: `s${id}`,
    directoryEnabled: directory?.kind === 'options' ? (optionBool(directory.properties.ENABLE) ?? false) : false,
    fileFormat: stmt.properties.FILE_FORMAT ? fileFormatProperty(stmt.properties.FILE_FORMAT) : undefined,
  };
  applyFutureGrants(ex.core.state, 'STAGE', id, schema, databaseOf(ex.core.state, schema));
  ex.core.changed();
  return statusResult(`Stage area ${path.name} successfully created.`);
}

export function createImageRepository(ex: Exec, stmt: ast.CreateImageRepositoryStatement): StatementResult {
  const { path, schema } = ex.scope.targetSchema(stmt.name, 'CREATE IMAGE REPOSITORY', 'CREATE IMAGE REPOSITORY');
  const existing = schema.imageRepositories[path.name];
  if (existing) {
    if (stmt.ifNotExists) return alreadyExists(path.name);
    if (!stmt.orReplace) throw objectExists('Object', display(path.database, path.schema, path.name));
    ex.core.state.grants = ex.core.state.grants.filter((g) => g.objectId !== existing.id);
  }
  schema.imageRepositories[path.name] = {
    id: ex.core.nextId(),
    name: path.name,
    owner: ex.session.role,
    createdOn: now(),
    comment: optionText(stmt.properties.COMMENT),
  };
  ex.core.changed();
  return created('Image Repository', path.name);
}


export function createFileFormat(ex: Exec, stmt: ast.CreateFileFormatStatement): StatementResult {
  const { path, schema } = ex.scope.targetSchema(stmt.name, 'CREATE FILE FORMAT', 'CREATE FILE FORMAT');
  const formats = (schema.fileFormats ??= {});
  const existing = formats[path.name];
  if (existing) {
    if (stmt.ifNotExists) return alreadyExists(path.name);
    if (!stmt.orReplace) throw objectExists('Object', display(path.database, path.schema, path.name));
    ex.core.state.grants = ex.core.state.grants.filter((g) => g.objectId !== existing.id);
  }
  // Refuses what COPY could not read (TYPE = XML, a bad CSV option) now, not at COPY time.
  if (fileFormatType(stmt.properties) === 'CSV') csvFormat(stmt.properties);
  formats[path.name] = { id: ex.core.nextId(), name: path.name, owner: ex.session.role, createdOn: now(), comment: optionText(stmt.properties.COMMENT), properties: stmt.properties };
  ex.core.changed();
  return statusResult(`File format ${path.name} successfully created.`);
}

// ── DROP for schema-level objects and containers

export async function dropObject(ex: Exec, stmt: ast.DropStatement): Promise<StatementResult | undefined> {
  const { core, scope } = ex;
  switch (stmt.objectType) {
    case 'DATABASE': {
      const name = stmt.name.parts[stmt.name.parts.length - 1]!.name;
      const db = scope.database(name);
      if (!db) return missingOnDrop(stmt.ifExists, name, () => doesNotExist('Database', display(name)));
      if (!scope.access.owns({ objectType: 'DATABASE', id: db.id, owner: db.owner })) throw insufficientPrivileges('database', name);
      await core.storage.transaction(() => dropDatabaseContents(core, name));
      if (ex.session.database === name) {
        delete ex.session.database;
        delete ex.session.schema;
      }
      core.changed();
      return dropped(name);
    }
    case 'SCHEMA': {
      const path: SchemaPath = scope.qualifySchema(stmt.name, 'DROP SCHEMA');
      const schema = scope.schema(path);
      if (!schema) return missingOnDrop(stmt.ifExists, path.schema, () => doesNotExist('Schema', display(path.database, path.schema)));
      if (!scope.access.owns({ objectType: 'SCHEMA', id: schema.id, owner: schema.owner })) throw insufficientPrivileges('schema', path.schema);
      await core.storage.transaction(() => dropSchemaContents(core, schema));
      delete core.state.databases[path.database]!.schemas[path.schema];
      if (ex.session.database === path.database && ex.session.schema === path.schema) delete ex.session.schema;
      core.changed();
      return dropped(path.schema);
    }
    case 'TABLE':
    case 'VIEW': {
      const path = scope.qualify(stmt.name, `DROP ${stmt.objectType}`);
      const schema = scope.schema(path);
      const table = schema?.tables[path.name];
      const isView = table?.kind === 'VIEW';
      if (!schema || !table || !scope.access.sees(tableSecurable(table)) || isView !== (stmt.objectType === 'VIEW')) return missingOnDrop(stmt.ifExists, path.name, () => doesNotExist(stmt.objectType === 'VIEW' ? 'View' : 'Table', display(path.database, path.schema, path.name)));
      if (!scope.access.owns(tableSecurable(table))) throw insufficientPrivileges(isView ? 'view' : 'table', path.name);
      await dropStorage(core, table);
      delete schema.tables[path.name];
      core.state.grants = core.state.grants.filter((g) => g.objectId !== table.id);
      core.changed();
      return dropped(path.name);
    }
    case 'STAGE':
    case 'FILE FORMAT':
    case 'IMAGE REPOSITORY': {
      const path = scope.qualify(stmt.name, `DROP ${stmt.objectType}`);
      const schema = scope.schema(path);
      const collection = stmt.objectType === 'STAGE' ? schema?.stages : stmt.objectType === 'FILE FORMAT' ? schema?.fileFormats : schema?.imageRepositories;
      const entry = collection?.[path.name];
      const objectType = stmt.objectType;
      if (!collection || !entry || !scope.access.sees({ objectType, id: entry.id, owner: entry.owner })) return missingOnDrop(stmt.ifExists, path.name, () => doesNotExist(objectType === 'STAGE' ? 'Stage' : objectType === 'FILE FORMAT' ? 'File format' : 'Image Repository', display(path.database, path.schema, path.name)));
      if (!scope.access.owns({ objectType, id: entry.id, owner: entry.owner })) throw insufficientPrivileges(objectType.toLowerCase(), path.name);
      if (objectType === 'STAGE') removeStage(stageFolder(core.dataDir, (entry as unknown as { folder: string }).folder));
      delete collection[path.name];
      core.state.grants = core.state.grants.filter((g) => g.objectId !== entry.id);
      core.changed();
      return dropped(path.name);
    }
    default:
      return undefined;
  }
}

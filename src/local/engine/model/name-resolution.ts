// Name resolution against the catalog for one statement: object names (1–3 parts) resolve against the
// session's database and schema; an object the role cannot see looks exactly like a missing one.
import { doesNotExist, insufficientPrivileges, noCurrentDatabase, noCurrentSchema } from '../formats/messages.js';
import type { Ident, ObjectName } from '../sql/ast.js';
import type { SessionState } from '../types.js';
import type { CatalogState, DatabaseEntry, SchemaEntry } from './catalog.js';
import { Access } from './privileges.js';

export interface SchemaPath {
  database: string;
  schema: string;
}

export interface QualifiedName extends SchemaPath {
  name: string;
}

/** A name as Snowflake prints it in messages: parts joined by '.', quoted when not plain upper case. */
export function display(...parts: string[]): string {
  return parts.map((p) => (/^[A-Z_][A-Z0-9_$]*$/.test(p) ? p : `"${p.replace(/"/g, '""')}"`)).join('.');
}

export const identName = (ident: Ident) => ident.name;
export const lastPart = (name: ObjectName) => name.parts[name.parts.length - 1]!.name;

export class Scope {
  readonly access: Access;

  constructor(
    readonly state: CatalogState,
    readonly session: SessionState,
  ) {
    this.access = new Access(state, session.role);
  }

  /** db.schema.name from a 1–3 part name and the session's current database and schema. */
  qualify(name: ObjectName, action: string): QualifiedName {
    const parts = name.parts.map(identName);
    if (parts.length >= 3) return { database: parts[parts.length - 3]!, schema: parts[parts.length - 2]!, name: parts[parts.length - 1]! };
    const database = this.session.database;
    if (!database) throw noCurrentDatabase(action);
    if (parts.length === 2) return { database, schema: parts[0]!, name: parts[1]! };
    const schema = this.session.schema;
    if (!schema) throw noCurrentSchema(action);
    return { database, schema, name: parts[0]! };
  }

  /** db.schema from a 1–2 part schema name. */
  qualifySchema(name: ObjectName, action: string): SchemaPath {
    const parts = name.parts.map(identName);
    if (parts.length >= 2) return { database: parts[parts.length - 2]!, schema: parts[parts.length - 1]! };
    const database = this.session.database;
    if (!database) throw noCurrentDatabase(action);
    return { database, schema: parts[0]! };
  }

  /** The database if it exists and the role may use it (USAGE, ownership or any grant inside). */
  database(name: string): DatabaseEntry | undefined {
    const db = this.state.databases[name];
    if (!db) return undefined;
    return this.access.isAdmin || this.access.has({ objectType: 'DATABASE', id: db.id, owner: db.owner }, 'USAGE') ? db : undefined;
  }

  schema(path: SchemaPath): SchemaEntry | undefined {
    const db = this.database(path.database);
    const schema = db?.schemas[path.schema];
    if (!schema) return undefined;
    return this.access.isAdmin || this.access.has({ objectType: 'SCHEMA', id: schema.id, owner: schema.owner }, 'USAGE') ? schema : undefined;
  }

  requireDatabase(name: string): DatabaseEntry {
    const db = this.database(name);
    if (!db) throw doesNotExist('Database', display(name));
    return db;
  }

  requireSchema(path: SchemaPath): SchemaEntry {
    const schema = this.schema(path);
    if (!schema) throw doesNotExist('Schema', display(path.database, path.schema));
    return schema;
  }

  /** Checks an account-level privilege (CREATE DATABASE, CREATE ROLE, …) of the statement's role. */
  requireOnAccount(privilege: string): void {
    if (!this.access.hasOnAccount(privilege)) throw insufficientPrivileges('account', this.state.account);
  }

  /** The schema a new object goes into, checked for `privilege` (CREATE TABLE, CREATE STAGE, …). */
  targetSchema(name: ObjectName, action: string, privilege: string): { path: QualifiedName; schema: SchemaEntry } {
    const path = this.qualify(name, action);
    const schema = this.requireSchema(path);
    if (!this.access.has({ objectType: 'SCHEMA', id: schema.id, owner: schema.owner }, privilege)) throw insufficientPrivileges('schema', display(path.database, path.schema));
    return { path, schema };
  }
}

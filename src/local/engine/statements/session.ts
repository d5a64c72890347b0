// Session statements: USE ROLE/DATABASE/SCHEMA/WAREHOUSE and ALTER SESSION.
import { doesNotExist, invalid, objectUnavailable, roleNotGranted, StatementType, succeeded } from '../formats/messages.js';
import { optionText } from '../formats/property-values.js';
import type { Exec } from '../model/core.js';
import { display } from '../model/name-resolution.js';
import { userRoles } from '../model/privileges.js';
import type * as ast from '../sql/ast.js';
import type { StatementResult } from '../types.js';

// ── USE and ALTER SESSION

export function use(ex: Exec, stmt: ast.UseStatement): StatementResult {
  const { state } = ex.core;
  const session = ex.session;
  if (stmt.objectType === 'SECONDARY ROLES') return succeeded(StatementType.use);
  const parts = stmt.name?.parts.map((p) => p.name) ?? [];
  switch (stmt.objectType) {
    case 'ROLE': {
      const role = parts[0]!;
      if (!state.roles[role]) throw doesNotExist('Role', display(role));
      if (!userRoles(state, session.user).has(role)) throw roleNotGranted(role);
      session.role = role;
      break;
    }
    case 'DATABASE': {
      const db = ex.scope.requireDatabase(parts[0]!);
      session.database = db.name;
      session.schema = ex.scope.schema({ database: db.name, schema: 'PUBLIC' }) ? 'PUBLIC' : undefined;
      break;
    }
    case 'SCHEMA': {
      const path = ex.scope.qualifySchema(stmt.name!, 'USE SCHEMA');
      ex.scope.requireSchema(path);
      session.database = path.database;
      session.schema = path.schema;
      break;
    }
    case 'WAREHOUSE': {
      const wh = state.warehouses[parts[0]!];
      if (!wh || !ex.scope.access.has({ objectType: 'WAREHOUSE', id: wh.id, owner: wh.owner }, 'USAGE')) throw objectUnavailable();
      session.warehouse = wh.name;
      break;
    }
  }
  return succeeded(StatementType.use);
}

export function alterSession(ex: Exec, stmt: ast.AlterSessionStatement): StatementResult {
  if (stmt.action.kind === 'set')
    for (const [key, value] of Object.entries(stmt.action.properties)) {
      const text = optionText(value) ?? '';
      if (key === 'TIMEZONE' && !isTimeZone(text)) throw invalid(`invalid value '${text}' for parameter 'TIMEZONE'`);
      ex.session.parameters[key] = text;
    }
  else for (const key of stmt.action.names) delete ex.session.parameters[key];
  return succeeded(StatementType.alterSession);
}

/** An IANA time zone name (America/Los_Angeles, UTC, Etc/GMT+5), as TIMEZONE takes. */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name !== '';
  } catch {
    return false;
  }
}

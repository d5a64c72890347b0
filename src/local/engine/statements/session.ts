// Session statements: USE ROLE/DATABASE/SCHEMA/WAREHOUSE and ALTER SESSION.
import { doesNotExist, invalid, objectUnavailable, roleNotGranted, StatementType, succeeded, unsupported } from '../formats/messages.js';
import { optionText } from '../formats/property-values.js';
import type { Exec } from '../model/core.js';
import { display } from '../model/name-resolution.js';
import { userRoles } from '../model/privileges.js';
import type * as ast from '../sql/ast.js';
import type { SessionState, StatementResult } from '../types.js';

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

// Transactions (https://docs.snowflake.com/en/sql-reference/transactions). papi local commits every
// statement as it runs, so BEGIN … COMMIT behaves as in Snowflake, but a ROLLBACK cannot undo what the
// transaction changed: it is refused by name instead of answering success over changes that stay.
// A read-only transaction, or one that changed nothing yet, rolls back as Snowflake's would.

/** BEGIN (ignored inside an open transaction, as Snowflake does), COMMIT, ROLLBACK. */
export function transaction(ex: Exec, stmt: ast.TransactionStatement): StatementResult {
  const { session } = ex;
  if (stmt.kind === 'begin') session.transaction ??= { changes: 0 };
  else if (stmt.kind === 'commit' || !session.transaction?.changes) delete session.transaction;
  else {
    const { changes } = session.transaction;
    throw unsupported(
      `ROLLBACK of a transaction that changed data (${changes} statement${changes === 1 ? '' : 's'} since it began; papi local committed each as it ran, ` +
        'so they stay; COMMIT ends the transaction)',
    );
  }
  return succeeded(StatementType.transaction);
}

const isDml = (typeId: number) => typeId >= StatementType.dml && typeId < StatementType.scl;

/**
 * After a statement succeeded: DML counts as a change of the open transaction (and opens one under
 * AUTOCOMMIT = FALSE); DDL commits the open transaction, as Snowflake's DDL does.
 */
export function noteTransactionEffect(session: SessionState, stmt: ast.Statement, result: StatementResult): void {
  if (result.kind !== 'rows' || stmt.kind === 'begin' || stmt.kind === 'commit' || stmt.kind === 'rollback') return;
  if (isDml(result.statementTypeId)) {
    if (!session.transaction && /^(FALSE|OFF|NO|0)$/i.test(session.parameters.AUTOCOMMIT ?? '')) session.transaction = { changes: 0 };
    if (session.transaction) session.transaction.changes++;
  } else if (result.statementTypeId === StatementType.ddl && stmt.kind !== 'call') delete session.transaction;
}

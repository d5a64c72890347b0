// JavaScript stored procedures: CREATE PROCEDURE, DROP PROCEDURE and CALL
// (https://docs.snowflake.com/en/sql-reference/sql/create-procedure, …/drop-procedure, …/call,
// https://docs.snowflake.com/en/developer-guide/stored-procedure/stored-procedures-javascript).
// The body runs in a worker thread (javascript/host.ts); its statements run here, in the caller's
// session (EXECUTE AS CALLER) or as the owner role in the procedure's schema (EXECUTE AS OWNER).
import { SqlError } from '../../errors.js';
import { columnType, familyOf } from '../formats/datatypes.js';
import { alreadyExists, created, dropped, doesNotExist, insufficientPrivileges, missingOnDrop, objectExists, unsupported } from '../formats/messages.js';
import { runProcedure, type ReturnedValue } from '../javascript/host.js';
import { applyFutureGrants, databaseOf, now, type ProcedureEntry } from '../model/catalog.js';
import type { Exec } from '../model/core.js';
import { display } from '../model/name-resolution.js';
import { canonicalTypes, findProcedure, overloads, procedureKey, procedureSecurable, signatureType } from '../model/procedures.js';
import type * as ast from '../sql/ast.js';
import type { Bind, SessionState, StatementResult } from '../types.js';

const JS_IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function createProcedure(ex: Exec, stmt: ast.CreateProcedureStatement): StatementResult {
  const { path, schema } = ex.scope.targetSchema(stmt.name, 'CREATE PROCEDURE', 'CREATE PROCEDURE');
  const types = canonicalTypes(stmt.args.map((a) => a.type));
  const returns = columnType(stmt.returns).snowflake;
  if ([...types, returns].some((t) => familyOf(t) === 'structured')) throw unsupported('CREATE PROCEDURE with structured types (OBJECT(…), ARRAY(…), MAP)');
  const names = stmt.args.map((a) => a.name.name);
  for (const name of names) {
    // The body sees each argument as a variable of that name: a name JavaScript cannot spell is unreachable.
    if (!JS_IDENTIFIER.test(name)) throw unsupported(`CREATE PROCEDURE with the argument name "${name}" (not a JavaScript identifier)`);
  }
  if (new Set(names).size !== names.length) throw new SqlError('002025', '42S21', `SQL compilation error:\nduplicate column name '${names.find((n, i) => names.indexOf(n) !== i)}'`); // number unverified
  const key = procedureKey(path.name, types);
  const procedures = (schema.procedures ??= {});
  const existing = procedures[key];
  if (existing) {
    if (stmt.ifNotExists) return alreadyExists(path.name);
    if (!stmt.orReplace) throw objectExists('Function', `${display(path.database, path.schema)}.${key}`);
    if (!ex.scope.access.owns(procedureSecurable(existing))) throw insufficientPrivileges('function', key);
  }
  const procedure: ProcedureEntry = {
    id: ex.core.nextId(),
    name: path.name,
    owner: ex.session.role,
    createdOn: now(),
    ...(stmt.comment !== undefined ? { comment: stmt.comment } : {}),
    args: stmt.args.map((a, i) => ({ name: a.name.name, type: types[i]! })),
    returns,
    returnsNotNull: stmt.returnsNotNull,
    language: 'JAVASCRIPT',
    executeAs: stmt.executeAs,
    body: stmt.body,
  };
  if (existing) ex.core.state.grants = ex.core.state.grants.filter((g) => g.objectId !== existing.id);
  procedures[key] = procedure;
  applyFutureGrants(ex.core.state, 'PROCEDURE', procedure.id, schema, databaseOf(ex.core.state, schema));
  ex.core.changed();
  // Snowflake answers CREATE PROCEDURE with "Function … successfully created.".
  return created('Function', path.name);
}

export function dropProcedure(ex: Exec, stmt: ast.DropStatement): StatementResult {
  const path = ex.scope.qualify(stmt.name, 'DROP PROCEDURE');
  const key = procedureKey(path.name, canonicalTypes(stmt.argTypes ?? []));
  const visible = ex.scope.schema(path)?.procedures?.[key];
  if (!visible || !ex.scope.access.sees(procedureSecurable(visible)))
    return missingOnDrop(stmt.ifExists, key, () => doesNotExist('Procedure', `${display(path.database, path.schema)}.${key}`));
  const { schema, procedure } = findProcedure(ex, stmt.name, stmt.argTypes ?? [], 'DROP PROCEDURE');
  if (!ex.scope.access.owns(procedureSecurable(procedure))) throw insufficientPrivileges('function', key);
  delete schema.procedures![key];
  ex.core.state.grants = ex.core.state.grants.filter((g) => g.objectId !== procedure.id);
  ex.core.changed();
  return dropped(path.name);
}

/** 002141: what CALL answers for a procedure that is missing or that the role cannot see. */
function unknownProcedure(name: string): SqlError {
  return new SqlError('002141', '42601', `SQL compilation error:\nUnknown user-defined function ${name}.`);
}

const quoteAlias = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The arguments evaluated by a SELECT with the CALL's binds, each cast to `types` when given. */
async function evaluateArgs(ex: Exec, argTexts: string[], types?: string[]): Promise<StatementResult & { kind: 'rows' }> {
  if (argTexts.length === 0) return { kind: 'rows', columns: [], rows: [[]], statementTypeId: 0 };
  const items = argTexts.map((text, i) => `${types ? `CAST((${text}) AS ${types[i]})` : `(${text})`} AS A${i + 1}`);
  const result = await ex.core.nested(ex.session, `SELECT ${items.join(', ')}`, [...ex.binds], false);
  if (result.kind !== 'rows') throw new Error('CALL: the arguments did not evaluate to a row');
  return result;
}

const FAMILY_OF_WIRE: Record<string, string> = { fixed: 'number', real: 'float', text: 'text', boolean: 'boolean', date: 'date', time: 'time', timestamp_ntz: 'timestamp', timestamp_ltz: 'timestamp', timestamp_tz: 'timestamp', variant: 'variant', object: 'variant', array: 'variant', binary: 'binary' };

/** The overload a CALL names: by argument count, then (several of that count) by the arguments' types. */
async function chooseOverload(ex: Exec, stmt: ast.CallStatement): Promise<{ procedure: ProcedureEntry; database: string; schema: string }> {
  const { name, argTexts } = stmt.procedure!;
  const path = ex.scope.qualify(name, 'CALL');
  const all = overloads(ex, ex.scope.schema(path), path.name);
  const qualified = display(path.database, path.schema, path.name);
  if (all.length === 0) throw unknownProcedure(qualified);
  const candidates = all.filter((p) => p.args.length === argTexts.length);
  if (candidates.length === 1) return { procedure: candidates[0]!, database: path.database, schema: path.schema };
  const given = await evaluateArgs(ex, argTexts);
  const givenTypes = given.columns.map((c) => FAMILY_OF_WIRE[c.type] ?? 'text');
  if (candidates.length === 0)
    throw new SqlError('001044', '42P13', `SQL compilation error:\nInvalid argument types for function '${path.name}': (${given.columns.map((c) => signatureType(c.type.toUpperCase())).join(', ')})`); // number unverified
  const exact = candidates.filter((p) => p.args.every((a, i) => {
    const family = familyOf(a.type);
    return family === givenTypes[i] || (family === 'float' && givenTypes[i] === 'number');
  }));
  if (exact.length !== 1) throw unsupported(`CALL of ${qualified}: choosing among its overloads for these argument types`);
  return { procedure: exact[0]!, database: path.database, schema: path.schema };
}

/** The session the body's statements run in (https://docs.snowflake.com/en/developer-guide/stored-procedure/stored-procedures-rights). */
function procedureSession(ex: Exec, procedure: ProcedureEntry, database: string, schema: string): SessionState {
  if (procedure.executeAs === 'CALLER') return ex.session;
  // Owner's rights: the owner role's privileges, in the database and schema the procedure lives in.
  return { ...ex.session, role: procedure.owner, database, schema, parameters: { ...ex.session.parameters } };
}

/** The returned value converted to the RETURNS type by the engine itself: one row, one column named after the procedure. */
async function returnedRow(ex: Exec, session: SessionState, procedure: ProcedureEntry, value: ReturnedValue): Promise<StatementResult> {
  const alias = quoteAlias(procedure.name);
  if (value.kind === 'null') {
    if (procedure.returnsNotNull) throw new SqlError('100145', '22000', `NULL result in a non-nullable column`); // number unverified
    return ex.core.nested(session, `SELECT CAST(NULL AS ${procedure.returns}) AS ${alias}`, [], false);
  }
  const family = familyOf(procedure.returns);
  const text = (bind: Bind) => ex.core.nested(session, `SELECT CAST(? AS ${procedure.returns}) AS ${alias}`, [bind], false);
  if (family === 'variant') {
    const json =
      value.kind === 'json' ? value.text! : value.kind === 'string' ? JSON.stringify(value.text) : value.kind === 'date' ? JSON.stringify(value.iso) : value.kind === 'binary' ? JSON.stringify(value.text) : value.text!;
    const cast = procedure.returns === 'VARIANT' ? '' : `::${procedure.returns}`;
    return ex.core.nested(session, `SELECT PARSE_JSON(?)${cast} AS ${alias}`, [{ type: 'TEXT', value: json }], false);
  }
  if (family === 'binary') return text({ type: value.kind === 'binary' ? 'BINARY' : 'TEXT', value: value.text! });
  if (family === 'number' || family === 'float') return text({ type: 'TEXT', value: value.kind === 'boolean' ? (value.text === 'true' ? '1' : '0') : value.kind === 'date' ? String(Date.parse(value.iso!)) : (value.kind === 'json' ? value.string : value.text)! });
  if (family === 'date' || family === 'time' || family === 'timestamp') return text({ type: 'TEXT', value: value.kind === 'date' ? value.iso! : (value.kind === 'json' ? value.string : value.text)! });
  return text({ type: 'TEXT', value: value.kind === 'json' ? value.string! : value.kind === 'date' ? value.iso! : value.text! });
}

export async function callProcedure(ex: Exec, stmt: ast.CallStatement): Promise<StatementResult> {
  const { procedure, database, schema } = await chooseOverload(ex, stmt);
  // https://docs.snowflake.com/en/sql-reference/sql/call: the caller needs USAGE on the procedure.
  if (!ex.scope.access.has(procedureSecurable(procedure), 'USAGE')) throw insufficientPrivileges('function', procedureKey(procedure.name, procedure.args.map((a) => a.type)));
  const args = await evaluateArgs(ex, stmt.procedure!.argTexts, procedure.args.map((a) => a.type));
  const session = procedureSession(ex, procedure, database, schema);
  const value = await runProcedure({
    name: procedure.name,
    body: procedure.body,
    argNames: procedure.args.map((a) => a.name),
    args: { columns: args.columns, row: args.rows[0] ?? [] },
    memoryMb: ex.core.procedureMemoryMb,
    execute: (sqlText, binds) => ex.core.nested(session, sqlText, binds),
    signal: ex.signal ? AbortSignal.any([ex.signal, ex.core.closing]) : ex.core.closing,
  });
  return returnedRow(ex, session, procedure, value);
}

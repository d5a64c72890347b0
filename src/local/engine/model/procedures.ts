// Stored procedures in the catalog: signatures, finding one overload, and who may call it
// (https://docs.snowflake.com/en/sql-reference/sql/create-procedure,
// https://docs.snowflake.com/en/developer-guide/udf-stored-procedure-naming-conventions#overloading).
import { columnType } from '../formats/datatypes.js';
import { doesNotExist } from '../formats/messages.js';
import type * as ast from '../sql/ast.js';
import type { ProcedureEntry, SchemaEntry } from './catalog.js';
import type { Exec } from './core.js';
import { display, type QualifiedName } from './name-resolution.js';

export const procedureSecurable = (procedure: ProcedureEntry) => ({ objectType: 'PROCEDURE' as const, id: procedure.id, owner: procedure.owner });

/** A type as a signature shows it: its name without length or precision (NUMBER, VARCHAR, TIMESTAMP_NTZ). */
export function signatureType(canonicalType: string): string {
  return canonicalType.replace(/\(.*$/, '');
}

/** The catalog key and SHOW's `arguments` head: NAME(FLOAT, VARCHAR). */
export function procedureKey(name: string, canonicalTypes: readonly string[]): string {
  return `${name}(${canonicalTypes.map(signatureType).join(', ')})`;
}

export function canonicalTypes(types: readonly ast.DataType[]): string[] {
  return types.map((t) => columnType(t).snowflake);
}

/** SHOW PROCEDURES `arguments`: MYPROC(FLOAT, VARCHAR) RETURN VARCHAR. */
export function argumentsText(procedure: ProcedureEntry): string {
  return `${procedureKey(procedure.name, procedure.args.map((a) => a.type))} RETURN ${signatureType(procedure.returns)}`;
}

/** Every overload of `name` in the schema the role can see. */
export function overloads(ex: Exec, schema: SchemaEntry | undefined, name: string): ProcedureEntry[] {
  return Object.values(schema?.procedures ?? {}).filter((p) => p.name === name && ex.scope.access.sees(procedureSecurable(p)));
}

/** The overload `name(types)` names (DROP, DESCRIBE, GRANT … ON PROCEDURE); 002003 when there is none the role sees. */
export function findProcedure(
  ex: Exec,
  name: ast.ObjectName,
  argTypes: readonly ast.DataType[],
  action: string,
): { path: QualifiedName; schema: SchemaEntry; key: string; procedure: ProcedureEntry } {
  const path = ex.scope.qualify(name, action);
  const schema = ex.scope.schema(path);
  const key = procedureKey(path.name, canonicalTypes(argTypes));
  const procedure = schema?.procedures?.[key];
  if (!schema || !procedure || !ex.scope.access.sees(procedureSecurable(procedure))) throw doesNotExist('Procedure', `${display(path.database, path.schema)}.${key}`);
  return { path, schema, key, procedure };
}

// Snowflake's answers as papi local gives them: status rows ("Table X successfully created.") and the
// errors (number, SQLSTATE, text) for missing objects, privileges and session state.
import { ErrorCode, SqlError } from '../../errors.js';
import type { StatementResult } from '../types.js';
import { NOT_HEX, NOT_TIMESTAMP, TZ_OFFSET } from '../sql/render.js';
import { NOT_STRUCTURED, STRUCTURED_VALUE } from '../sql/structured.js';
import { textColumn } from './encode.js';

/** Snowflake's statementTypeId values (the driver's lib/connection/statement.js ranges). */
export const StatementType = {
  select: 0x1000,
  dml: 0x3000,
  insert: 0x3100,
  update: 0x3200,
  delete: 0x3300,
  merge: 0x3400,
  copy: 0x3600,
  scl: 0x4000,
  alterSession: 0x4100,
  use: 0x4300,
  show: 0x4400,
  describe: 0x4500,
  transaction: 0x5000,
  ddl: 0x6000,
  put: 0x7000,
} as const;

export function statusResult(status: string, statementTypeId: number = StatementType.ddl): StatementResult {
  return { kind: 'rows', columns: [textColumn('status')], rows: [[status]], statementTypeId };
}

export const succeeded = (statementTypeId: number = StatementType.ddl) => statusResult('Statement executed successfully.', statementTypeId);
export const created = (kind: string, name: string) => statusResult(`${kind} ${name} successfully created.`);
export const alreadyExists = (name: string) => statusResult(`${name} already exists, statement succeeded.`);
export const dropped = (name: string) => statusResult(`${name} successfully dropped.`);
export const alreadyDropped = (name: string) => statusResult(`Drop statement executed successfully (${name} already dropped).`);

/** DROP of an object that does not exist or the role cannot see: IF EXISTS succeeds, else `error`. */
export function missingOnDrop(ifExists: boolean, name: string, error: () => SqlError): StatementResult {
  if (ifExists) return alreadyDropped(name);
  throw error();
}

/**
 * 002003. Snowflake's SQLSTATE depends on the kind: 42S02 ("base table or view not found") for tables,
 * views and the generic "Object"; 02000 for databases, schemas, stages, roles, users and the rest.
 */
export function doesNotExist(kind: string, name: string): SqlError {
  const sqlState = TABLE_KINDS.has(kind) ? '42S02' : '02000';
  return new SqlError(ErrorCode.doesNotExist, sqlState, `SQL compilation error:\n${kind} '${name}' does not exist or not authorized.`);
}

const TABLE_KINDS = new Set(['Object', 'Table', 'View']);

/** USE WAREHOUSE of a warehouse that is missing or not usable: Snowflake names nothing (002043). */
export function objectUnavailable(): SqlError {
  return new SqlError('002043', '02000', 'SQL compilation error:\nObject does not exist, or operation cannot be performed.');
}

export function objectExists(kind: string, name: string): SqlError {
  return new SqlError(ErrorCode.alreadyExists, '42710', `SQL compilation error:\n${kind} '${name}' already exists.`);
}

export function insufficientPrivileges(kind: string, name: string): SqlError {
  return new SqlError(ErrorCode.insufficientPrivileges, '42501', `SQL access control error:\nInsufficient privileges to operate on ${kind} '${name}'.`);
}

export function noWarehouse(): SqlError {
  return new SqlError(
    '000606',
    '57P03',
    "No active warehouse selected in the current session.  Select an active warehouse with the 'use warehouse' command.",
  );
}

export function noCurrentDatabase(action: string): SqlError {
  return new SqlError('090105', '22000', `Cannot perform ${action}. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.`);
}

export function noCurrentSchema(action: string): SqlError {
  return new SqlError('090106', '22000', `Cannot perform ${action}. This session does not have a current schema. Call 'USE SCHEMA', or use a qualified name.`);
}

export function unsupported(what: string): SqlError {
  return new SqlError(ErrorCode.unsupported, '0A000', `SQL compilation error:\n${what} is not supported by papi local.`);
}

export function invalid(message: string): SqlError {
  return new SqlError('002029', '42601', `SQL compilation error:\n${message}`);
}

/** USE ROLE of a role not granted to the user: 003013 (42501), two spaces before "Specify" as Snowflake writes it. */
export function roleNotGranted(role: string): SqlError {
  return new SqlError('003013', '42501', `SQL access control error:\nRequested role '${role}' is not assigned to the executing user.  Specify another role to activate.`);
}

/** Duplicate primary key in a hybrid table: Snowflake's documented "200001 (22000): Primary key already exists". */
export function duplicateKey(): SqlError {
  return new SqlError(ErrorCode.duplicateKey, '22000', 'Primary key already exists');
}

/**
 * Accounts without hybrid tables (trial accounts, U.S. SnowGov regions): Snowflake answers
 * "Unsupported feature 'HYBRID TABLE'." with SQLSTATE 0A000, as a compilation error like every
 * unsupported feature (the same shape as the parser's unsupportedFeature).
 */
export function hybridTablesUnavailable(): SqlError {
  return new SqlError(ErrorCode.unsupported, '0A000', "SQL compilation error:\nUnsupported feature 'HYBRID TABLE'.");
}

/**
 * papi local --no-hybrid-swap: SWAP WITH involving a hybrid table is nowhere documented as supported,
 * so an account may refuse it. The wording is papi local's, in the shape of an unsupported feature.
 */
export function hybridSwapUnsupported(): SqlError {
  return new SqlError(ErrorCode.unsupported, '0A000', "SQL compilation error:\nUnsupported feature 'ALTER TABLE SWAP WITH on HYBRID TABLE'.");
}

/** DuckDB's errors in Snowflake's shape; SqlErrors pass through. */
/** A statement its client cancelled (abort-request, SYSTEM$CANCEL_QUERY). */
export function canceled(): SqlError {
  return new SqlError('000604', '57014', 'SQL execution canceled');
}

export function asSqlError(error: unknown): SqlError {
  if (error instanceof SqlError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/^INTERRUPT Error/i.test(message) || /Interrupted!/.test(message)) return canceled();
  if (/PRIMARY KEY or UNIQUE constraint violation|Duplicate key/i.test(message)) return duplicateKey();
  // DuckDB quotes the value with ' or " depending on its version.
  const conversion = /Could not convert string ['"](.*?)['"] to (DECIMAL|INT|DOUBLE|BIGINT|HUGEINT|FLOAT)/i.exec(message);
  if (conversion) return new SqlError('100038', '22018', `Numeric value '${conversion[1]}' is not recognized`);
  const timestamp = /Could not convert string ['"](.*?)['"] to TIMESTAMP/i.exec(message);
  if (timestamp) return new SqlError('100035', '22007', `Timestamp '${timestamp[1]}' is not recognized`);
  if (/Division by zero/i.test(message)) return new SqlError('100051', '22012', 'Division by zero');
  // Snowflake's text for a string that is not hex; the number is unverified.
  const notTimestamp = message.indexOf(NOT_TIMESTAMP);
  if (notTimestamp >= 0) return new SqlError('100035', '22007', `Timestamp '${message.slice(notTimestamp + NOT_TIMESTAMP.length + 1)}' is not recognized`);
  const tzOffset = message.indexOf(TZ_OFFSET);
  if (tzOffset >= 0)
    return unsupported(`TIMESTAMP_TZ '${message.slice(tzOffset + TZ_OFFSET.length + 1)}' with an offset other than the session TIMEZONE's (papi local keeps TIMESTAMP_TZ values in the session's zone)`);
  const notHex = message.indexOf(NOT_HEX);
  if (notHex >= 0) return new SqlError('100115', '22000', `The following string is not a legal hex-encoded value: '${message.slice(notHex + NOT_HEX.length + 1)}'`);
  // PARSE_JSON of text that is not JSON (https://docs.snowflake.com/en/sql-reference/functions/parse_json).
  const json = /Malformed JSON (at byte \d+) of input: ([^.]*)/.exec(message);
  if (json) return new SqlError('100069', '22P02', `Error parsing JSON: ${json[2]}, ${json[1]}`);
  // Snowflake's text for a value that does not fit a structured type; the number is unverified.
  const notStructured = message.indexOf(NOT_STRUCTURED);
  if (notStructured >= 0) {
    const rest = message.slice(notStructured + NOT_STRUCTURED.length + 1);
    const at = rest.indexOf(STRUCTURED_VALUE);
    return new SqlError('100071', '22000', `Failed to cast variant value ${rest.slice(at + STRUCTURED_VALUE.length)} to ${rest.slice(0, at)}`);
  }
  if (/NOT NULL constraint failed/i.test(message)) return new SqlError('100072', '22000', "NULL result in a non-nullable column");
  // papi local's own disk (Snowflake has none to fill): say so plainly. DuckDB rolls the statement back.
  const full = /(?:Could not write file "([^"]+)": )?No space left on device/i.exec(message);
  if (full)
    return new SqlError(
      '000603',
      'XX000',
      `SQL execution internal error: papi local's disk is full (no space left on device${full[1] ? ` writing ${full[1]}` : ''}). ` +
        "The statement was not applied; free space on the disk of papi local's data directory and run it again. " +
        `(${message.split('\n')[0]})`,
    );
  return new SqlError('002040', '0A000', `SQL execution error:\n${message.replace(/^[A-Za-z ]+Error: /, '')}`);
}

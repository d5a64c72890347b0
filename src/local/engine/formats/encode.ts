// DuckDB results in the driver's wire encoding (facts/PROTOCOL.md): every cell a string or null,
// and a rowtype column per DuckDB type with the Snowflake type it stands for.
import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  DuckDBTypeId,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { DataType } from '../sql/ast.js';
import { isStructured } from '../sql/types.js';
import type { Column } from '../types.js';
import type { OutputSettings } from './datetime-output.js';
import { encodeStructured, structuredColumn } from './structured-values.js';

export const VARCHAR_LENGTH = 16777216;
const BILLION = 1_000_000_000n;

/** The rowtype column a DuckDB result column is sent as. */
export function columnFor(name: string, type: DuckDBType): Column {
  const base = { name, nullable: true };
  if (type.alias === 'JSON') return { ...base, type: 'variant', length: VARCHAR_LENGTH, byteLength: VARCHAR_LENGTH };
  switch (type.typeId) {
    case DuckDBTypeId.DECIMAL: {
      const t = type as unknown as { width: number; scale: number };
      return { ...base, type: 'fixed', precision: t.width, scale: t.scale };
    }
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return { ...base, type: 'fixed', precision: 38, scale: 0 };
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return { ...base, type: 'real' };
    case DuckDBTypeId.BOOLEAN:
      return { ...base, type: 'boolean' };
    case DuckDBTypeId.DATE:
      return { ...base, type: 'date' };
    case DuckDBTypeId.TIME:
      return { ...base, type: 'time', scale: 9 };
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
      return { ...base, type: 'timestamp_ntz', precision: 0, scale: 9 };
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { ...base, type: 'timestamp_ltz', precision: 0, scale: 9 };
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return { ...base, type: 'array', length: VARCHAR_LENGTH, byteLength: VARCHAR_LENGTH };
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
      return { ...base, type: 'object', length: VARCHAR_LENGTH, byteLength: VARCHAR_LENGTH };
    case DuckDBTypeId.BLOB:
      return { ...base, type: 'binary', length: 8388608, byteLength: 8388608 };
    default:
      return { ...base, type: 'text', length: VARCHAR_LENGTH, byteLength: VARCHAR_LENGTH };
  }
}

/** "secs.fraction" with 9 fraction digits from a count of `unitsPerSecond` since the epoch. */
export function epochString(count: bigint, unitsPerSecond: bigint): string {
  // The exact decimal number of seconds: the driver reads it as one number (BigNumber), so 0.75 s
  // before 1970 is "-0.750000000", not the floor-and-remainder "-1.250000000" (which reads as -1.25 s).
  const nanos = count * (BILLION / unitsPerSecond);
  const magnitude = nanos < 0n ? -nanos : nanos;
  return `${nanos < 0n ? '-' : ''}${magnitude / BILLION}.${(magnitude % BILLION).toString().padStart(9, '0')}`;
}

/** One cell in the wire encoding of its rowtype column. */
export function encodeCell(value: DuckDBValue, column: Column): string | null {
  if (value === null || value === undefined) return null;
  switch (column.type) {
    case 'boolean':
      return value ? '1' : '0';
    case 'fixed':
      return value instanceof DuckDBDecimalValue ? value.toString() : String(value);
    case 'real':
      return encodeReal(Number(value));
    case 'date':
      return value instanceof DuckDBDateValue ? String(value.days) : String(value);
    case 'time':
      return value instanceof DuckDBTimeValue ? epochString(value.micros, 1_000_000n) : String(value);
    case 'timestamp_ntz':
    case 'timestamp_ltz':
      return encodeTimestamp(value);
    case 'variant':
    case 'object':
    case 'array':
      return typeof value === 'string' ? value : JSON.stringify(toJson(value));
    case 'binary':
      return value instanceof DuckDBBlobValue ? Buffer.from(value.bytes).toString('hex').toUpperCase() : String(value);
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

function encodeReal(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

function encodeTimestamp(value: DuckDBValue): string {
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) return epochString(value.micros, 1_000_000n);
  const v = value as { seconds?: bigint; millis?: bigint; nanos?: bigint };
  if (typeof v.seconds === 'bigint') return epochString(v.seconds, 1n);
  if (typeof v.millis === 'bigint') return epochString(v.millis, 1000n);
  if (typeof v.nanos === 'bigint') return epochString(v.nanos, BILLION);
  return String(value);
}

/** A DuckDB value as plain JSON (nested lists and structs become arrays and objects). */
export function toJson(value: DuckDBValue): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'object') return value;
  if (value instanceof DuckDBListValue) return value.items.map(toJson);
  if (value instanceof DuckDBStructValue) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value.entries)) out[k] = toJson(v);
    return out;
  }
  if (value instanceof DuckDBMapValue) {
    const out: Record<string, unknown> = {};
    for (const { key, value: v } of value.entries) out[String(key)] = toJson(v);
    return out;
  }
  if (value instanceof DuckDBDecimalValue) return Number(value.toString());
  return value.toString();
}

/** What a query's structured columns need: their Snowflake types and the session's output settings. */
export interface StructuredOutput {
  /** The Snowflake type of each result column, where the translator knows it. */
  types: ReadonlyArray<DataType | undefined>;
  settings: OutputSettings;
  /** ENABLE_STRUCTURED_TYPES_IN_CLIENT_RESPONSE: describe the types inside to the client. */
  withFields: boolean;
}

/** Rows and rowtype for a whole DuckDB result. */
export function encodeResult(names: readonly string[], types: readonly DuckDBType[], rows: readonly DuckDBValue[][], structured?: StructuredOutput): { columns: Column[]; rows: Array<Array<string | null>> } {
  const declared = names.map((_, i) => structured?.types[i]);
  const columns = names.map((name, i) => (isStructured(declared[i]) ? structuredColumn(name, declared[i]!, structured!.withFields) : columnFor(name, types[i]!)));
  const encodeAt = (cell: DuckDBValue, i: number) =>
    isStructured(declared[i]) ? (cell === null || cell === undefined ? null : encodeStructured(cell, declared[i]!, structured!.settings)) : encodeCell(cell, columns[i]!);
  return { columns, rows: rows.map((row) => row.map(encodeAt)) };
}

/** A rowtype column for results the engine builds itself (SHOW, status, COPY). */
export function textColumn(name: string): Column {
  return { name, type: 'text', nullable: true, length: VARCHAR_LENGTH, byteLength: VARCHAR_LENGTH };
}
export function fixedColumn(name: string): Column {
  return { name, type: 'fixed', nullable: true, precision: 38, scale: 0 };
}
export function booleanColumn(name: string): Column {
  return { name, type: 'boolean', nullable: true };
}
export function timestampColumn(name: string): Column {
  return { name, type: 'timestamp_ltz', nullable: true, precision: 0, scale: 9 };
}

/** An ISO date-time as the wire's epoch-seconds encoding. */
export function isoToEpoch(iso: string): string {
  return epochString(BigInt(Date.parse(iso)), 1000n);
}

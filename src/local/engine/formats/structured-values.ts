// Structured values (OBJECT(k T, …), ARRAY(T), MAP(K, V)) in the driver's wire format: the cell is
// JSON text, every key and element in the text of its declared type (numbers as numbers, dates and
// timestamps in the session's output formats, BINARY in BINARY_OUTPUT_FORMAT), and the rowtype column
// describes the type inside in `fields`, which is what the driver reads to convert each value
// (https://docs.snowflake.com/en/sql-reference/data-types-structured). Without
// ENABLE_STRUCTURED_TYPES_IN_CLIENT_RESPONSE the column is described as semi-structured (no fields).
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
  type DuckDBValue,
} from '@duckdb/node-api';
import type { DataType } from '../sql/ast.js';
import { canonical } from '../sql/types.js';
import type { Column } from '../types.js';
import { formatClock, utcClock, zonedClock, type OutputSettings } from './datetime-output.js';
import { unsupported } from './messages.js';

const VARCHAR_LENGTH = 16777216;

/** The rowtype column of a structured result column. */
export function structuredColumn(name: string, type: DataType, withFields: boolean): Column {
  const t = canonical(type);
  const column = describe(name, t);
  if (withFields) return column;
  // Semi-structured as far as the client is told: a MAP reads as an OBJECT.
  return { name, type: t.element ? 'array' : 'object', nullable: true, length: VARCHAR_LENGTH, byteLength: VARCHAR_LENGTH };
}

/** A type's rowtype entry, with `fields` for the types inside a structured one. */
function describe(name: string, t: DataType): Column {
  const nullable = !t.notNull;
  const base = { name, nullable };
  if (t.fields) return { ...base, type: 'object', length: VARCHAR_LENGTH, byteLength: VARCHAR_LENGTH, fields: t.fields.map((f) => describe(f.name, f.type)) };
  if (t.element) return { ...base, type: 'array', length: VARCHAR_LENGTH, byteLength: VARCHAR_LENGTH, fields: [describe('', t.element)] };
  if (t.key) return { ...base, type: 'map', length: VARCHAR_LENGTH, byteLength: VARCHAR_LENGTH, fields: [describe('key', t.key), describe('value', t.value!)] };
  const [a, b] = t.args;
  switch (t.name) {
    case 'NUMBER':
      return { ...base, type: 'fixed', precision: a ?? 38, scale: b ?? 0 };
    case 'FLOAT':
      return { ...base, type: 'real' };
    case 'VARCHAR':
      return { ...base, type: 'text', length: a ?? VARCHAR_LENGTH, byteLength: Math.min((a ?? VARCHAR_LENGTH) * 4, VARCHAR_LENGTH) };
    case 'BOOLEAN':
      return { ...base, type: 'boolean' };
    case 'DATE':
      return { ...base, type: 'date' };
    case 'TIME':
      return { ...base, type: 'time', scale: a ?? 9 };
    case 'TIMESTAMP_NTZ':
      return { ...base, type: 'timestamp_ntz', precision: 0, scale: a ?? 9 };
    case 'TIMESTAMP_LTZ':
      return { ...base, type: 'timestamp_ltz', precision: 0, scale: a ?? 9 };
    case 'TIMESTAMP_TZ':
      return { ...base, type: 'timestamp_tz', precision: 0, scale: a ?? 9 };
    case 'BINARY':
      return { ...base, type: 'binary', length: a ?? 8388608, byteLength: a ?? 8388608 };
    case 'VARIANT':
      return { ...base, type: 'variant', length: VARCHAR_LENGTH, byteLength: VARCHAR_LENGTH };
    case 'OBJECT':
      return { ...base, type: 'object', length: VARCHAR_LENGTH, byteLength: VARCHAR_LENGTH };
    case 'ARRAY':
      return { ...base, type: 'array', length: VARCHAR_LENGTH, byteLength: VARCHAR_LENGTH };
    default:
      throw unsupported(`a ${t.name} inside a structured type`);
  }
}

/** A structured value as the JSON text of the wire. */
export function encodeStructured(value: DuckDBValue, type: DataType, settings: OutputSettings): string {
  return jsonText(value, canonical(type), settings);
}

function jsonText(value: DuckDBValue, t: DataType, settings: OutputSettings): string {
  if (value === null || value === undefined) return 'null';
  if (t.fields) {
    const entries = (value as DuckDBStructValue).entries;
    return `{${t.fields.map((f) => `${JSON.stringify(f.name)}:${jsonText(entries[f.name] ?? null, f.type, settings)}`).join(',')}}`;
  }
  if (t.element) return `[${(value as DuckDBListValue).items.map((item) => jsonText(item, t.element!, settings)).join(',')}]`;
  if (t.key) {
    const pairs = (value as DuckDBMapValue).entries.map(({ key, value: v }) => `${JSON.stringify(scalarText(key))}:${jsonText(v, t.value!, settings)}`);
    return `{${pairs.join(',')}}`;
  }
  switch (t.name) {
    case 'VARCHAR':
      return JSON.stringify(String(value));
    case 'NUMBER':
      return scalarText(value);
    case 'FLOAT': {
      const n = Number(value);
      if (Number.isFinite(n)) return String(n);
      return JSON.stringify(Number.isNaN(n) ? 'NaN' : n > 0 ? 'inf' : '-inf');
    }
    case 'BOOLEAN':
      return value ? 'true' : 'false';
    case 'DATE':
      return JSON.stringify(formatClock(settings.DATE_OUTPUT_FORMAT, utcClock(BigInt((value as DuckDBDateValue).days) * 86_400_000_000n)));
    case 'TIME':
      return JSON.stringify(formatClock(settings.TIME_OUTPUT_FORMAT, utcClock((value as DuckDBTimeValue).micros)));
    case 'TIMESTAMP_NTZ':
      return JSON.stringify(formatClock(settings.TIMESTAMP_NTZ_OUTPUT_FORMAT || settings.TIMESTAMP_OUTPUT_FORMAT, utcClock((value as DuckDBTimestampValue).micros)));
    case 'TIMESTAMP_LTZ':
    case 'TIMESTAMP_TZ': {
      // papi local keeps the instant, not a TIMESTAMP_TZ's own offset: both read in the session's zone.
      const format = (t.name === 'TIMESTAMP_LTZ' ? settings.TIMESTAMP_LTZ_OUTPUT_FORMAT : settings.TIMESTAMP_TZ_OUTPUT_FORMAT) || settings.TIMESTAMP_OUTPUT_FORMAT;
      return JSON.stringify(formatClock(format, zonedClock((value as DuckDBTimestampTZValue).micros, settings.TIMEZONE)));
    }
    case 'BINARY': {
      const bytes = Buffer.from((value as DuckDBBlobValue).bytes);
      const format = settings.BINARY_OUTPUT_FORMAT.toUpperCase();
      if (format === 'HEX') return JSON.stringify(bytes.toString('hex').toUpperCase());
      if (format === 'BASE64') return JSON.stringify(bytes.toString('base64'));
      throw unsupported(`BINARY_OUTPUT_FORMAT '${settings.BINARY_OUTPUT_FORMAT}'`);
    }
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      // A semi-structured value inside is JSON text already.
      return String(value);
    default:
      throw unsupported(`a ${t.name} inside a structured type`);
  }
}

/** A NUMBER or VARCHAR scalar's text (a number keeps all its digits). */
function scalarText(value: DuckDBValue): string {
  if (value instanceof DuckDBDecimalValue) return value.toString();
  return String(value);
}

// Snowflake value types as the translator tracks them, and the DuckDB spelling of each. The translator
// needs a type for an expression wherever Snowflake and DuckDB disagree (integer division, casts out
// of VARIANT, comparisons between VARIANT and scalars), so types are canonicalised here once.
import type { DataType } from './ast.js';
import { unsupported } from './parser.js';

const INTEGER_NAMES = new Set(['INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'BYTEINT']);
const NUMBER_NAMES = new Set(['NUMBER', 'DECIMAL', 'NUMERIC', 'DEC']);
const FLOAT_NAMES = new Set(['FLOAT', 'FLOAT4', 'FLOAT8', 'DOUBLE', 'REAL']);
const TEXT_NAMES = new Set(['VARCHAR', 'STRING', 'TEXT', 'NVARCHAR', 'NVARCHAR2', 'CHAR', 'CHARACTER', 'NCHAR']);

/**
 * The canonical type: NUMBER(p,s), FLOAT, VARCHAR, BOOLEAN, DATE, TIME, TIMESTAMP_NTZ, TIMESTAMP_LTZ,
 * TIMESTAMP_TZ, VARIANT, OBJECT, ARRAY or BINARY.
 */
export function canonical(type: DataType): DataType {
  const name = type.name.toUpperCase();
  if (INTEGER_NAMES.has(name)) return { name: 'NUMBER', args: [38, 0] };
  if (NUMBER_NAMES.has(name)) return { name: 'NUMBER', args: [type.args[0] ?? 38, type.args[1] ?? 0] };
  if (FLOAT_NAMES.has(name) || name === 'DOUBLE PRECISION') return { name: 'FLOAT', args: [] };
  if (TEXT_NAMES.has(name)) return { name: 'VARCHAR', args: type.args.slice(0, 1) };
  if (name === 'TIMESTAMP' || name === 'DATETIME') return { name: 'TIMESTAMP_NTZ', args: type.args };
  if (name === 'VARBINARY') return { name: 'BINARY', args: type.args };
  return { name, args: type.args };
}

export const NUMBER = (p = 38, s = 0): DataType => ({ name: 'NUMBER', args: [p, s] });
export const FLOAT: DataType = { name: 'FLOAT', args: [] };
export const VARCHAR: DataType = { name: 'VARCHAR', args: [] };
export const BOOLEAN: DataType = { name: 'BOOLEAN', args: [] };
export const DATE: DataType = { name: 'DATE', args: [] };
export const TIME: DataType = { name: 'TIME', args: [] };
export const TIMESTAMP_NTZ: DataType = { name: 'TIMESTAMP_NTZ', args: [] };
export const TIMESTAMP_LTZ: DataType = { name: 'TIMESTAMP_LTZ', args: [] };
export const VARIANT: DataType = { name: 'VARIANT', args: [] };
export const ARRAY: DataType = { name: 'ARRAY', args: [] };
export const OBJECT: DataType = { name: 'OBJECT', args: [] };

export const isFixed = (t?: DataType) => t?.name === 'NUMBER';
export const isNumeric = (t?: DataType) => t?.name === 'NUMBER' || t?.name === 'FLOAT';
export const isText = (t?: DataType) => t?.name === 'VARCHAR';
export const isSemi = (t?: DataType) => t?.name === 'VARIANT' || t?.name === 'OBJECT' || t?.name === 'ARRAY';
export const isTemporal = (t?: DataType) => t?.name === 'DATE' || t?.name.startsWith('TIMESTAMP') === true;
export const scaleOf = (t?: DataType) => (t?.name === 'NUMBER' ? (t.args[1] ?? 0) : 0);

/** The DuckDB type that holds a Snowflake type (VARIANT/OBJECT/ARRAY are JSON). */
export function duckType(type: DataType): string {
  const t = canonical(type);
  switch (t.name) {
    case 'NUMBER':
      return `DECIMAL(${t.args[0]},${t.args[1]})`;
    case 'FLOAT':
      return 'DOUBLE';
    case 'VARCHAR':
      return 'VARCHAR';
    case 'BOOLEAN':
      return 'BOOLEAN';
    case 'DATE':
      return 'DATE';
    case 'TIME':
      return 'TIME';
    case 'TIMESTAMP_NTZ':
      return 'TIMESTAMP';
    case 'TIMESTAMP_LTZ':
    case 'TIMESTAMP_TZ':
      return 'TIMESTAMPTZ';
    case 'VARIANT':
    case 'OBJECT':
    case 'ARRAY':
      return 'JSON';
    case 'BINARY':
      return 'BLOB';
    default:
      throw unsupported(`data type ${t.name}`);
  }
}

/** Snowflake's text of a type, for messages (NUMBER(38,0), VARCHAR, …). */
export function typeText(type: DataType): string {
  const t = canonical(type);
  return t.args.length ? `${t.name}(${t.args.join(',')})` : t.name;
}

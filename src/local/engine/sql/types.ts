// Snowflake value types as the translator tracks them, and the DuckDB spelling of each. The translator
// needs a type for an expression wherever Snowflake and DuckDB disagree (integer division, casts out
// of VARIANT, comparisons between VARIANT and scalars), so types are canonicalised here once.
import type { DataType } from './ast.js';
import { SqlError } from '../../errors.js';
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
  if (isStructured(type)) return canonicalStructured(type);
  const name = type.name.toUpperCase();
  if (INTEGER_NAMES.has(name)) return { name: 'NUMBER', args: [38, 0] };
  if (NUMBER_NAMES.has(name)) return { name: 'NUMBER', args: [type.args[0] ?? 38, type.args[1] ?? 0] };
  if (FLOAT_NAMES.has(name) || name === 'DOUBLE PRECISION') return { name: 'FLOAT', args: [] };
  if (TEXT_NAMES.has(name)) return { name: 'VARCHAR', args: type.args.slice(0, 1) };
  if (name === 'TIMESTAMP' || name === 'DATETIME') return { name: 'TIMESTAMP_NTZ', args: type.args };
  if (name === 'VARBINARY') return { name: 'BINARY', args: type.args };
  return { name, args: type.args };
}

/** A structured ARRAY(T), OBJECT(k T, …) or MAP(K, V) (not the semi-structured ARRAY and OBJECT). */
export const isStructured = (t?: DataType): boolean => !!t && (t.fields !== undefined || t.element !== undefined || t.key !== undefined);

function canonicalStructured(t: DataType): DataType {
  const keep = (x: DataType): DataType => (x.notNull ? { ...canonical(x), notNull: true } : canonical(x));
  if (t.fields) return { name: 'OBJECT', args: [], fields: t.fields.map((f) => ({ name: f.name, type: keep(f.type) })) };
  if (t.element) return { name: 'ARRAY', args: [], element: keep(t.element) };
  const key = canonical(t.key!);
  // A MAP's key is VARCHAR or NUMBER with scale 0 (https://docs.snowflake.com/en/sql-reference/data-types-structured).
  if (!(key.name === 'VARCHAR' || (key.name === 'NUMBER' && key.args[1] === 0)))
    throw new SqlError('002040', '0A000', `SQL compilation error:\nUnsupported data type '${typeText(key)}' for a MAP key.`); // number unverified
  return { name: 'MAP', args: [], key, value: keep(t.value!) };
}

export const NUMBER = (p = 38, s = 0): DataType => ({ name: 'NUMBER', args: [p, s] });
export const FLOAT: DataType = { name: 'FLOAT', args: [] };
export const VARCHAR: DataType = { name: 'VARCHAR', args: [] };
export const BOOLEAN: DataType = { name: 'BOOLEAN', args: [] };
export const DATE: DataType = { name: 'DATE', args: [] };
export const TIME: DataType = { name: 'TIME', args: [] };
export const TIMESTAMP_NTZ: DataType = { name: 'TIMESTAMP_NTZ', args: [] };
export const TIMESTAMP_LTZ: DataType = { name: 'TIMESTAMP_LTZ', args: [] };
export const TIMESTAMP_TZ: DataType = { name: 'TIMESTAMP_TZ', args: [] };
export const BINARY: DataType = { name: 'BINARY', args: [] };
export const VARIANT: DataType = { name: 'VARIANT', args: [] };
export const ARRAY: DataType = { name: 'ARRAY', args: [] };
export const OBJECT: DataType = { name: 'OBJECT', args: [] };

export const isFixed = (t?: DataType) => t?.name === 'NUMBER';
export const isNumeric = (t?: DataType) => t?.name === 'NUMBER' || t?.name === 'FLOAT';
export const isText = (t?: DataType) => t?.name === 'VARCHAR';
export const isSemi = (t?: DataType) => (t?.name === 'VARIANT' || t?.name === 'OBJECT' || t?.name === 'ARRAY') && !isStructured(t);
export const isTemporal = (t?: DataType) => t?.name === 'DATE' || t?.name.startsWith('TIMESTAMP') === true;
export const scaleOf = (t?: DataType) => (t?.name === 'NUMBER' ? (t.args[1] ?? 0) : 0);

/** The DuckDB type that holds a Snowflake type (VARIANT/OBJECT/ARRAY are JSON). */
export function duckType(type: DataType): string {
  const t = canonical(type);
  // Structured types are DuckDB's own nested types: STRUCT keeps the declared key order.
  if (t.fields) return `STRUCT(${t.fields.map((f) => `${quoteName(f.name)} ${duckType(f.type)}`).join(', ')})`;
  if (t.element) return `${duckType(t.element)}[]`;
  if (t.key) return `MAP(${duckType(t.key)}, ${duckType(t.value!)})`;
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

/** Snowflake's text of a type, for messages (NUMBER(38,0), VARCHAR, ARRAY(NUMBER(38,0)), …). */
export function typeText(type: DataType): string {
  const t = canonical(type);
  return structuredText(t, typeText) ?? (t.args.length ? `${t.name}(${t.args.join(',')})` : t.name);
}

/**
 * The text of a structured type with `leaf` spelling the types inside it (each with NOT NULL when
 * it has it); undefined for any other type.
 */
export function structuredText(t: DataType, leaf: (t: DataType) => string): string | undefined {
  const inner = (x: DataType) => `${leaf(x)}${x.notNull ? ' NOT NULL' : ''}`;
  if (t.fields) return `OBJECT(${t.fields.map((f) => `${keyText(f.name)} ${inner(f.type)}`).join(', ')})`;
  if (t.element) return `ARRAY(${inner(t.element)})`;
  if (t.key) return `MAP(${leaf(t.key)}, ${inner(t.value!)})`;
  return undefined;
}

/**
 * Two structured types hold the same values when they have the same shape, keys and leaf types:
 * lengths and precisions do not matter (VARCHAR is VARCHAR(16777216)), a NUMBER's scale does.
 */
export function sameStructure(a: DataType, b: DataType): boolean {
  const key = (t: DataType): string => {
    const c = canonical(t);
    return structuredText(c, key) ?? (c.name === 'NUMBER' ? `NUMBER(,${c.args[1] ?? 0})` : c.name);
  };
  return key(a) === key(b);
}

/** An OBJECT key as the type text spells it: bare when it reads back as itself, else "quoted". */
function keyText(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;

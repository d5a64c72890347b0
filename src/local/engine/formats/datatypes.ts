// Snowflake column types: their canonical spelling (as DESCRIBE TABLE shows it) and the DuckDB type
// that stores them.
import { SqlError } from '../../errors.js';
import type { DataType } from '../sql/ast.js';
import { parseDataType } from '../sql/parser.js';
import { canonical, isStructured, structuredText } from '../sql/types.js';

export interface ColumnType {
  /** Canonical Snowflake type text, e.g. NUMBER(38,0), VARCHAR(16777216), TIMESTAMP_NTZ(9). */
  snowflake: string;
  duckdb: string;
  /** The family used by the CSV loader and the key rules. */
  family: 'number' | 'float' | 'text' | 'boolean' | 'date' | 'time' | 'timestamp' | 'variant' | 'binary' | 'structured';
}

const INTEGER_NAMES = new Set(['INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'BYTEINT']);
const NUMBER_NAMES = new Set(['NUMBER', 'DECIMAL', 'NUMERIC', 'DEC']);
const FLOAT_NAMES = new Set(['FLOAT', 'FLOAT4', 'FLOAT8', 'DOUBLE', 'REAL', 'DOUBLE PRECISION']);
const TEXT_NAMES = new Set(['VARCHAR', 'STRING', 'TEXT', 'NVARCHAR', 'NVARCHAR2', 'CHAR VARYING', 'NCHAR VARYING']);
const CHAR_NAMES = new Set(['CHAR', 'CHARACTER', 'NCHAR']);

export function columnType(type: DataType): ColumnType {
  if (isStructured(type)) return structuredColumnType(canonical(type));
  const name = type.name.toUpperCase();
  const [a, b] = type.args;
  if (INTEGER_NAMES.has(name)) return { snowflake: 'NUMBER(38,0)', duckdb: 'DECIMAL(38,0)', family: 'number' };
  if (NUMBER_NAMES.has(name)) {
    const precision = a ?? 38;
    const scale = b ?? 0;
    if (precision < 1 || precision > 38 || scale < 0 || scale > precision)
      throw new SqlError('001003', '42000', `SQL compilation error:\nInvalid precision or scale for type ${name}(${type.args.join(',')})`);
    return { snowflake: `NUMBER(${precision},${scale})`, duckdb: `DECIMAL(${precision},${scale})`, family: 'number' };
  }
  if (FLOAT_NAMES.has(name)) return { snowflake: 'FLOAT', duckdb: 'DOUBLE', family: 'float' };
  if (TEXT_NAMES.has(name)) return { snowflake: `VARCHAR(${a ?? 16777216})`, duckdb: 'VARCHAR', family: 'text' };
  if (CHAR_NAMES.has(name)) return { snowflake: `VARCHAR(${a ?? 1})`, duckdb: 'VARCHAR', family: 'text' };
  if (name === 'BOOLEAN') return { snowflake: 'BOOLEAN', duckdb: 'BOOLEAN', family: 'boolean' };
  if (name === 'DATE') return { snowflake: 'DATE', duckdb: 'DATE', family: 'date' };
  if (name === 'TIME') return { snowflake: `TIME(${a ?? 9})`, duckdb: 'TIME', family: 'time' };
  if (name === 'TIMESTAMP' || name === 'TIMESTAMP_NTZ' || name === 'DATETIME')
    return { snowflake: `TIMESTAMP_NTZ(${a ?? 9})`, duckdb: 'TIMESTAMP', family: 'timestamp' };
  if (name === 'TIMESTAMP_LTZ' || name === 'TIMESTAMP_TZ')
    return { snowflake: `${name}(${a ?? 9})`, duckdb: 'TIMESTAMPTZ', family: 'timestamp' };
  if (name === 'VARIANT' || name === 'OBJECT' || name === 'ARRAY') return { snowflake: name, duckdb: 'JSON', family: 'variant' };
  if (name === 'BINARY' || name === 'VARBINARY') return { snowflake: `BINARY(${a ?? 8388608})`, duckdb: 'BLOB', family: 'binary' };
  throw new SqlError('002040', '0A000', `SQL compilation error:\nUnsupported data type '${name}'.`);
}

/**
 * A structured type's text as DESCRIBE shows it, every type inside in its canonical spelling
 * (OBJECT(city VARCHAR(16777216), zip NUMBER(38,0))), and DuckDB's nested type that stores it.
 */
function structuredColumnType(t: DataType): ColumnType {
  const snowflake = structuredText(t, (inner) => columnType(inner).snowflake)!;
  const duckdb = t.fields
    ? `STRUCT(${t.fields.map((f) => `"${f.name.replace(/"/g, '""')}" ${columnType(f.type).duckdb}`).join(', ')})`
    : t.element
      ? `${columnType(t.element).duckdb}[]`
      : `MAP(${columnType(t.key!).duckdb}, ${columnType(t.value!).duckdb})`;
  return { snowflake, duckdb, family: 'structured' };
}

/** A stored column's type from its canonical Snowflake type text (the catalog keeps the text). */
export function typeOfText(snowflakeType: string): DataType {
  if (/^(OBJECT|ARRAY|MAP)\(/.test(snowflakeType)) return parseDataType(snowflakeType);
  const match = /^([A-Z_]+)(?:\((\d+)(?:,(\d+))?\))?$/.exec(snowflakeType);
  if (!match) return { name: snowflakeType, args: [] };
  return { name: match[1]!, args: [match[2], match[3]].filter((x): x is string => x !== undefined).map(Number) };
}

/** The family of a stored column from its canonical Snowflake type text. */
export function familyOf(snowflakeType: string): ColumnType['family'] {
  return columnType(typeOfText(snowflakeType)).family;
}

/** DuckDB type of a stored column from its canonical Snowflake type text. */
export function duckdbTypeOf(snowflakeType: string): string {
  if (!/^[A-Z_]+(\(|$)/.test(snowflakeType)) return 'VARCHAR';
  return columnType(typeOfText(snowflakeType)).duckdb;
}

/** The Snowflake type a DuckDB result column type stands for (CTAS without a column list). */
export function snowflakeTypeOfDuckdb(duckdbType: string, alias?: string): string {
  if (alias === 'JSON') return 'VARIANT';
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(duckdbType);
  if (decimal) return `NUMBER(${decimal[1]},${decimal[2]})`;
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT)$/.test(duckdbType)) return 'NUMBER(38,0)';
  if (duckdbType === 'DOUBLE' || duckdbType === 'FLOAT') return 'FLOAT';
  if (duckdbType === 'BOOLEAN') return 'BOOLEAN';
  if (duckdbType === 'DATE') return 'DATE';
  if (duckdbType === 'TIME') return 'TIME(9)';
  if (duckdbType.startsWith('TIMESTAMP WITH')) return 'TIMESTAMP_LTZ(9)';
  if (duckdbType.startsWith('TIMESTAMP')) return 'TIMESTAMP_NTZ(9)';
  if (duckdbType === 'BLOB') return 'BINARY(8388608)';
  if (duckdbType.endsWith('[]')) return 'ARRAY';
  if (duckdbType.startsWith('STRUCT') || duckdbType.startsWith('MAP')) return 'OBJECT';
  return 'VARCHAR(16777216)';
}

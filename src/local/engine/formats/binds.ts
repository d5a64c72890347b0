// Driver binds (typed strings) as DuckDB parameters of the matching type.
import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DOUBLE,
  DuckDBTimestampValue,
  HUGEINT,
  TIMESTAMP,
  VARCHAR,
  DATE,
  DuckDBBlobValue,
  DuckDBDateValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { SqlError } from '../../errors.js';
import type { Bind } from '../types.js';

export interface BoundParameters {
  values: DuckDBValue[];
  types: DuckDBType[];
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** One row of parameters; array binds (one array per column) are split by bindRows. */
export function bindParameters(binds: readonly Bind[], row = 0): BoundParameters {
  const values: DuckDBValue[] = [];
  const types: DuckDBType[] = [];
  for (const bind of binds) {
    const raw = Array.isArray(bind.value) ? (bind.value[row] ?? null) : bind.value;
    const [value, type] = convert(bind.type, raw);
    values.push(value);
    types.push(type);
  }
  return { values, types };
}

/** Number of rows an array bind carries (1 for plain binds). */
export function bindRowCount(binds: readonly Bind[]): number {
  const arrays = binds.filter((b) => Array.isArray(b.value));
  return arrays.length === 0 ? 1 : Math.max(...arrays.map((b) => (b.value as unknown[]).length));
}

function convert(type: string, value: string | null): [DuckDBValue, DuckDBType] {
  const upper = type.toUpperCase();
  if (upper === 'FIXED') {
    if (value === null) return [null, BIGINT];
    const trimmed = value.trim();
    if (/^[+-]?\d+$/.test(trimmed)) {
      const n = BigInt(trimmed);
      return n >= INT64_MIN && n <= INT64_MAX ? [n, BIGINT] : [n, HUGEINT];
    }
    return [numberOrFail(trimmed, value), DOUBLE];
  }
  if (upper === 'REAL') return [value === null ? null : numberOrFail(value.trim(), value), DOUBLE];
  if (upper === 'BOOLEAN') return [value === null ? null : /^(true|1|t|yes|y|on)$/i.test(value.trim()), BOOLEAN];
  // VARIANT binds are JSON text; the translator casts them where a VARIANT is needed.
  if (upper === 'VARIANT' || upper === 'OBJECT' || upper === 'ARRAY') return [value, VARCHAR];
  if (upper.startsWith('TIMESTAMP')) return [value === null ? null : timestampOf(value), TIMESTAMP];
  if (upper === 'DATE') return [value === null ? null : dateOf(value), DATE];
  if (upper === 'BINARY') return [value === null ? null : blobOf(value), BLOB];
  return [value, VARCHAR];
}

function numberOrFail(text: string, original: string): number {
  const n = Number(text);
  if (text === '' || Number.isNaN(n)) throw new SqlError('100038', '22018', `Numeric value '${original}' is not recognized`);
  return n;
}

/** The driver sends timestamps as epoch nanoseconds, or as text. */
function timestampOf(value: string): DuckDBTimestampValue {
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return new DuckDBTimestampValue(BigInt(text) / 1000n);
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text.replace(' ', 'T')}Z`);
  if (Number.isNaN(ms)) throw new SqlError('100035', '22007', `Timestamp '${value}' is not recognized`);
  return new DuckDBTimestampValue(BigInt(ms) * 1000n);
}

/** The driver sends a Buffer as its hex text, typed BINARY: the bytes are what it encodes. */
function blobOf(hex: string): DuckDBBlobValue {
  if (!/^([0-9A-Fa-f]{2})*$/.test(hex)) throw new SqlError('100115', '22000', `The following string is not a legal hex-encoded value: '${hex}'`);
  return new DuckDBBlobValue(Buffer.from(hex, 'hex'));
}

/** Dates arrive as epoch milliseconds, or as text. */
function dateOf(value: string): DuckDBDateValue {
  const text = value.trim();
  const ms = /^-?\d+$/.test(text) ? Number(text) : Date.parse(`${text.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new SqlError('100040', '22007', `Date '${value}' is not recognized`);
  return new DuckDBDateValue(Math.floor(ms / 86_400_000));
}

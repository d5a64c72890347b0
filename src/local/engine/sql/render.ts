// Small DuckDB SQL text builders shared by the translator and the function table: quoting, literals,
// and the conversions that differ between Snowflake and DuckDB (casts into and out of VARIANT, which
// DuckDB holds as JSON text). Every piece of user text reaches SQL through quoteIdent or sqlString.
import { SqlError } from '../../errors.js';
import type { DataType } from './ast.js';
import { castToStructured } from './structured.js';
import { canonical, duckType, isSemi, isStructured, isTemporal, sameStructure, scaleOf, typeText, VARCHAR } from './types.js';
import { unsupported } from './parser.js';

/** An expression's DuckDB text and, when known, its Snowflake type. */
export interface Typed {
  sql: string;
  type?: DataType;
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** A JSON path for DuckDB's json_extract: $."a"."b"[0]. */
export function jsonPathLiteral(steps: Array<{ kind: 'field'; name: string } | { kind: 'index'; index: number }>): string {
  return (
    '$' +
    steps
      .map((s) => (s.kind === 'field' ? `."${s.name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : `[${s.index}]`))
      .join('')
  );
}

/** The value as Snowflake's implicit VARCHAR conversion would give it. */
export function asText(e: Typed): string {
  if (isStructured(e.type)) throw unsupported(`${typeText(e.type!)} as text`);
  if (!e.type || e.type.name === 'VARCHAR') return e.sql;
  if (isSemi(e.type)) return `json_extract_string(${e.sql}, '$')`;
  // Snowflake prints FLOAT with up to 15 significant digits: 0.1 + 0.2 → '0.3', 4.0 → '4'
  if (e.type.name === 'FLOAT') return `CASE WHEN isnan(${e.sql}) THEN 'NaN' ELSE printf('%.15g', ${e.sql}) END`;
  // TIMESTAMP_NTZ_OUTPUT_FORMAT and TIMESTAMP_OUTPUT_FORMAT's defaults; LTZ and TZ in the session's zone.
  if (e.type.name === 'TIMESTAMP_NTZ') return `strftime(${e.sql}, '%Y-%m-%d %H:%M:%S.%g')`;
  if (e.type.name === 'TIMESTAMP_LTZ' || e.type.name === 'TIMESTAMP_TZ') return `(strftime(${e.sql}, '%Y-%m-%d %H:%M:%S.%g ') || papi_tzhtzm(${e.sql}))`;
  // BINARY_OUTPUT_FORMAT HEX (the default): upper-case hex digits, not DuckDB's '\xAB' escapes.
  if (e.type.name === 'BINARY') return `hex(${e.sql})`;
  return `CAST(${e.sql} AS VARCHAR)`;
}

/** The value as a JSON (VARIANT) expression. */
export function asJson(e: Typed): string {
  if (isSemi(e.type)) return e.sql;
  if (isStructured(e.type)) throw unsupported(`${typeText(e.type!)} as a semi-structured value`);
  if (e.type?.name === 'TIMESTAMP_NTZ') return `to_json(strftime(${e.sql}, '%Y-%m-%d %H:%M:%S.%g'))`;
  // A BINARY in a VARIANT is its hex text, as Snowflake shows it (and reads it back).
  if (e.type?.name === 'BINARY') return `to_json(hex(${e.sql}))`;
  return `to_json(${e.sql})`;
}

/**
 * CAST / TRY_CAST with Snowflake's meaning: out of VARIANT through the JSON scalar's text, into VARIANT
 * as a JSON value, numbers from epoch seconds into timestamps.
 */
export function castTo(e: Typed, target: DataType, tryCast = false): Typed {
  const to = canonical(target);
  const cast = tryCast ? 'TRY_CAST' : 'CAST';
  const from = e.type ? canonical(e.type) : undefined;
  if (isStructured(to)) return castToStructured(e, to, tryCast, (value, leaf) => castTo(value, leaf, tryCast));
  if (isStructured(from)) throw unsupported(`cast from ${typeText(from!)} to ${typeText(to)}`);
  if (isSemi(to)) {
    if (isSemi(from)) return { sql: e.sql, type: to };
    if (!from) return { sql: `${cast}(${e.sql} AS JSON)`, type: to };
    return { sql: asJson(e), type: to };
  }
  if (to.name === 'VARCHAR') return { sql: asText(e), type: to };
  if (to.name === 'BINARY' && (!from || from.name === 'VARCHAR')) return { sql: hexToBinary(e.sql, tryCast), type: to };
  if (to.name === 'BINARY' && isSemi(from)) return { sql: hexToBinary(`json_extract_string(${e.sql}, '$')`, tryCast), type: to };
  const toTimestamp = to.name === 'TIMESTAMP_NTZ' || to.name === 'TIMESTAMP_LTZ' || to.name === 'TIMESTAMP_TZ';
  if (toTimestamp && isSemi(from)) return { sql: textToTimestamp(`json_extract_string(${e.sql}, '$')`, to.name, tryCast), type: to };
  if (isSemi(from)) return { sql: `${cast}(json_extract_string(${e.sql}, '$') AS ${duckType(to)})`, type: to };
  // Epoch numbers count UTC: an LTZ or TZ of one is that instant.
  const instant = (ntz: string) => (to.name === 'TIMESTAMP_NTZ' ? ntz : `timezone('UTC', ${ntz})`);
  if (toTimestamp && from?.name === 'NUMBER' && scaleOf(from) === 0) return { sql: instant(epochTimestamp(e.sql, cast)), type: to };
  if (toTimestamp && (from?.name === 'NUMBER' || from?.name === 'FLOAT')) return { sql: instant(`make_timestamp(${cast}(${e.sql} * 1000000 AS BIGINT))`), type: to };
  if (toTimestamp && from?.name === 'VARCHAR') return { sql: textToTimestamp(e.sql, to.name, tryCast), type: to };
  if (from && typeKey(from) === typeKey(to)) return { sql: e.sql, type: to };
  return { sql: `${cast}(${e.sql} AS ${duckType(to)})`, type: to };
}

/**
 * Text to BINARY the way Snowflake reads it with the default BINARY_INPUT_FORMAT (HEX): pairs of hex
 * digits, one byte each ('ffff00' is three bytes), never the text's own bytes. Anything else is an
 * error (NULL for TRY_CAST). https://docs.snowflake.com/en/sql-reference/binary-input-output
 */
function hexToBinary(sql: string, tryCast: boolean): string {
  const text = `CAST(${sql} AS VARCHAR)`;
  const invalid = tryCast ? 'NULL' : `error('${NOT_HEX} ' || ${text})`;
  return `CASE WHEN ${sql} IS NULL THEN NULL WHEN regexp_full_match(${text}, '([0-9A-Fa-f]{2})*') THEN unhex(${text}) ELSE ${invalid} END`;
}

/** The marker of hexToBinary's error, turned into Snowflake's message by formats/messages.ts. */
export const NOT_HEX = 'papi-local: not hex:';

/**
 * Text to a timestamp as Snowflake's AUTO input reads it
 * (https://docs.snowflake.com/en/sql-reference/date-time-input-output#supported-formats-for-auto-detection):
 * an integer counts epoch seconds, ms, µs or ns; else the ISO forms (a 'T' or a space between date
 * and time, a trailing Z or ±HH[[:]MM]) and the RFC forms ('Thu, 21 Jan 2016 06:32:44 -0800').
 * NTZ keeps the wall time and ignores an offset; LTZ reads a wall time without offset in the session's
 * TIMEZONE (DuckDB's TimeZone follows it). papi local keeps a TIMESTAMP_TZ as its instant shown in the
 * session's zone, so a TZ text whose offset is not the session zone's there is refused, not shifted.
 */
function textToTimestamp(sql: string, to: string, tryCast: boolean): string {
  const t = `trim(CAST(${sql} AS VARCHAR))`;
  const fail = (marker: string) => (tryCast ? 'NULL' : `error('${marker} ' || ${t})`);
  const wall = `COALESCE(papi_ts_wall(${t}), ${fail(NOT_TIMESTAMP)})`;
  const epoch = `regexp_full_match(${t}, '-?[0-9]+')`;
  const epochValue = epochTimestamp(t, tryCast ? 'TRY_CAST' : 'CAST');
  if (to === 'TIMESTAMP_NTZ') return `CASE WHEN ${sql} IS NULL THEN NULL WHEN ${epoch} THEN ${epochValue} ELSE ${wall} END`;
  const zone = `papi_ts_zone(${t})`;
  const ltz = `CASE WHEN ${zone} = '' THEN CAST(${wall} AS TIMESTAMPTZ) ELSE timezone('UTC', ${wall} - to_minutes(papi_ts_offset(${zone}))) END`;
  const value = `CASE WHEN ${sql} IS NULL THEN NULL WHEN ${epoch} THEN timezone('UTC', ${epochValue}) ELSE ${ltz} END`;
  if (to === 'TIMESTAMP_LTZ') return value;
  return `CASE WHEN ${zone} NOT IN ('', 'Z') AND papi_ts_offset(${zone}) * 60 <> date_part('timezone', ${value}) OR ${zone} = 'Z' AND date_part('timezone', ${value}) <> 0 THEN ${tryCast ? 'NULL' : `error('${TZ_OFFSET} ' || ${t})`} ELSE ${value} END`;
}

/** Markers of textToTimestamp's errors, turned into Snowflake's messages by formats/messages.ts. */
export const NOT_TIMESTAMP = 'papi-local: not a timestamp:';
export const TZ_OFFSET = 'papi-local: TIMESTAMP_TZ offset other than the session time zone:';

/**
 * Macros made on each DuckDB connection: a TIMESTAMPTZ's offset as TZHTZM (-0800); for
 * textToTimestamp, the trailing zone of a timestamp text ('' when none), its offset in minutes, and
 * the wall time before it (NULL when no AUTO form fits).
 */
export const TIMESTAMP_MACROS = [
  `CREATE OR REPLACE TEMP MACRO papi_tzhtzm(x) AS CASE WHEN date_part('timezone', x) < 0 THEN '-' ELSE '+' END || lpad(CAST(abs(date_part('timezone', x)) // 3600 AS VARCHAR), 2, '0') || lpad(CAST(abs(date_part('timezone', x)) % 3600 // 60 AS VARCHAR), 2, '0')`,
  `CREATE OR REPLACE TEMP MACRO papi_ts_zone(t) AS regexp_extract(t, ':[0-9]{2}(?:[.][0-9]+)?\\s*(Z|[+-][0-9]{2}(?::?[0-9]{2})?)$', 1)`,
  `CREATE OR REPLACE TEMP MACRO papi_ts_offset(z) AS CASE WHEN z = 'Z' THEN 0 ELSE (CASE WHEN left(z, 1) = '-' THEN -1 ELSE 1 END) * (CAST(substr(replace(z, ':', ''), 2, 2) AS INTEGER) * 60 + COALESCE(TRY_CAST(substr(replace(z, ':', ''), 4, 2) AS INTEGER), 0)) END`,
  `CREATE OR REPLACE TEMP MACRO papi_ts_wall(t) AS COALESCE(TRY_CAST(rtrim(left(t, length(t) - length(papi_ts_zone(t)))) AS TIMESTAMP), try_strptime(rtrim(left(t, length(t) - length(papi_ts_zone(t)))), ['%a, %d %b %Y %H:%M:%S', '%a, %d %b %Y %H:%M:%S.%f', '%a, %d %b %Y %I:%M:%S %p', '%a, %d %b %Y %I:%M:%S.%f %p', '%m/%d/%Y %H:%M:%S', '%d-%b-%Y %H:%M:%S', '%d-%b-%Y', '%m/%d/%Y']))`,
];

/** Snowflake reads an integer as seconds, milliseconds, microseconds or nanoseconds by its size. */
function epochTimestamp(sql: string, cast: string): string {
  const n = `${cast}(${sql} AS HUGEINT)`;
  const micros = `CASE WHEN abs(${n}) < 31536000000 THEN ${n} * 1000000 WHEN abs(${n}) < 31536000000000 THEN ${n} * 1000 WHEN abs(${n}) < 31536000000000000 THEN ${n} ELSE ${n} // 1000 END`;
  return `make_timestamp(CAST(${micros} AS BIGINT))`;
}

const typeKey = (t: DataType) => `${t.name}(${t.args.join(',')})`;

/** Conversion of a value into a column of `target` on INSERT/UPDATE (only where DuckDB would differ). */
export function assignTo(e: Typed, target: DataType): string {
  const to = canonical(target);
  if (isStructured(to) || isStructured(e.type)) return assignStructured(e, to);
  if (!e.type) return e.sql;
  const from = canonical(e.type);
  const textToTimestamp = from.name === 'VARCHAR' && to.name.startsWith('TIMESTAMP');
  if (isSemi(to) || isSemi(from) || (to.name === 'VARCHAR' && isTemporal(from)) || (to.name === 'BINARY' && from.name === 'VARCHAR') || textToTimestamp)
    return castTo(e, to).sql;
  return e.sql;
}

/**
 * A structured column takes a value of its own type or NULL; anything else needs an explicit cast
 * (Snowflake: "Expression type does not match column data type").
 */
function assignStructured(e: Typed, to: DataType): string {
  if (e.sql === 'NULL') return `CAST(NULL AS ${duckType(to)})`;
  const from = e.type ? canonical(e.type) : undefined;
  if (from && isStructured(from) && sameStructure(from, to)) return duckType(from) === duckType(to) ? e.sql : `CAST(${e.sql} AS ${duckType(to)})`;
  throw new SqlError('002023', '22000', `SQL compilation error:\nExpression type does not match column data type, expecting ${typeText(to)} but got ${from ? typeText(from) : 'an untyped value'}`); // number unverified
}

export const text = (sql: string): Typed => ({ sql, type: VARCHAR });

/** Calls `visit` for each bind ($n) of a translated statement, outside its quoted strings and names. */
function scanBinds(sql: string, visit: (n: number, start: number, end: number) => void): void {
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    // A quote inside a string or name is doubled ('it''s'): the scan resumes after the closing one either way.
    if (ch === "'" || ch === '"') for (i++; i < sql.length && sql[i] !== ch; i++);
    else if (ch === '$') {
      const digits = /^\d+/.exec(sql.slice(i + 1));
      if (!digits) continue;
      visit(Number(digits[0]), i, i + 1 + digits[0].length);
      i += digits[0].length;
    }
  }
}

/** The bind numbers a translated statement uses, ascending. */
export function bindIndexes(sql: string): number[] {
  const used = new Set<number>();
  scanBinds(sql, (n) => used.add(n));
  return [...used].sort((a, b) => a - b);
}

/**
 * DuckDB numbers a prepared statement's parameters densely, so a statement using only $2 (VALUES (:2, 3))
 * has one parameter: the statement with its binds renumbered 1…k, and the request's bind number each takes.
 */
export function denseBinds(sql: string): { sql: string; used: number[] } {
  const used = bindIndexes(sql);
  if (used.every((n, i) => n === i + 1)) return { sql, used };
  const rank = new Map(used.map((n, i) => [n, i + 1]));
  let renumbered = '';
  let last = 0;
  scanBinds(sql, (n, start, end) => {
    renumbered += `${sql.slice(last, start)}$${rank.get(n)}`;
    last = end;
  });
  return { sql: renumbered + sql.slice(last), used };
}

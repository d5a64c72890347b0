// The Snowflake → DuckDB function table: one small entry per Snowflake function papi local supports,
// each saying how many arguments it takes and the DuckDB expression it becomes. Anything not listed is
// Snowflake's "Unknown function" error rather than a DuckDB function that happens to share the name.
import { SqlError } from '../../errors.js';
import type { DataType, FunctionCall } from './ast.js';
import { unsupported } from './parser.js';
import { relaxedJson, RelaxedJsonError } from './relaxed-json.js';
import { asJson, asText, castTo, sqlString, type Typed } from './render.js';
import {
  ARRAY,
  BINARY,
  BOOLEAN,
  canonical,
  DATE,
  FLOAT,
  isFixed,
  isSemi,
  NUMBER,
  OBJECT,
  scaleOf,
  TIME,
  TIMESTAMP_LTZ,
  TIMESTAMP_NTZ,
  TIMESTAMP_TZ,
  VARCHAR,
  VARIANT,
} from './types.js';

/** Session values the CURRENT_…() functions return. */
export interface SessionValues {
  role?: string;
  user?: string;
  database?: string;
  schema?: string;
  warehouse?: string;
  account?: string;
  accountLocator?: string;
  region?: string;
  version?: string;
}

function formatUnsupported(name: string): never {
  throw unsupported(`${name} with a format argument`);
}

export interface CallContext {
  call: FunctionCall;
  /** Positional arguments, translated (for date-part functions the part is in `part` instead). */
  args: Typed[];
  /** Named arguments (`input => …`), translated, keyed upper case. */
  named: Record<string, Typed>;
  /** Normalised date part (DAY, MONTH, …) for DATEADD, DATEDIFF, DATE_TRUNC, DATE_PART. */
  part?: string;
  /** 'DISTINCT ' or ''. */
  distinct: string;
  /** ' ORDER BY …' from WITHIN GROUP, or ''. */
  withinGroup: string;
  /** ' OVER (…)' or ''. */
  over: string;
  session: SessionValues;
}

interface FunctionDef {
  min: number;
  max: number;
  render: (c: CallContext) => Typed;
  /** The first argument is a date part keyword (DAY, 'month', …), not an expression. */
  datePart?: boolean;
  /** Aggregate or window function: OVER (…) is appended unless the entry places it itself. */
  aggregate?: boolean;
  placesOver?: boolean;
}

const A = (c: CallContext, i: number) => c.args[i]!;
const list = (c: CallContext) => c.args.map((a) => a.sql).join(', ');
const sessionValue = (v: string | undefined): Typed => ({ sql: v === undefined ? 'CAST(NULL AS VARCHAR)' : sqlString(v), type: VARCHAR });
const fn = (name: string, type?: DataType) => (c: CallContext): Typed => ({ sql: `${name}(${list(c)})`, type });
const textFn = (name: string, type: DataType = VARCHAR) => (c: CallContext): Typed => ({
  sql: `${name}(${c.args.map((a, i) => (i === 0 ? asText(a) : a.sql)).join(', ')})`,
  type,
});
/**
 * TO_TIME of text: Snowflake keeps nine fraction digits, DuckDB's TIME six, so the text's fraction is
 * cut to microseconds first (https://docs.snowflake.com/en/sql-reference/functions/to_time).
 */
const timeOf = (c: CallContext, tryCast = false): Typed => {
  if (c.args.length > 1) throw unsupported('TO_TIME with a format');
  const x = A(c, 0);
  if (x.type && x.type.name !== 'VARCHAR') return castTo(x, TIME, tryCast);
  return castTo({ sql: `regexp_replace(${x.sql}, '(\\.\\d{6})\\d+', '\\1')`, type: VARCHAR }, TIME, tryCast);
};

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** LENGTH counts characters of text and bytes of BINARY (https://docs.snowflake.com/en/sql-reference/functions/length). */
const lengthOf = (c: CallContext): Typed =>
  A(c, 0).type?.name === 'BINARY' ? { sql: `octet_length(${A(c, 0).sql})`, type: NUMBER(18, 0) } : textFn('length', NUMBER(18, 0))(c);
const sameTypeAs = (name: string, i = 0) => (c: CallContext): Typed => ({ sql: `${name}(${list(c)})`, type: c.args[i]?.type });
/** Snowflake's GREATEST/LEAST are NULL when any argument is; DuckDB's skip NULLs. */
const nullIfAnyNull = (name: string) => (c: CallContext): Typed => ({
  sql: `CASE WHEN ${c.args.map((a) => `${a.sql} IS NULL`).join(' OR ')} THEN NULL ELSE ${name}(${list(c)}) END`,
  type: c.args[0]?.type,
});
/** Division-like scale Snowflake gives averages of NUMBER. */
const avgScale = (t?: DataType) => Math.max(scaleOf(t), Math.min(scaleOf(t) + 6, 12));

function toNumber(tryCast: boolean) {
  return (c: CallContext): Typed => {
    const rest = c.args.slice(1);
    if (rest[0] && rest[0].type?.name === 'VARCHAR') throw unsupported('TO_NUMBER with a format');
    const nums = rest.map((a) => Number(a.sql));
    if (nums.some((n) => !Number.isInteger(n))) throw unsupported('TO_NUMBER with non-literal precision');
    return castTo(A(c, 0), NUMBER(nums[0] ?? 38, nums[1] ?? 0), tryCast);
  };
}

/**
 * PARSE_JSON: DuckDB reads standard JSON; a literal text is read here first, so Snowflake's relaxed
 * forms ({a : 1}, 'single quotes') work, and NaN/Infinity/undefined are refused by name.
 */
function parseJson(c: CallContext, tryParse: boolean): Typed {
  const arg = c.call.args[0]?.value;
  if (arg?.kind === 'string' && arg.value.trim() !== '') {
    try {
      return { sql: `json(${sqlString(relaxedJson(arg.value))})`, type: VARIANT };
    } catch (error) {
      if (error instanceof RelaxedJsonError && error.unsupported) throw unsupported(`${error.message} in PARSE_JSON (papi local stores standard JSON)`);
      if (tryParse) return { sql: 'CAST(NULL AS JSON)', type: VARIANT };
      // A syntax error: DuckDB's reading below reports it when the statement runs.
    }
  }
  const s = asText(A(c, 0));
  return { sql: tryParse ? `CASE WHEN json_valid(${s}) THEN json(NULLIF(${s}, '')) END` : `json(NULLIF(${s}, ''))`, type: VARIANT };
}

function toTimestamp(target: DataType, tryCast: boolean) {
  return (c: CallContext): Typed => {
    if (c.args.length > 1) throw unsupported('TO_TIMESTAMP with a format or scale');
    return castTo(A(c, 0), target, tryCast);
  };
}

/**
 * TO_BINARY(text [, 'HEX' | 'BASE64' | 'UTF-8']): HEX is the default BINARY_INPUT_FORMAT
 * (https://docs.snowflake.com/en/sql-reference/functions/to_binary).
 */
function toBinary(tryCast: boolean) {
  return (c: CallContext): Typed => {
    const formatArg = c.call.args[1]?.value;
    if (formatArg && formatArg.kind !== 'string') throw unsupported('TO_BINARY with a format that is not a literal');
    const format = (formatArg?.kind === 'string' ? formatArg.value : 'HEX').toUpperCase();
    const x = A(c, 0);
    if (format === 'HEX') return castTo(x, BINARY, tryCast);
    if (tryCast) throw unsupported(`TRY_TO_BINARY with format ${format}`);
    if (format === 'BASE64') return { sql: `from_base64(${asText(x)})`, type: BINARY };
    if (format === 'UTF-8' || format === 'UTF8') return { sql: `encode(${asText(x)})`, type: BINARY };
    throw new SqlError('100104', '22023', `Invalid binary format '${formatArg?.kind === 'string' ? formatArg.value : format}'`); // number unverified
  };
}

/** OBJECT_CONSTRUCT: NULL values (and NULL keys) drop their pair; KEEP_NULL keeps values as null. */
function objectConstruct(keepNull: boolean) {
  return (c: CallContext): Typed => {
    if (c.args.length === 1 && c.call.args[0]?.value.kind === 'star') throw unsupported('OBJECT_CONSTRUCT(*)');
    if (c.args.length % 2 !== 0) throw new Error('odd');
    const pairs: Array<{ key: Typed; value: Typed; literal?: string }> = [];
    for (let i = 0; i < c.args.length; i += 2) {
      const keyArg = c.call.args[i]!.value;
      pairs.push({ key: c.args[i]!, value: c.args[i + 1]!, literal: keyArg.kind === 'string' ? keyArg.value : undefined });
    }
    // Snowflake keeps an OBJECT's keys sorted; with literal keys the order is known now.
    if (pairs.every((p) => p.literal !== undefined)) pairs.sort((a, b) => (a.literal! < b.literal! ? -1 : a.literal! > b.literal! ? 1 : 0));
    const parts = pairs.map((p) => {
      const key = p.literal !== undefined ? sqlString(JSON.stringify(p.literal)) : `CAST(to_json(${asText(p.key)}) AS VARCHAR)`;
      const value = `CAST(${asJson(p.value)} AS VARCHAR)`;
      const nullValue = keepNull ? `${key} || ':null'` : 'NULL';
      const keyNull = p.literal !== undefined ? 'FALSE' : `${p.key.sql} IS NULL`;
      return `CASE WHEN ${keyNull} THEN NULL WHEN ${p.value.sql} IS NULL THEN ${nullValue} ELSE ${key} || ':' || ${value} END`;
    });
    if (parts.length === 0) return { sql: `CAST('{}' AS JSON)`, type: OBJECT };
    return { sql: `CAST('{' || concat_ws(',', ${parts.join(', ')}) || '}' AS JSON)`, type: OBJECT };
  };
}

function arrayConstruct(compact: boolean) {
  return (c: CallContext): Typed => {
    if (c.args.length === 0) return { sql: `CAST('[]' AS JSON)`, type: ARRAY };
    const parts = c.args.map((a) => (compact ? `CAST(${asJson(a)} AS VARCHAR)` : `COALESCE(CAST(${asJson(a)} AS VARCHAR), 'null')`));
    return { sql: `CAST('[' || concat_ws(',', ${parts.join(', ')}) || ']' AS JSON)`, type: ARRAY };
  };
}

/** ARRAY_AGG: NULLs skipped, an empty group gives [], order from WITHIN GROUP. */
const arrayAgg = (c: CallContext): Typed => {
  const x = A(c, 0);
  const inner = `list(${c.distinct}${asJson(x)}${c.withinGroup}) FILTER (WHERE ${x.sql} IS NOT NULL)${c.over}`;
  return { sql: `COALESCE(CAST(to_json(${inner}) AS JSON), CAST('[]' AS JSON))`, type: ARRAY };
};

const dateAdd = (c: CallContext): Typed => {
  const n = `CAST(${A(c, 0).sql} AS BIGINT)`;
  const x = A(c, 1);
  const interval: Record<string, string> = {
    YEAR: `to_years(${n})`,
    QUARTER: `to_months(3 * ${n})`,
    MONTH: `to_months(${n})`,
    WEEK: `to_weeks(${n})`,
    DAY: `to_days(${n})`,
    HOUR: `to_hours(${n})`,
    MINUTE: `to_minutes(${n})`,
    SECOND: `to_seconds(${n})`,
    MILLISECOND: `to_milliseconds(${n})`,
    MICROSECOND: `to_microseconds(${n})`,
  };
  const add = interval[c.part!];
  if (!add) throw unsupported(`DATEADD(${c.part})`);
  const type = x.type ? canonical(x.type) : TIMESTAMP_NTZ;
  const base = type.name === 'VARCHAR' ? `CAST(${x.sql} AS TIMESTAMP)` : x.sql;
  const sum = `(${base} + ${add})`;
  if (type.name === 'DATE' && ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY'].includes(c.part!)) return { sql: `CAST(${sum} AS DATE)`, type: DATE };
  return { sql: type.name === 'DATE' ? `CAST(${sum} AS TIMESTAMP)` : sum, type: type.name === 'TIMESTAMP_LTZ' ? TIMESTAMP_LTZ : TIMESTAMP_NTZ };
};

const asTemporal = (e: Typed) => (e.type?.name === 'VARCHAR' ? `CAST(${e.sql} AS TIMESTAMP)` : e.sql);

const dateDiff = (c: CallContext): Typed => ({
  sql: `date_diff(${sqlString(c.part!.toLowerCase())}, ${asTemporal(A(c, 0))}, ${asTemporal(A(c, 1))})`,
  type: NUMBER(18, 0),
});

const datePart = (c: CallContext): Typed => ({ sql: `date_part(${sqlString(c.part!.toLowerCase())}, ${asTemporal(A(c, 0))})`, type: NUMBER(38, 0) });
const partOf = (part: string) => (c: CallContext): Typed => ({ sql: `date_part('${part}', ${asTemporal(A(c, 0))})`, type: NUMBER(38, 0) });

const currentTimestamp: FunctionDef = { min: 0, max: 1, render: () => ({ sql: 'current_timestamp', type: TIMESTAMP_LTZ }) };

export const FUNCTIONS: Record<string, FunctionDef> = {
  // session
  CURRENT_ROLE: { min: 0, max: 0, render: (c) => sessionValue(c.session.role) },
  CURRENT_USER: { min: 0, max: 0, render: (c) => sessionValue(c.session.user) },
  CURRENT_DATABASE: { min: 0, max: 0, render: (c) => sessionValue(c.session.database) },
  CURRENT_SCHEMA: { min: 0, max: 0, render: (c) => sessionValue(c.session.schema) },
  CURRENT_WAREHOUSE: { min: 0, max: 0, render: (c) => sessionValue(c.session.warehouse) },
  CURRENT_ACCOUNT: { min: 0, max: 0, render: (c) => sessionValue(c.session.accountLocator ?? c.session.account) },
  CURRENT_ACCOUNT_NAME: { min: 0, max: 0, render: (c) => sessionValue(c.session.account) },
  CURRENT_ACCOUNT_LOCATOR: { min: 0, max: 0, render: (c) => sessionValue(c.session.accountLocator ?? c.session.account) },
  CURRENT_REGION: { min: 0, max: 0, render: (c) => sessionValue(c.session.region) },
  CURRENT_VERSION: { min: 0, max: 0, render: (c) => sessionValue(c.session.version) },
  // time
  CURRENT_TIMESTAMP: currentTimestamp,
  LOCALTIMESTAMP: currentTimestamp,
  GETDATE: currentTimestamp,
  SYSDATE: { min: 0, max: 0, render: () => ({ sql: `CAST(timezone('UTC', current_timestamp) AS TIMESTAMP)`, type: TIMESTAMP_NTZ }) },
  CURRENT_DATE: { min: 0, max: 0, render: () => ({ sql: 'current_date', type: DATE }) },
  CURRENT_TIME: { min: 0, max: 1, render: () => ({ sql: 'CAST(localtime AS TIME)', type: { name: 'TIME', args: [] } }) },
  LOCALTIME: { min: 0, max: 1, render: () => ({ sql: 'CAST(localtime AS TIME)', type: { name: 'TIME', args: [] } }) },
  DATEADD: { min: 3, max: 3, datePart: true, render: dateAdd },
  TIMESTAMPADD: { min: 3, max: 3, datePart: true, render: dateAdd },
  DATEDIFF: { min: 3, max: 3, datePart: true, render: dateDiff },
  TIMESTAMPDIFF: { min: 3, max: 3, datePart: true, render: dateDiff },
  DATE_TRUNC: {
    min: 2,
    max: 2,
    datePart: true,
    render: (c) => {
      const x = A(c, 0);
      const type = x.type?.name === 'DATE' ? DATE : (x.type ?? TIMESTAMP_NTZ);
      return { sql: `CAST(date_trunc(${sqlString(c.part!.toLowerCase())}, ${asTemporal(x)}) AS ${type.name === 'DATE' ? 'DATE' : type.name === 'TIMESTAMP_NTZ' ? 'TIMESTAMP' : 'TIMESTAMPTZ'})`, type };
    },
  },
  DATE_PART: { min: 2, max: 2, datePart: true, render: datePart },
  EXTRACT: { min: 2, max: 2, datePart: true, render: datePart },
  YEAR: { min: 1, max: 1, render: partOf('year') },
  MONTH: { min: 1, max: 1, render: partOf('month') },
  DAY: { min: 1, max: 1, render: partOf('day') },
  DAYOFMONTH: { min: 1, max: 1, render: partOf('day') },
  DAYOFWEEK: { min: 1, max: 1, render: partOf('dow') },
  DAYOFYEAR: { min: 1, max: 1, render: partOf('doy') },
  QUARTER: { min: 1, max: 1, render: partOf('quarter') },
  HOUR: { min: 1, max: 1, render: partOf('hour') },
  MINUTE: { min: 1, max: 1, render: partOf('minute') },
  SECOND: { min: 1, max: 1, render: partOf('second') },
  // conversion
  // A format argument is valid Snowflake that papi local does not implement: refuse it by name.
  TO_VARCHAR: { min: 1, max: 2, render: (c) => (c.args.length > 1 ? formatUnsupported('TO_VARCHAR') : castTo(A(c, 0), VARCHAR)) },
  TO_CHAR: { min: 1, max: 2, render: (c) => (c.args.length > 1 ? formatUnsupported('TO_CHAR') : castTo(A(c, 0), VARCHAR)) },
  TO_NUMBER: { min: 1, max: 4, render: toNumber(false) },
  TO_DECIMAL: { min: 1, max: 4, render: toNumber(false) },
  TO_NUMERIC: { min: 1, max: 4, render: toNumber(false) },
  TRY_TO_NUMBER: { min: 1, max: 4, render: toNumber(true) },
  TRY_TO_DECIMAL: { min: 1, max: 4, render: toNumber(true) },
  TRY_TO_NUMERIC: { min: 1, max: 4, render: toNumber(true) },
  TO_DOUBLE: { min: 1, max: 1, render: (c) => castTo(A(c, 0), FLOAT) },
  TRY_TO_DOUBLE: { min: 1, max: 1, render: (c) => castTo(A(c, 0), FLOAT, true) },
  TO_BOOLEAN: { min: 1, max: 1, render: (c) => castTo(A(c, 0), BOOLEAN) },
  TRY_TO_BOOLEAN: { min: 1, max: 1, render: (c) => castTo(A(c, 0), BOOLEAN, true) },
  TO_DATE: { min: 1, max: 1, render: (c) => castTo(A(c, 0), DATE) },
  TO_TIME: { min: 1, max: 1, render: (c) => timeOf(c) },
  TIME: { min: 1, max: 1, render: (c) => timeOf(c) },
  TRY_TO_TIME: { min: 1, max: 1, render: (c) => timeOf(c, true) },
  DATE: { min: 1, max: 1, render: (c) => castTo(A(c, 0), DATE) },
  TRY_TO_DATE: { min: 1, max: 1, render: (c) => castTo(A(c, 0), DATE, true) },
  TO_BINARY: { min: 1, max: 2, render: toBinary(false) },
  TRY_TO_BINARY: { min: 1, max: 2, render: toBinary(true) },
  TO_TIMESTAMP: { min: 1, max: 2, render: toTimestamp(TIMESTAMP_NTZ, false) },
  TO_TIMESTAMP_NTZ: { min: 1, max: 2, render: toTimestamp(TIMESTAMP_NTZ, false) },
  TO_TIMESTAMP_LTZ: { min: 1, max: 2, render: toTimestamp(TIMESTAMP_LTZ, false) },
  TRY_TO_TIMESTAMP: { min: 1, max: 2, render: toTimestamp(TIMESTAMP_NTZ, true) },
  TRY_TO_TIMESTAMP_NTZ: { min: 1, max: 2, render: toTimestamp(TIMESTAMP_NTZ, true) },
  TO_TIMESTAMP_TZ: { min: 1, max: 2, render: toTimestamp(TIMESTAMP_TZ, false) },
  TRY_TO_TIMESTAMP_TZ: { min: 1, max: 2, render: toTimestamp(TIMESTAMP_TZ, true) },
  TRY_TO_TIMESTAMP_LTZ: { min: 1, max: 2, render: toTimestamp(TIMESTAMP_LTZ, true) },
  // semi-structured
  PARSE_JSON: { min: 1, max: 1, render: (c) => parseJson(c, false) },
  TRY_PARSE_JSON: { min: 1, max: 1, render: (c) => parseJson(c, true) },
  TO_VARIANT: { min: 1, max: 1, render: (c) => ({ sql: asJson(A(c, 0)), type: VARIANT }) },
  TO_JSON: { min: 1, max: 1, render: (c) => ({ sql: `CAST(${asJson(A(c, 0))} AS VARCHAR)`, type: VARCHAR }) },
  TO_OBJECT: { min: 1, max: 1, render: (c) => ({ sql: `CASE WHEN json_type(${asJson(A(c, 0))}) = 'OBJECT' THEN ${asJson(A(c, 0))} ELSE error('Invalid object') END`, type: OBJECT }) },
  TO_ARRAY: {
    min: 1,
    max: 1,
    render: (c) => {
      const j = asJson(A(c, 0));
      return { sql: `CASE WHEN ${A(c, 0).sql} IS NULL THEN NULL WHEN json_type(${j}) = 'ARRAY' THEN ${j} ELSE CAST('[' || CAST(${j} AS VARCHAR) || ']' AS JSON) END`, type: ARRAY };
    },
  },
  OBJECT_CONSTRUCT: { min: 0, max: 1000, render: objectConstruct(false) },
  OBJECT_CONSTRUCT_KEEP_NULL: { min: 0, max: 1000, render: objectConstruct(true) },
  ARRAY_CONSTRUCT: { min: 0, max: 1000, render: arrayConstruct(false) },
  ARRAY_CONSTRUCT_COMPACT: { min: 0, max: 1000, render: arrayConstruct(true) },
  ARRAY_SIZE: {
    min: 1,
    max: 1,
    render: (c) => {
      const j = asJson(A(c, 0));
      return { sql: `CASE WHEN json_type(${j}) = 'ARRAY' THEN CAST(json_array_length(${j}) AS DECIMAL(38,0)) END`, type: NUMBER(38, 0) };
    },
  },
  ARRAY_TO_STRING: {
    min: 2,
    max: 2,
    render: (c) => ({ sql: `array_to_string(json_extract_string(${asJson(A(c, 0))}, '$[*]'), ${asText(A(c, 1))})`, type: VARCHAR }),
  },
  OBJECT_KEYS: { min: 1, max: 1, render: (c) => ({ sql: `CAST(to_json(json_keys(${asJson(A(c, 0))})) AS JSON)`, type: ARRAY }) },
  IS_NULL_VALUE: { min: 1, max: 1, render: (c) => ({ sql: `(json_type(${asJson(A(c, 0))}) = 'NULL')`, type: BOOLEAN }) },
  SPLIT: { min: 2, max: 2, render: (c) => ({ sql: `CAST(to_json(string_split(${asText(A(c, 0))}, ${asText(A(c, 1))})) AS JSON)`, type: ARRAY }) },
  // conditional
  COALESCE: { min: 1, max: 1000, render: sameTypeAs('coalesce') },
  NVL: { min: 2, max: 2, render: sameTypeAs('coalesce') },
  IFNULL: { min: 2, max: 2, render: sameTypeAs('coalesce') },
  NULLIF: { min: 2, max: 2, render: sameTypeAs('nullif') },
  ZEROIFNULL: { min: 1, max: 1, render: (c) => ({ sql: `coalesce(${A(c, 0).sql}, 0)`, type: A(c, 0).type }) },
  NULLIFZERO: { min: 1, max: 1, render: (c) => ({ sql: `nullif(${A(c, 0).sql}, 0)`, type: A(c, 0).type }) },
  NVL2: { min: 3, max: 3, render: (c) => ({ sql: `CASE WHEN ${A(c, 0).sql} IS NOT NULL THEN ${A(c, 1).sql} ELSE ${A(c, 2).sql} END`, type: A(c, 1).type }) },
  IFF: { min: 3, max: 3, render: (c) => ({ sql: `CASE WHEN ${A(c, 0).sql} THEN ${A(c, 1).sql} ELSE ${A(c, 2).sql} END`, type: A(c, 1).type ?? A(c, 2).type }) },
  GREATEST: { min: 1, max: 1000, render: nullIfAnyNull('greatest') },
  LEAST: { min: 1, max: 1000, render: nullIfAnyNull('least') },
  // numeric
  ROUND: {
    min: 1,
    max: 2,
    render: (c) => {
      const x = A(c, 0);
      const digits = c.args[1] ? Number(c.args[1].sql) : 0;
      const type = isFixed(x.type) && Number.isInteger(digits) ? NUMBER(38, Math.max(0, Math.min(scaleOf(x.type), digits))) : x.type;
      return { sql: `round(${list(c)})`, type };
    },
  },
  ABS: { min: 1, max: 1, render: sameTypeAs('abs') },
  SIGN: { min: 1, max: 1, render: fn('sign', NUMBER(38, 0)) },
  FLOOR: { min: 1, max: 1, render: sameTypeAs('floor') },
  CEIL: { min: 1, max: 1, render: sameTypeAs('ceil') },
  CEILING: { min: 1, max: 1, render: sameTypeAs('ceil') },
  TRUNC: { min: 1, max: 2, render: sameTypeAs('trunc') },
  TRUNCATE: { min: 1, max: 2, render: sameTypeAs('trunc') },
  PI: { min: 0, max: 0, render: () => ({ sql: 'pi()', type: FLOAT }) },
  SQRT: { min: 1, max: 1, render: (c) => ({ sql: `sqrt(CAST(${A(c, 0).sql} AS DOUBLE))`, type: FLOAT }) },
  POWER: { min: 2, max: 2, render: (c) => ({ sql: `pow(CAST(${A(c, 0).sql} AS DOUBLE), CAST(${A(c, 1).sql} AS DOUBLE))`, type: FLOAT }) },
  POW: { min: 2, max: 2, render: (c) => ({ sql: `pow(CAST(${A(c, 0).sql} AS DOUBLE), CAST(${A(c, 1).sql} AS DOUBLE))`, type: FLOAT }) },
  EXP: { min: 1, max: 1, render: fn('exp', FLOAT) },
  LN: { min: 1, max: 1, render: fn('ln', FLOAT) },
  MOD: { min: 2, max: 2, render: (c) => ({ sql: `(${A(c, 0).sql} % ${A(c, 1).sql})`, type: A(c, 0).type }) },
  DIV0: { min: 2, max: 2, render: (c) => ({ sql: `CASE WHEN ${A(c, 1).sql} = 0 THEN 0 ELSE ${A(c, 0).sql} / ${A(c, 1).sql} END`, type: FLOAT }) },
  // text
  UPPER: { min: 1, max: 1, render: textFn('upper') },
  LOWER: { min: 1, max: 1, render: textFn('lower') },
  TRIM: { min: 1, max: 2, render: textFn('trim') },
  LTRIM: { min: 1, max: 2, render: textFn('ltrim') },
  RTRIM: { min: 1, max: 2, render: textFn('rtrim') },
  LENGTH: { min: 1, max: 1, render: (c) => lengthOf(c) },
  LEN: { min: 1, max: 1, render: (c) => lengthOf(c) },
  SUBSTR: { min: 2, max: 3, render: textFn('substring') },
  SUBSTRING: { min: 2, max: 3, render: textFn('substring') },
  LEFT: { min: 2, max: 2, render: textFn('left') },
  RIGHT: { min: 2, max: 2, render: textFn('right') },
  REPLACE: {
    min: 2,
    max: 3,
    render: (c) => ({ sql: `replace(${asText(A(c, 0))}, ${asText(A(c, 1))}, ${c.args[2] ? asText(A(c, 2)) : "''"})`, type: VARCHAR }),
  },
  CONCAT: { min: 1, max: 1000, render: (c) => ({ sql: `(${c.args.map(asText).join(' || ')})`, type: VARCHAR }) },
  SPLIT_PART: { min: 3, max: 3, render: textFn('split_part') },
  STARTSWITH: { min: 2, max: 2, render: (c) => ({ sql: `starts_with(${asText(A(c, 0))}, ${asText(A(c, 1))})`, type: BOOLEAN }) },
  ENDSWITH: { min: 2, max: 2, render: (c) => ({ sql: `ends_with(${asText(A(c, 0))}, ${asText(A(c, 1))})`, type: BOOLEAN }) },
  CONTAINS: { min: 2, max: 2, render: (c) => ({ sql: `contains(${asText(A(c, 0))}, ${asText(A(c, 1))})`, type: BOOLEAN }) },
  LPAD: { min: 2, max: 3, render: (c) => ({ sql: `lpad(${asText(A(c, 0))}, ${A(c, 1).sql}, ${c.args[2] ? asText(A(c, 2)) : "' '"})`, type: VARCHAR }) },
  RPAD: { min: 2, max: 3, render: (c) => ({ sql: `rpad(${asText(A(c, 0))}, ${A(c, 1).sql}, ${c.args[2] ? asText(A(c, 2)) : "' '"})`, type: VARCHAR }) },
  REVERSE: { min: 1, max: 1, render: textFn('reverse') },
  REPEAT: { min: 2, max: 2, render: textFn('repeat') },
  MD5: { min: 1, max: 1, render: textFn('md5') },
  UUID_STRING: { min: 0, max: 0, render: () => ({ sql: 'CAST(uuid() AS VARCHAR)', type: VARCHAR }) },
  // Data generation (https://docs.snowflake.com/en/sql-reference/functions-data-generation). RANDOM()
  // is a random 64-bit integer; with a seed Snowflake repeats its own sequence, which papi local cannot.
  RANDOM: {
    min: 0,
    max: 1,
    render: (c) => {
      if (c.args.length > 0) throw unsupported('RANDOM with a seed');
      return { sql: 'CAST(floor((random() - 0.5) * 18446744073709549568) AS BIGINT)', type: NUMBER(19, 0) };
    },
  },
  // SEQ4/SEQ8: 0, 1, 2, … over the rows of the query (Snowflake allows gaps; one caller sees none).
  SEQ1: { min: 0, max: 1, render: () => ({ sql: '(row_number() OVER () - 1)', type: NUMBER(38, 0) }) },
  SEQ2: { min: 0, max: 1, render: () => ({ sql: '(row_number() OVER () - 1)', type: NUMBER(38, 0) }) },
  SEQ4: { min: 0, max: 1, render: () => ({ sql: '(row_number() OVER () - 1)', type: NUMBER(38, 0) }) },
  SEQ8: { min: 0, max: 1, render: () => ({ sql: '(row_number() OVER () - 1)', type: NUMBER(38, 0) }) },
  // RANDSTR(length, gen): `length` characters from [A-Za-z0-9] derived from `gen`, so equal gens give
  // equal strings (the characters differ from Snowflake's: its generator is not public).
  RANDSTR: {
    min: 2,
    max: 2,
    render: (c) => ({
      sql: `array_to_string(list_transform(range(CAST(${A(c, 0).sql} AS BIGINT)), x -> substr('${ALPHANUMERIC}', CAST(hash(${A(c, 1).sql}, x) % 62 AS INTEGER) + 1, 1)), '')`,
      type: VARCHAR,
    }),
  },
  // aggregates
  COUNT: {
    min: 1,
    max: 1000,
    aggregate: true,
    render: (c) => {
      if (c.call.args[0]?.value.kind === 'star') return { sql: 'count(*)', type: NUMBER(18, 0) };
      // COUNT([DISTINCT] a, b) counts rows (distinct tuples) where every argument is non-NULL
      if (c.args.length > 1)
        return { sql: `count(${c.distinct}CASE WHEN ${c.args.map((a) => `${a.sql} IS NOT NULL`).join(' AND ')} THEN row(${list(c)}) END)`, type: NUMBER(18, 0) };
      return { sql: `count(${c.distinct}${A(c, 0).sql})`, type: NUMBER(18, 0) };
    },
  },
  COUNT_IF: { min: 1, max: 1, aggregate: true, render: (c) => ({ sql: `count_if(${A(c, 0).sql})`, type: NUMBER(18, 0) }) },
  SUM: { min: 1, max: 1, aggregate: true, render: (c) => ({ sql: `sum(${c.distinct}${A(c, 0).sql})`, type: isFixed(A(c, 0).type) ? NUMBER(38, scaleOf(A(c, 0).type)) : A(c, 0).type }) },
  AVG: {
    min: 1,
    max: 1,
    aggregate: true,
    placesOver: true,
    render: (c) => {
      const x = A(c, 0);
      const avg = `avg(${c.distinct}${x.sql})${c.over}`;
      if (isFixed(x.type)) return { sql: `CAST(${avg} AS DECIMAL(38,${avgScale(x.type)}))`, type: NUMBER(38, avgScale(x.type)) };
      return { sql: avg, type: FLOAT };
    },
  },
  MIN: { min: 1, max: 1, aggregate: true, render: (c) => ({ sql: `min(${A(c, 0).sql})`, type: A(c, 0).type }) },
  MAX: { min: 1, max: 1, aggregate: true, render: (c) => ({ sql: `max(${A(c, 0).sql})`, type: A(c, 0).type }) },
  ANY_VALUE: { min: 1, max: 1, aggregate: true, render: (c) => ({ sql: `any_value(${A(c, 0).sql})`, type: A(c, 0).type }) },
  MEDIAN: { min: 1, max: 1, aggregate: true, render: (c) => ({ sql: `median(${A(c, 0).sql})`, type: A(c, 0).type }) },
  STDDEV: { min: 1, max: 1, aggregate: true, render: (c) => ({ sql: `stddev_samp(${A(c, 0).sql})`, type: FLOAT }) },
  VARIANCE: { min: 1, max: 1, aggregate: true, render: (c) => ({ sql: `var_samp(${A(c, 0).sql})`, type: FLOAT }) },
  BOOLAND_AGG: { min: 1, max: 1, aggregate: true, render: (c) => ({ sql: `bool_and(${A(c, 0).sql})`, type: BOOLEAN }) },
  BOOLOR_AGG: { min: 1, max: 1, aggregate: true, render: (c) => ({ sql: `bool_or(${A(c, 0).sql})`, type: BOOLEAN }) },
  LISTAGG: {
    min: 1,
    max: 2,
    aggregate: true,
    render: (c) => ({ sql: `coalesce(string_agg(${c.distinct}${asText(A(c, 0))}, ${c.args[1] ? asText(A(c, 1)) : "''"}${c.withinGroup}), '')`, type: VARCHAR }),
  },
  ARRAY_AGG: { min: 1, max: 1, aggregate: true, placesOver: true, render: arrayAgg },
  ARRAYAGG: { min: 1, max: 1, aggregate: true, placesOver: true, render: arrayAgg },
  // window-only
  ROW_NUMBER: { min: 0, max: 0, aggregate: true, render: () => ({ sql: 'row_number()', type: NUMBER(18, 0) }) },
  RANK: { min: 0, max: 0, aggregate: true, render: () => ({ sql: 'rank()', type: NUMBER(18, 0) }) },
  DENSE_RANK: { min: 0, max: 0, aggregate: true, render: () => ({ sql: 'dense_rank()', type: NUMBER(18, 0) }) },
  PERCENT_RANK: { min: 0, max: 0, aggregate: true, render: () => ({ sql: 'percent_rank()', type: FLOAT }) },
  CUME_DIST: { min: 0, max: 0, aggregate: true, render: () => ({ sql: 'cume_dist()', type: FLOAT }) },
  NTILE: { min: 1, max: 1, aggregate: true, render: (c) => ({ sql: `ntile(${A(c, 0).sql})`, type: NUMBER(18, 0) }) },
  LAG: { min: 1, max: 3, aggregate: true, render: sameTypeAs('lag') },
  LEAD: { min: 1, max: 3, aggregate: true, render: sameTypeAs('lead') },
  FIRST_VALUE: { min: 1, max: 1, aggregate: true, render: sameTypeAs('first_value') },
  LAST_VALUE: { min: 1, max: 1, aggregate: true, render: sameTypeAs('last_value') },
  NTH_VALUE: { min: 2, max: 2, aggregate: true, render: sameTypeAs('nth_value') },
};

/** Functions that only make sense with OVER (…). */
export const WINDOW_ONLY = new Set(['ROW_NUMBER', 'RANK', 'DENSE_RANK', 'PERCENT_RANK', 'CUME_DIST', 'NTILE', 'LAG', 'LEAD', 'FIRST_VALUE', 'LAST_VALUE', 'NTH_VALUE']);

/** Snowflake's date/time part names and abbreviations → the canonical part. */
const DATE_PARTS: Record<string, string> = {};
for (const [canonicalPart, aliases] of Object.entries({
  YEAR: 'Y YY YYY YYYY YR YEARS YRS',
  QUARTER: 'Q QTR QTRS QUARTERS',
  MONTH: 'MM MON MONS MONTHS',
  WEEK: 'W WK WEEKOFYEAR WOY WY WEEKS',
  DAY: 'D DD DAYS DAYOFMONTH',
  HOUR: 'H HH HR HOURS HRS',
  MINUTE: 'M MI MIN MINUTES MINS',
  SECOND: 'S SEC SECONDS SECS',
  MILLISECOND: 'MS MSEC MILLISECONDS',
  MICROSECOND: 'US USEC MICROSECONDS',
  DAYOFWEEK: 'DOW WEEKDAY DW',
  DAYOFYEAR: 'DOY YEARDAY DY',
  EPOCH_SECOND: 'EPOCH EPOCH_SECONDS',
})) {
  DATE_PARTS[canonicalPart] = canonicalPart;
  for (const a of aliases.split(' ')) DATE_PARTS[a] = canonicalPart;
}

export function datePartName(text: string): string | undefined {
  const part = DATE_PARTS[text.toUpperCase()];
  if (part === 'DAYOFWEEK') return 'DOW';
  if (part === 'DAYOFYEAR') return 'DOY';
  if (part === 'EPOCH_SECOND') return 'EPOCH';
  return part;
}

export const isVariantTyped = (t?: DataType) => isSemi(t);

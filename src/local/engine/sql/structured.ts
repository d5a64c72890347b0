// Casts into Snowflake's structured types (https://docs.snowflake.com/en/sql-reference/data-types-structured):
// a semi-structured value (JSON here) becomes DuckDB's nested STRUCT / LIST / MAP, each key, element
// and value converted to its declared type as a cast of the semi-structured value would convert it.
// An OBJECT takes exactly the declared keys (in the declared order); a value of the wrong shape fails
// the statement. What papi local cannot convert faithfully is refused by name.
import type { DataType } from './ast.js';
import { unsupported } from './parser.js';
import type { Typed } from './render.js';
import { canonical, duckType, isSemi, isStructured, sameStructure, typeText, VARIANT } from './types.js';

/** The marker of a failed structured cast, turned into Snowflake's message by formats/messages.ts. */
export const NOT_STRUCTURED = 'papi-local: not castable to structured:';
/** Separates the type from the value in that marker's message. */
export const STRUCTURED_VALUE = ' <- ';

/** How a scalar inside a structured value is converted from its semi-structured (JSON) value. */
export type LeafCast = (value: Typed, to: DataType) => Typed;

/** CAST / TRY_CAST of `e` to the structured type `target`. */
export function castToStructured(e: Typed, target: DataType, tryCast: boolean, leaf: LeafCast): Typed {
  const to = canonical(target);
  const from = e.type ? canonical(e.type) : undefined;
  if (isStructured(from)) {
    if (sameStructure(from!, to)) return { sql: duckType(from!) === duckType(to) ? e.sql : `CAST(${e.sql} AS ${duckType(to)})`, type: to };
    throw unsupported(`cast from ${typeText(from!)} to ${typeText(to)}`);
  }
  if (e.sql === 'NULL') return { sql: `CAST(NULL AS ${duckType(to)})`, type: to };
  // A bind or an untyped expression is read as JSON text, like a VARIANT.
  if (from && !isSemi(from)) throw unsupported(`cast from ${typeText(from)} to ${typeText(to)}`);
  return { sql: new Converter(tryCast, leaf).convert(`CAST(${e.sql} AS JSON)`, to), type: to };
}

class Converter {
  private depth = 0;

  constructor(
    private readonly tryCast: boolean,
    private readonly leaf: LeafCast,
  ) {}

  /** DuckDB text converting the JSON expression `json` to `to` (a JSON null or SQL NULL is NULL). */
  convert(json: string, to: DataType): string {
    if (!isStructured(to)) return this.required(this.leaf({ sql: json, type: VARIANT }, to).sql, to);
    // The JSON value is named once (a one-element list's lambda) instead of repeating its text.
    const v = `_s${++this.depth}`;
    // A MAP is cast from a semi-structured OBJECT, like a structured OBJECT.
    const kind = to.element ? 'ARRAY' : 'OBJECT';
    let shapeOk = `json_type(${v}) = '${kind}'`;
    let body: string;
    if (to.fields) {
      if (to.fields.length === 0) throw unsupported('OBJECT() with no keys');
      const keys = to.fields.map((f) => f.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      shapeOk += ` AND list_sort(json_keys(${v})) = CAST([${keys.map(sqlText).join(', ')}] AS VARCHAR[])`;
      const parts = to.fields.map((f) => `${quoteName(f.name)} := ${this.convert(`json_extract(${v}, ${sqlText(fieldPath(f.name))})`, f.type)}`);
      body = `struct_pack(${parts.join(', ')})`;
    } else if (to.element) {
      const e = `_s${++this.depth}`;
      body = `list_transform(CAST(${v} AS JSON[]), ${e} -> ${this.convert(e, to.element)})`;
    } else {
      const e = `_s${++this.depth}`;
      const key = this.leaf({ sql: `${e}.key`, type: { name: 'VARCHAR', args: [] } }, to.key!).sql;
      const value = this.convert(`CAST(${e}.value AS JSON)`, to.value!);
      body = `map_from_entries(list_transform(map_entries(CAST(${v} AS MAP(VARCHAR, JSON))), ${e} -> struct_pack(key := ${key}, value := ${value})))`;
    }
    const failed = this.tryCast ? 'NULL' : `error(${sqlText(`${NOT_STRUCTURED} ${typeText(to)}${STRUCTURED_VALUE}`)} || CAST(${v} AS VARCHAR))`;
    const cases = `CASE WHEN ${v} IS NULL OR json_type(${v}) = 'NULL' THEN NULL WHEN ${shapeOk} THEN ${body} ELSE ${failed} END`;
    return this.required(`(list_transform([CAST(${json} AS JSON)], ${v} -> ${cases}))[1]`, to);
  }

  /** T NOT NULL inside a structured type: a NULL there fails the cast. */
  private required(sql: string, to: DataType): string {
    if (!to.notNull) return sql;
    const failed = this.tryCast ? 'NULL' : `error(${sqlText(`${NOT_STRUCTURED} ${typeText(to)} NOT NULL${STRUCTURED_VALUE}`)} || 'null')`;
    return `(CASE WHEN (${sql}) IS NULL THEN ${failed} ELSE (${sql}) END)`;
  }
}

const sqlText = (value: string) => `'${value.replace(/'/g, "''")}'`;
const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;
const fieldPath = (name: string) => `$."${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

// Translation of Snowflake queries and DML (as ASTs) into DuckDB SQL text. A pure function of the tree
// and a TranslateContext the executor supplies (catalog lookups, binds, session values), so it can be
// tested against a bare in-memory DuckDB. It resolves every column itself (Snowflake's case rules,
// 000904 for unknown names, select aliases usable in WHERE/GROUP BY/QUALIFY), qualifies each with an
// internal alias, and rewrites where DuckDB's semantics differ: NUMBER division, NULL ordering,
// VARIANT as JSON (paths, casts, comparisons), OBJECT_CONSTRUCT/ARRAY_AGG, FLATTEN, output names.
import { SqlError } from '../../errors.js';
import type * as A from './ast.js';
import { datePartName, FUNCTIONS, WINDOW_ONLY, type CallContext, type SessionValues } from './functions.js';
import { unsupported } from './parser.js';
import { asJson, asText, assignTo, castTo, jsonPathLiteral, quoteIdent, sqlString, type Typed } from './render.js';
import {
  BOOLEAN,
  canonical,
  FLOAT,
  isFixed,
  isNumeric,
  isSemi,
  isStructured,
  isTemporal,
  isText,
  NUMBER,
  sameStructure,
  scaleOf,
  typeText,
  VARCHAR,
  VARIANT,
} from './types.js';

export type { SessionValues } from './functions.js';
export type { Typed } from './render.js';

/** One column of a relation, with its Snowflake type when known. */
export interface ColumnInfo {
  name: string;
  type?: A.DataType;
  /** The relation's own name for it in DuckDB when it differs from `name` (a repeated name, see distinctNames). */
  sql?: string;
}

/**
 * A subquery's columns may repeat a name (SELECT 1 AS A, 2 AS A); by name DuckDB reaches only the
 * first, so SELECT * over it would answer the first column's values for both. Such a relation gets
 * an explicit list of distinct names, each column keeping its Snowflake name beside its own.
 */
function distinctNames(columns: readonly ColumnInfo[]): { columns: ColumnInfo[]; list: string } | undefined {
  const seen = new Map<string, number>();
  for (const c of columns) seen.set(c.name, (seen.get(c.name) ?? 0) + 1);
  if ([...seen.values()].every((n) => n === 1)) return undefined;
  // Every column is renamed by position, so the new names are distinct whatever the old ones were.
  const renamed = columns.map((c, i) => ({ ...c, sql: `column_${i + 1}` }));
  return { columns: renamed, list: `(${renamed.map((c) => quoteIdent(c.sql)).join(', ')})` };
}

const sqlName = (column: ColumnInfo) => quoteIdent(column.sql ?? column.name);

/** What the executor's resolver returns for a table or view name. */
export interface ResolvedRelation {
  /** DuckDB relation text, already quoted (e.g. "db1"."main"."t42"), or a parenthesised subquery. */
  sql: string;
  columns: ColumnInfo[];
}

export interface TranslateContext {
  /** Resolves a 1–3 part name to a relation; throws SqlError 002003 when missing or not visible. */
  resolveTable(name: A.ObjectName, args?: Record<string, A.PropertyValue>): ResolvedRelation;
  session: SessionValues;
  /** DuckDB text for bind n (1-based); default `$n`. */
  bind?(index: number): string;
  /** Snowflake type of bind n, when the executor knows it (from the driver's bind type). */
  bindType?(index: number): A.DataType | undefined;
  /** DuckDB text (usually a literal) for a SYSTEM$ function the executor evaluated beforehand. */
  systemFunction?(call: A.FunctionCall): Typed;
  /** For COPY transforms: `@stage` in FROM and its `$n` columns. */
  resolveStage?(source: A.StageSource): ResolvedRelation;
}

export interface OutputColumn {
  name: string;
  type?: A.DataType;
}

export interface TranslatedQuery {
  sql: string;
  columns: OutputColumn[];
}

export function translateQuery(query: A.Query, ctx: TranslateContext): TranslatedQuery {
  return new Translator(ctx).query(query, undefined);
}

export interface TranslatedInsert {
  /** Run in order, in one transaction. */
  statements: string[];
  /** The statement whose changed-row count is "number of rows inserted". */
  countStatement: number;
}

/**
 * INSERT [OVERWRITE]. OVERWRITE is [DELETE, INSERT]; when its query reads the target itself it is
 * [CREATE TEMPORARY TABLE … AS query, DELETE, INSERT … FROM temp, DROP temp].
 */
export function translateInsert(stmt: A.InsertStatement, ctx: TranslateContext): TranslatedInsert {
  return new Translator(ctx).insert(stmt);
}

export const translateInsertOverwrite = translateInsert;

export function translateUpdate(stmt: A.UpdateStatement, ctx: TranslateContext): { sql: string } {
  return new Translator(ctx).update(stmt);
}

export function translateDelete(stmt: A.DeleteStatement, ctx: TranslateContext): { sql: string } {
  return new Translator(ctx).delete(stmt);
}

/** MERGE INTO … USING … ON … WHEN [NOT] MATCHED …: one DuckDB MERGE (its count is all rows changed). */
export function translateMerge(stmt: A.MergeStatement, ctx: TranslateContext): { sql: string } {
  return new Translator(ctx).merge(stmt);
}

/** A scalar expression in an empty scope (DEFAULT values, SYSTEM$ arguments). */
export function translateExpression(expr: A.Expr, ctx: TranslateContext): Typed {
  return new Translator(ctx).expr(expr, new Scope(undefined));
}

let overwriteCount = 0;

// ───────────────────────────────────────── errors ────────────────────────────────────────────────

function invalidIdentifier(name: string, pos?: A.Pos): SqlError {
  const where = pos ? `error line ${pos.line} at position ${pos.col}\n` : '';
  return new SqlError('000904', '42000', `SQL compilation error: ${where}invalid identifier '${name}'`);
}

function ambiguous(name: string, pos?: A.Pos): SqlError {
  const where = pos ? `error line ${pos.line} at position ${pos.col}\n` : '';
  return new SqlError('002028', '42601', `SQL compilation error:\n${where}ambiguous column name '${name}'`);
}

function unknownFunction(name: string, pos?: A.Pos): SqlError {
  const where = pos ? `error line ${pos.line} at position ${pos.col}\n` : '';
  return new SqlError('002140', '42601', `SQL compilation error:\n${where}Unknown function ${name}`);
}

function argumentCount(name: string, n: number): SqlError {
  return new SqlError('000938', '42601', `SQL compilation error:\nerror line 0 at position -1\nInvalid number of arguments for function ${name}: ${n} given.`);
}

function columnCountMismatch(expected: number, got: number): SqlError {
  return new SqlError('002020', '21S01', `SQL compilation error:\nInsert value list does not match column list expecting ${expected} but got ${got}`);
}

const displayName = (parts: A.Ident[]) => parts.map((p) => (p.quoted && p.name !== p.name.toUpperCase() ? `"${p.name}"` : p.name)).join('.');

// ───────────────────────────────────────── scopes ────────────────────────────────────────────────

interface Rel {
  /** Internal DuckDB alias. */
  alias: string;
  /** Names that qualify it: [alias] or the table name's parts. */
  qualifier: string[];
  columns: ColumnInfo[];
  /** Columns not reachable by name (FLATTEN's SEQ). */
  unsupported?: Set<string>;
  /** Column names merged by USING/NATURAL into an earlier relation (hidden from * and unqualified lookups). */
  merged?: Set<string>;
}

interface CteInfo {
  name: string;
  columns: ColumnInfo[];
}

class Scope {
  rels: Rel[] = [];
  ctes = new Map<string, CteInfo>();
  /** Select-list aliases usable where Snowflake allows them (WHERE, GROUP BY, QUALIFY, later items). */
  aliases = new Map<string, Typed>();
  /** In ORDER BY: output names that a bare reference resolves to. */
  outputNames?: Map<string, OutputColumn>;
  /** In ORDER BY: translated select items → their output name (SELECT DISTINCT t.a … ORDER BY t.a). */
  outputSql?: Map<string, string>;

  constructor(readonly parent: Scope | undefined) {}

  cte(name: string): CteInfo | undefined {
    return this.ctes.get(name) ?? this.parent?.cte(name);
  }
}

// ─────────────────────────────────────── translator ──────────────────────────────────────────────

class Translator {
  private aliasCount = 0;
  /** Relations the statement reads (INSERT OVERWRITE must know whether it reads its own target). */
  private readonly readRelations = new Set<string>();

  constructor(private readonly ctx: TranslateContext) {}

  private nextAlias(): string {
    return `_r${++this.aliasCount}`;
  }

  // ── queries

  query(q: A.Query, parent: Scope | undefined): TranslatedQuery {
    const scope = new Scope(parent);
    let withSql = '';
    if (q.with) {
      if (q.with.recursive) throw unsupported('WITH RECURSIVE');
      const parts: string[] = [];
      for (const cte of q.with.ctes) {
        const inner = this.query(cte.query, scope);
        let columns: ColumnInfo[] = inner.columns.map((c) => ({ name: c.name, type: c.type }));
        let head = quoteIdent(cte.name.name);
        if (cte.columns) {
          if (cte.columns.length !== columns.length) throw columnCountMismatch(cte.columns.length, columns.length);
          columns = cte.columns.map((c, i) => ({ name: c.name, type: columns[i]!.type }));
          head += `(${cte.columns.map((c) => quoteIdent(c.name)).join(', ')})`;
        } else {
          const distinct = distinctNames(columns);
          if (distinct) [columns, head] = [distinct.columns, head + distinct.list];
        }
        parts.push(`${head} AS (${inner.sql})`);
        scope.ctes.set(cte.name.name, { name: cte.name.name, columns });
      }
      withSql = `WITH ${parts.join(', ')} `;
    }
    let body: TranslatedQuery;
    let tail = '';
    if (q.body.kind === 'select') {
      body = this.select(q.body, scope, q.orderBy);
    } else {
      body = this.setExpr(q.body, scope);
      if (q.orderBy) {
        const outScope = new Scope(scope);
        outScope.outputNames = new Map(body.columns.map((c) => [c.name, c]));
        tail += ` ORDER BY ${this.orderItems(q.orderBy, outScope)}`;
      }
    }
    if (q.limit) tail += ` LIMIT ${this.expr(q.limit, scope).sql}`;
    if (q.offset) tail += ` OFFSET ${this.expr(q.offset, scope).sql}`;
    return { sql: withSql + body.sql + tail, columns: body.columns };
  }

  private setExpr(body: A.SetExpr, scope: Scope): TranslatedQuery {
    switch (body.kind) {
      case 'select': {
        const t = this.select(body, scope, undefined);
        return body.top ? { sql: `(${t.sql})`, columns: t.columns } : t;
      }
      case 'parenQuery': {
        const inner = this.query(body.query, scope);
        return { sql: `(${inner.sql})`, columns: inner.columns };
      }
      case 'values':
        return this.values(body, scope);
      case 'setOp': {
        const left = this.setExpr(body.left, scope);
        const right = this.setExpr(body.right, scope);
        if (!body.byName && left.columns.length !== right.columns.length)
          throw new SqlError('001789', '42601', `SQL compilation error:\ninvalid number of result columns for set operator input branches, expected ${left.columns.length}, got ${right.columns.length} in branch 2`);
        const op = `${body.op}${body.all ? ' ALL' : ''}${body.byName ? ' BY NAME' : ''}`;
        const wrap = (t: TranslatedQuery, e: A.SetExpr) => (e.kind === 'setOp' ? `(${t.sql})` : t.sql);
        const columns = left.columns.map((c, i) => ({ name: c.name, type: c.type ?? right.columns[i]?.type }));
        return { sql: `${wrap(left, body.left)} ${op} ${wrap(right, body.right)}`, columns };
      }
    }
  }

  private values(body: A.ValuesBody, scope: Scope): TranslatedQuery {
    const width = body.rows[0]!.length;
    const types: Array<A.DataType | undefined> = [];
    const rows = body.rows.map((row) => {
      if (row.length !== width) throw new SqlError('002020', '21S01', 'SQL compilation error:\nDifferent number of values in VALUES rows');
      return `(${row
        .map((e, i) => {
          const t = this.expr(e, scope);
          types[i] ??= t.type;
          return t.sql;
        })
        .join(', ')})`;
    });
    const columns = Array.from({ length: width }, (_, i) => ({ name: `COLUMN${i + 1}`, type: types[i] }));
    return { sql: `SELECT * FROM (VALUES ${rows.join(', ')}) AS ${quoteIdent(this.nextAlias())}(${columns.map((c) => quoteIdent(c.name)).join(', ')})`, columns };
  }

  private select(sel: A.Select, parent: Scope, orderBy: A.OrderItem[] | undefined): TranslatedQuery {
    const scope = new Scope(parent);
    const fromSql = sel.from.length ? ` FROM ${this.fromList(sel.from, scope)}` : '';
    const items: string[] = [];
    const columns: OutputColumn[] = [];
    const outputSql = new Map<string, string>();
    for (const item of sel.items) {
      if (item.expr.kind === 'star') {
        for (const { rel, column } of this.expandStar(item.expr, scope, item.exclude)) {
          items.push(`${quoteIdent(rel.alias)}.${sqlName(column)} AS ${quoteIdent(column.name)}`);
          columns.push({ name: column.name, type: column.type });
        }
        continue;
      }
      const t = this.expr(item.expr, scope);
      const name = item.alias ? item.alias.name : outputName(item);
      items.push(`${t.sql} AS ${quoteIdent(name)}`);
      columns.push({ name, type: t.type });
      if (!outputSql.has(t.sql)) outputSql.set(t.sql, name);
      if (!scope.aliases.has(name)) scope.aliases.set(name, t);
    }
    let sql = `SELECT ${sel.distinct ? 'DISTINCT ' : ''}${items.join(', ')}${fromSql}`;
    if (sel.where) sql += ` WHERE ${this.expr(sel.where, scope).sql}`;
    if (sel.groupByAll) sql += ' GROUP BY ALL';
    else if (sel.groupBy) sql += ` GROUP BY ${sel.groupBy.map((g) => this.groupItem(g, scope)).join(', ')}`;
    if (sel.having) sql += ` HAVING ${this.expr(sel.having, scope).sql}`;
    if (sel.qualify) sql += ` QUALIFY ${this.expr(sel.qualify, scope).sql}`;
    if (orderBy) {
      const orderScope = new Scope(scope);
      orderScope.rels = scope.rels;
      orderScope.ctes = scope.ctes;
      orderScope.aliases = scope.aliases;
      orderScope.outputNames = new Map(columns.map((c) => [c.name, c]));
      orderScope.outputSql = outputSql;
      sql += ` ORDER BY ${this.orderItems(orderBy, orderScope)}`;
    }
    if (sel.top) sql += ` LIMIT ${this.expr(sel.top, scope).sql}`;
    return { sql, columns };
  }

  /** GROUP BY 1 stays positional; anything else is an expression. */
  private groupItem(e: A.Expr, scope: Scope): string {
    if (e.kind === 'number' && /^\d+$/.test(e.text)) return e.text;
    return this.expr(e, scope).sql;
  }

  private orderItems(items: A.OrderItem[], scope: Scope): string {
    return items
      .map((item) => {
        let key: Typed;
        const e = item.expr;
        // ORDER BY 2 and ORDER BY <output name> refer to the result's columns, as in Snowflake
        if (e.kind === 'number' && /^\d+$/.test(e.text)) key = { sql: e.text };
        else if (e.kind === 'column' && e.parts.length === 1 && scope.outputNames?.has(e.parts[0]!.name)) {
          const name = e.parts[0]!.name;
          key = { sql: quoteIdent(name), type: scope.outputNames.get(name)!.type };
          if (isSemi(key.type) && scope.aliases.has(name)) key = scope.aliases.get(name)!;
        } else {
          key = this.expr(e, scope);
          const output = scope.outputSql?.get(key.sql);
          if (output !== undefined && !isSemi(key.type)) key = { sql: quoteIdent(output), type: key.type };
        }
        if (isStructured(key.type)) throw unsupported(`ORDER BY a structured type value (${typeText(key.type!)})`);
        const direction = item.direction ?? 'ASC';
        const nulls = item.nulls ?? (direction === 'ASC' ? 'LAST' : 'FIRST');
        // VARIANT sorts by value: numbers numerically, then strings (DuckDB would compare JSON text)
        const keys = isSemi(key.type) ? [`TRY_CAST(json_extract_string(${key.sql}, '$') AS DOUBLE)`, `json_extract_string(${key.sql}, '$')`] : [key.sql];
        return keys.map((k) => `${k} ${direction} NULLS ${nulls}`).join(', ');
      })
      .join(', ');
  }

  private expandStar(star: A.StarExpr, scope: Scope, exclude?: A.Ident[]): Array<{ rel: Rel; column: ColumnInfo }> {
    let rels = scope.rels;
    if (star.qualifier) {
      rels = scope.rels.filter((r) => matchesQualifier(r, star.qualifier!));
      if (rels.length === 0) throw invalidIdentifier(displayName(star.qualifier));
    } else if (rels.length === 0) throw new SqlError('001003', '42000', 'SQL compilation error:\nSELECT with no columns');
    const excluded = new Set((exclude ?? []).map((e) => e.name));
    const out: Array<{ rel: Rel; column: ColumnInfo }> = [];
    for (const rel of rels) {
      for (const column of rel.columns) {
        if (excluded.has(column.name) || rel.unsupported?.has(column.name)) continue;
        if (!star.qualifier && rel.merged?.has(column.name)) continue;
        out.push({ rel, column });
      }
    }
    return out;
  }

  // ── FROM

  private fromList(items: A.FromItem[], scope: Scope): string {
    let sql = '';
    items.forEach((item, i) => {
      const piece = this.fromItem(item, scope);
      if (i === 0) sql = piece.sql;
      else if (piece.outer) sql += ` LEFT JOIN ${piece.sql} ON TRUE`;
      else sql += ` CROSS JOIN ${piece.sql}`;
    });
    return sql;
  }

  /** Registers the item's relations in `scope` (left to right, so LATERAL sees earlier ones). */
  private fromItem(item: A.FromItem, scope: Scope): { sql: string; outer?: boolean } {
    switch (item.kind) {
      case 'table': {
        const alias = this.nextAlias();
        const parts = item.name.parts.map((p) => p.name);
        const cte = parts.length === 1 ? scope.cte(parts[0]!) : undefined;
        let relSql: string;
        let columns: ColumnInfo[];
        if (cte) {
          relSql = quoteIdent(cte.name);
          columns = cte.columns;
        } else {
          const resolved = this.ctx.resolveTable(item.name, item.arguments);
          this.readRelations.add(resolved.sql);
          relSql = resolved.sql;
          columns = resolved.columns.map((c) => ({ name: c.name, type: c.type ? canonical(c.type) : undefined }));
        }
        const rel = this.addRel(scope, alias, item.alias, parts, columns);
        return { sql: `${relSql} AS ${quoteIdent(rel.alias)}${this.aliasColumns(item.alias)}` };
      }
      case 'derived': {
        // a non-LATERAL derived table sees the enclosing query's CTEs and outer scopes, not its siblings
        const inner = this.query(item.query, item.lateral ? scope : scope.parent);
        const alias = this.nextAlias();
        const distinct = item.alias?.columns ? undefined : distinctNames(inner.columns);
        const rel = this.addRel(scope, alias, item.alias, [], distinct?.columns ?? inner.columns);
        return { sql: `${item.lateral ? 'LATERAL ' : ''}(${inner.sql}) AS ${quoteIdent(rel.alias)}${distinct?.list ?? this.aliasColumns(item.alias)}` };
      }
      case 'tableFunction':
        return item.name === 'GENERATOR' ? this.generator(item, scope) : this.flatten(item, scope);
      case 'stage': {
        if (!this.ctx.resolveStage) throw unsupported('stage in FROM');
        const resolved = this.ctx.resolveStage(item);
        const alias = this.nextAlias();
        const rel = this.addRel(scope, alias, item.alias, [], resolved.columns);
        return { sql: `${resolved.sql} AS ${quoteIdent(rel.alias)}${this.aliasColumns(item.alias)}` };
      }
      case 'join':
        return { sql: this.join(item, scope) };
    }
  }

  private aliasColumns(alias?: A.TableAlias): string {
    return alias?.columns ? `(${alias.columns.map((c) => quoteIdent(c.name)).join(', ')})` : '';
  }

  private addRel(scope: Scope, alias: string, tableAlias: A.TableAlias | undefined, parts: string[], columns: ColumnInfo[]): Rel {
    let cols = columns;
    if (tableAlias?.columns) {
      if (tableAlias.columns.length > columns.length) throw columnCountMismatch(columns.length, tableAlias.columns.length);
      cols = columns.map((c, i) => (tableAlias.columns![i] ? { name: tableAlias.columns![i]!.name, type: c.type } : c));
    }
    const rel: Rel = { alias, qualifier: tableAlias ? [tableAlias.name.name] : parts, columns: cols };
    scope.rels.push(rel);
    return rel;
  }

  private join(join: A.JoinItem, scope: Scope): string {
    const left = this.fromItem(join.left, scope);
    const leftRels = [...scope.rels];
    const right = this.fromItem(join.right, scope);
    const rightRels = scope.rels.filter((r) => !leftRels.includes(r));
    let condition: string | undefined;
    let using = join.using?.map((u) => u.name);
    if (join.natural) {
      const leftNames = new Set(leftRels.flatMap((r) => r.columns.map((c) => c.name)));
      using = rightRels.flatMap((r) => r.columns.map((c) => c.name)).filter((n) => leftNames.has(n));
    }
    if (using) {
      const conds = using.map((name) => {
        const l = leftRels.find((r) => r.columns.some((c) => c.name === name));
        const r = rightRels.find((x) => x.columns.some((c) => c.name === name));
        if (!l || !r) throw invalidIdentifier(name);
        (r.merged ??= new Set()).add(name);
        const side = (rel: Rel) => `${quoteIdent(rel.alias)}.${sqlName(rel.columns.find((c) => c.name === name)!)}`;
        return `${side(l)} = ${side(r)}`;
      });
      condition = conds.length ? conds.join(' AND ') : 'TRUE';
      if (join.type === 'FULL' || join.type === 'RIGHT') throw unsupported(`${join.type} JOIN … USING`);
    } else if (join.on) condition = this.expr(join.on, scope).sql;
    if (join.type === 'CROSS' || (!condition && join.type === 'INNER')) return `${left.sql} CROSS JOIN ${right.sql}`;
    return `${left.sql} ${join.type} JOIN ${right.sql} ON ${condition ?? 'TRUE'}`;
  }

  /**
   * FLATTEN(input => v [, path => 'a.b'] [, outer => TRUE]) as a lateral subquery over DuckDB's
   * json_each, with Snowflake's columns: KEY (objects), PATH, INDEX (arrays), VALUE, THIS. SEQ is not
   * reproduced and refused when referenced.
   */
  /**
   * TABLE(GENERATOR(ROWCOUNT => n)): n rows with no columns, for SEQ4(), RANDOM() and constants
   * (https://docs.snowflake.com/en/sql-reference/functions/generator). TIMELIMIT (rows until a time
   * has passed) is refused: it cannot be played faithfully here.
   */
  private generator(item: A.TableFunctionRef, scope: Scope): { sql: string } {
    let rowCount: A.Expr | undefined;
    for (const [i, arg] of item.args.entries()) {
      const name = arg.name ?? (i === 0 ? 'ROWCOUNT' : undefined);
      if (name === 'ROWCOUNT') rowCount = arg.value;
      else throw unsupported(`GENERATOR ${name ?? `argument ${i + 1}`}`);
    }
    if (!rowCount) throw unsupported('GENERATOR without ROWCOUNT');
    const count = this.expr(rowCount, scope);
    const alias = this.nextAlias();
    const rel = this.addRel(scope, alias, item.alias, [], []);
    return { sql: `range(CAST(${count.sql} AS BIGINT)) AS ${quoteIdent(rel.alias)}` };
  }

  private flatten(item: A.TableFunctionRef, scope: Scope): { sql: string; outer: boolean } {
    const named: Record<string, A.Expr> = {};
    const positional = ['INPUT', 'PATH', 'OUTER', 'RECURSIVE', 'MODE'];
    item.args.forEach((arg, i) => {
      const name = arg.name ?? positional[i];
      if (!name || !positional.includes(name)) throw unsupported(`FLATTEN argument ${arg.name ?? i + 1}`);
      named[name] = arg.value;
    });
    if (!named.INPUT) throw argumentCount('FLATTEN', 0);
    const boolArg = (name: string) => {
      const e = named[name];
      if (!e) return false;
      if (e.kind !== 'boolean') throw unsupported(`FLATTEN ${name} that is not TRUE or FALSE`);
      return e.value;
    };
    if (boolArg('RECURSIVE')) throw unsupported('FLATTEN RECURSIVE => TRUE');
    if (named.MODE) throw unsupported('FLATTEN MODE');
    const outer = boolArg('OUTER');
    let input = asJson(this.expr(named.INPUT, scope));
    let prefix = '';
    if (named.PATH) {
      if (named.PATH.kind !== 'string') throw unsupported('FLATTEN PATH that is not a literal');
      prefix = named.PATH.value;
      input = `json_extract(${input}, ${sqlString(pathFromText(prefix))})`;
    }
    const alias = this.nextAlias();
    const each = quoteIdent(`${alias}_each`);
    const isArray = `json_type(${input}) = 'ARRAY'`;
    const arrayPath = `${prefix ? sqlString(prefix) + ' || ' : ''}'[' || ${each}.key || ']'`;
    const objectPath = prefix ? `${sqlString(prefix + '.')} || ${each}.key` : `${each}.key`;
    const pathSql = `CASE WHEN ${isArray} THEN ${arrayPath} ELSE ${objectPath} END`;
    const sql =
      `LATERAL (SELECT NULL AS "SEQ", ` +
      `CASE WHEN ${isArray} THEN NULL ELSE ${each}.key END AS "KEY", ` +
      `${pathSql} AS "PATH", ` +
      `CASE WHEN ${isArray} THEN CAST(${each}.key AS DECIMAL(38,0)) END AS "INDEX", ` +
      `${each}.value AS "VALUE", ${input} AS "THIS" ` +
      `FROM json_each(${input}) AS ${each} WHERE json_type(${input}) IN ('ARRAY', 'OBJECT'))`;
    const columns: ColumnInfo[] = [
      { name: 'SEQ', type: NUMBER() },
      { name: 'KEY', type: VARCHAR },
      { name: 'PATH', type: VARCHAR },
      { name: 'INDEX', type: NUMBER() },
      { name: 'VALUE', type: VARIANT },
      { name: 'THIS', type: VARIANT },
    ];
    const rel = this.addRel(scope, alias, item.alias, [], columns);
    rel.unsupported = new Set([rel.columns[0]!.name]);
    return { sql: `${sql} AS ${quoteIdent(alias)}${this.aliasColumns(item.alias)}`, outer };
  }

  // ── names

  /** Finds a column by its (1–4 part) reference; undefined when absent (throws when ambiguous). */
  private findColumn(parts: A.Ident[], scope: Scope, deep = true, pos?: A.Pos): { rel: Rel; column: ColumnInfo } | undefined {
    const name = parts[parts.length - 1]!.name;
    const qualifier = parts.slice(0, -1);
    for (let s: Scope | undefined = scope; s; s = deep ? s.parent : undefined) {
      const hits: Array<{ rel: Rel; column: ColumnInfo }> = [];
      for (const rel of s.rels) {
        if (qualifier.length && !matchesQualifier(rel, qualifier)) continue;
        const column = rel.columns.find((c) => c.name === name);
        if (!column) continue;
        if (!qualifier.length && rel.merged?.has(name)) continue;
        hits.push({ rel, column });
      }
      if (hits.length > 1) throw ambiguous(name, pos);
      if (hits.length === 1) {
        if (hits[0]!.rel.unsupported?.has(name)) throw unsupported(`FLATTEN column ${name}`);
        return hits[0];
      }
      if (!deep) return undefined;
    }
    return undefined;
  }

  private column(e: A.ColumnRef, scope: Scope): Typed {
    if (e.parts.length > 4) throw invalidIdentifier(displayName(e.parts), e.pos);
    const hit = this.findColumn(e.parts, scope, true, e.pos);
    if (hit) return { sql: `${quoteIdent(hit.rel.alias)}.${sqlName(hit.column)}`, type: hit.column.type };
    if (e.parts.length === 1) {
      const name = e.parts[0]!.name;
      for (let s: Scope | undefined = scope; s; s = s.parent) {
        const alias = s.aliases.get(name);
        if (alias) return { sql: `(${alias.sql})`, type: alias.type };
        if (s.outputNames?.has(name)) return { sql: quoteIdent(name), type: s.outputNames.get(name)!.type };
        if (s.rels.length) break;
      }
    }
    throw invalidIdentifier(displayName(e.parts), e.pos);
  }

  // ── expressions

  expr(e: A.Expr, scope: Scope): Typed {
    switch (e.kind) {
      case 'number':
        return numberLiteral(e.text);
      case 'string':
        return { sql: sqlString(e.value), type: VARCHAR };
      case 'boolean':
        return { sql: e.value ? 'TRUE' : 'FALSE', type: BOOLEAN };
      case 'null':
        return { sql: 'NULL' };
      case 'bind':
        return { sql: this.ctx.bind ? this.ctx.bind(e.index) : `$${e.index}`, type: this.ctx.bindType?.(e.index) };
      case 'column':
        return this.column(e, scope);
      case 'positional':
        return this.column({ kind: 'column', parts: [...(e.qualifier ? [e.qualifier] : []), { name: `$${e.index}`, quoted: true }] }, scope);
      case 'star':
        throw new SqlError('001003', '42000', "SQL compilation error:\nsyntax error line 1 at position 0 unexpected '*'.");
      case 'unary': {
        const x = this.expr(e.operand, scope);
        if (e.op === 'NOT') return { sql: `(NOT ${x.sql})`, type: BOOLEAN };
        return { sql: `(${e.op}${isSemi(x.type) ? castTo(x, FLOAT).sql : x.sql})`, type: isSemi(x.type) ? FLOAT : x.type };
      }
      case 'binary':
        return this.binary(e, scope);
      case 'isNull':
        return { sql: `(${this.expr(e.operand, scope).sql} IS ${e.not ? 'NOT ' : ''}NULL)`, type: BOOLEAN };
      case 'inList': {
        const operand = this.expr(e.operand, scope);
        const items = e.list.map((x) => this.expr(x, scope));
        const left = coerceForCompare(operand, items.find((i) => i.type)?.type);
        const right = items.map((i) => coerceForCompare(i, operand.type).sql);
        return { sql: `(${left.sql} ${e.not ? 'NOT IN' : 'IN'} (${right.join(', ')}))`, type: BOOLEAN };
      }
      case 'inSubquery': {
        const operand = this.expr(e.operand, scope);
        const sub = this.query(e.query, scope);
        if (sub.columns.length !== 1) throw new SqlError('002019', '42601', 'SQL compilation error:\nSubquery must return exactly one column');
        return { sql: `(${coerceForCompare(operand, sub.columns[0]!.type).sql} ${e.not ? 'NOT IN' : 'IN'} (${sub.sql}))`, type: BOOLEAN };
      }
      case 'between': {
        const x = this.expr(e.operand, scope);
        const low = this.expr(e.low, scope);
        const high = this.expr(e.high, scope);
        const xs = coerceForCompare(x, low.type ?? high.type).sql;
        return { sql: `(${xs} ${e.not ? 'NOT BETWEEN' : 'BETWEEN'} ${coerceForCompare(low, x.type).sql} AND ${coerceForCompare(high, x.type).sql})`, type: BOOLEAN };
      }
      case 'like': {
        const x = asText(this.expr(e.operand, scope));
        const pattern = asText(this.expr(e.pattern, scope));
        if (e.op === 'RLIKE') return { sql: `(${e.not ? 'NOT ' : ''}regexp_full_match(${x}, ${pattern}))`, type: BOOLEAN };
        const escape = e.escape ? ` ESCAPE ${asText(this.expr(e.escape, scope))}` : '';
        return { sql: `(${x} ${e.not ? 'NOT ' : ''}${e.op} ${pattern}${escape})`, type: BOOLEAN };
      }
      case 'cast':
        return castTo(this.expr(e.operand, scope), e.type, e.style === 'TRY_CAST');
      case 'case': {
        const operand = e.operand ? this.expr(e.operand, scope) : undefined;
        let type: A.DataType | undefined;
        const whens = e.whens.map((w) => {
          const then = this.expr(w.then, scope);
          type ??= then.type;
          if (operand) {
            const when = this.expr(w.when, scope);
            return `WHEN ${coerceForCompare(operand, when.type).sql} = ${coerceForCompare(when, operand.type).sql} THEN ${then.sql}`;
          }
          return `WHEN ${this.expr(w.when, scope).sql} THEN ${then.sql}`;
        });
        const elseSql = e.else ? ` ELSE ${this.expr(e.else, scope).sql}` : '';
        return { sql: `(CASE ${whens.join(' ')}${elseSql} END)`, type };
      }
      case 'function':
        return this.call(e, scope);
      case 'path':
        return this.path(e, scope);
      case 'subquery': {
        const sub = this.query(e.query, scope);
        if (sub.columns.length !== 1) throw new SqlError('002019', '42601', 'SQL compilation error:\nSubquery must return exactly one column');
        return { sql: `(${sub.sql})`, type: sub.columns[0]!.type };
      }
      case 'exists':
        return { sql: `(${e.not ? 'NOT ' : ''}EXISTS (${this.query(e.query, scope).sql}))`, type: BOOLEAN };
      case 'array':
        return this.call({ kind: 'function', name: 'ARRAY_CONSTRUCT', args: e.items.map((value) => ({ value })), distinct: false, system: false }, scope);
      case 'object':
        return this.call(
          {
            kind: 'function',
            name: 'OBJECT_CONSTRUCT_KEEP_NULL',
            args: e.entries.flatMap((en) => [{ value: { kind: 'string', value: en.key } as A.Expr }, { value: en.value }]),
            distinct: false,
            system: false,
          },
          scope,
        );
      case 'interval':
        return { sql: `INTERVAL ${sqlString(e.value)}` };
    }
  }

  private binary(e: A.BinaryExpr, scope: Scope): Typed {
    const l = this.expr(e.left, scope);
    const r = this.expr(e.right, scope);
    if (isStructured(l.type) || isStructured(r.type)) {
      // Two values of one structured type compare as wholes; nothing else is done with them here.
      const same = l.type && r.type && isStructured(l.type) && isStructured(r.type) && sameStructure(l.type, r.type);
      if (!(same && (e.op === '=' || e.op === '<>'))) throw unsupported(`${e.op} on a structured type value`);
    }
    switch (e.op) {
      case 'AND':
      case 'OR':
        return { sql: `(${l.sql} ${e.op} ${r.sql})`, type: BOOLEAN };
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return { sql: `(${coerceForCompare(l, r.type).sql} ${e.op} ${coerceForCompare(r, l.type).sql})`, type: BOOLEAN };
      case '||':
        return { sql: `(${asText(l)} || ${asText(r)})`, type: VARCHAR };
      case '/':
        return divide(l, r);
      default: {
        const ln = isSemi(l.type) ? castTo(l, FLOAT) : l;
        const rn = isSemi(r.type) ? castTo(r, FLOAT) : r;
        if ((e.op === '+' || e.op === '-') && isTemporal(ln.type) && isNumeric(rn.type)) {
          const days = `to_days(CAST(${rn.sql} AS INTEGER))`;
          const sum = `(${ln.sql} ${e.op} ${days})`;
          return { sql: ln.type?.name === 'DATE' ? `CAST(${sum} AS DATE)` : sum, type: ln.type };
        }
        // DuckDB types small integer literals as INTEGER and overflows; Snowflake's are NUMBER(38,0)
        const widen = (t: Typed) => (isFixed(ln.type) && isFixed(rn.type) && /^\d+$/.test(t.sql) ? `CAST(${t.sql} AS DECIMAL(38,0))` : t.sql);
        return { sql: `(${widen(ln)} ${e.op} ${widen(rn)})`, type: arithmeticType(e.op, ln.type, rn.type) };
      }
    }
  }

  private path(e: A.PathExpr, scope: Scope): Typed {
    let operand = this.expr(e.operand, scope);
    if (isStructured(operand.type)) throw unsupported(`a path into a structured type value (${typeText(operand.type!)})`);
    let json = isSemi(operand.type) || isText(operand.type) || !operand.type ? operand.sql : asJson(operand);
    const literalSteps: Array<{ kind: 'field'; name: string } | { kind: 'index'; index: number }> = [];
    const flush = () => {
      if (literalSteps.length) {
        json = `json_extract(${json}, ${sqlString(jsonPathLiteral(literalSteps))})`;
        literalSteps.length = 0;
      }
    };
    for (const step of e.steps) {
      if (step.kind === 'field') literalSteps.push(step);
      else if (step.expr.kind === 'number' && /^\d+$/.test(step.expr.text)) literalSteps.push({ kind: 'index', index: Number(step.expr.text) });
      else if (step.expr.kind === 'string') literalSteps.push({ kind: 'field', name: step.expr.value });
      else {
        flush();
        const idx = this.expr(step.expr, scope);
        const key = isText(idx.type)
          ? `'$."' || replace(${idx.sql}, '"', '\\"') || '"'`
          : `'$[' || CAST(CAST(${idx.sql} AS BIGINT) AS VARCHAR) || ']'`;
        json = `json_extract(${json}, ${key})`;
      }
    }
    flush();
    operand = { sql: json, type: VARIANT };
    return operand;
  }

  private call(call: A.FunctionCall, scope: Scope): Typed {
    if (call.system) {
      if (!this.ctx.systemFunction) throw unsupported(`${call.name} in this statement`);
      return this.ctx.systemFunction(call);
    }
    if (call.qualifier) throw unknownFunction(displayName([...call.qualifier, { name: call.name, quoted: false }]), call.pos);
    if (call.name === 'GET' || call.name === 'GET_PATH') return this.getCall(call, scope);
    const def = FUNCTIONS[call.name];
    if (!def) throw unknownFunction(call.name, call.pos);
    const positional = call.args.filter((a) => !a.name);
    if (positional.length < def.min || positional.length > def.max) throw argumentCount(call.name, positional.length);
    if (WINDOW_ONLY.has(call.name) && !call.over) throw new SqlError('002062', '42601', `SQL compilation error:\nWindow function type [${call.name}] requires an OVER clause`);
    if (call.over && !def.aggregate) throw new SqlError('002062', '42601', `SQL compilation error:\nFunction ${call.name} does not support an OVER clause`);
    if (call.withinGroup && !['ARRAY_AGG', 'ARRAYAGG', 'LISTAGG'].includes(call.name)) throw unsupported(`WITHIN GROUP for ${call.name}`);
    let part: string | undefined;
    let args = positional;
    if (def.datePart) {
      const first = positional[0]!.value;
      const text = first.kind === 'string' ? first.value : first.kind === 'column' && first.parts.length === 1 ? first.parts[0]!.name : undefined;
      part = text === undefined ? undefined : datePartName(text);
      if (!part) throw new SqlError('001003', '42000', `SQL compilation error:\ninvalid date/time part for ${call.name}`);
      args = positional.slice(1);
    }
    const context: CallContext = {
      call,
      args: args.map((a) => (a.value.kind === 'star' ? { sql: '*' } : this.expr(a.value, scope))),
      named: Object.fromEntries(call.args.filter((a) => a.name).map((a) => [a.name!, this.expr(a.value, scope)])),
      part,
      distinct: call.distinct ? 'DISTINCT ' : '',
      withinGroup: call.withinGroup ? ` ORDER BY ${this.orderItems(call.withinGroup, scope)}` : '',
      over: call.over ? ` OVER (${this.window(call.over, scope)})` : '',
      session: this.ctx.session,
    };
    if (call.nulls === 'IGNORE') throw unsupported(`IGNORE NULLS`);
    // The functions' renderers know semi-structured values only: a structured one is refused by name.
    const structuredArg = [...context.args, ...Object.values(context.named)].find((a) => isStructured(a.type));
    if (structuredArg && call.name !== 'COUNT') throw unsupported(`${call.name} of a structured type value (${typeText(structuredArg.type!)})`);
    const out = def.render(context);
    if (def.aggregate && call.over && !def.placesOver) return { sql: `${out.sql}${context.over}`, type: out.type };
    return out;
  }

  private getCall(call: A.FunctionCall, scope: Scope): Typed {
    if (call.args.length !== 2) throw argumentCount(call.name, call.args.length);
    const [target, key] = call.args.map((a) => a.value) as [A.Expr, A.Expr];
    if (call.name === 'GET_PATH') {
      if (key.kind !== 'string') throw unsupported('GET_PATH with a non-literal path');
      const json = asJson(this.expr(target, scope));
      return { sql: `json_extract(${json}, ${sqlString(pathFromText(key.value))})`, type: VARIANT };
    }
    return this.path({ kind: 'path', operand: target, steps: [{ kind: 'index', expr: key }] }, scope);
  }

  private window(w: A.WindowSpec, scope: Scope): string {
    const parts: string[] = [];
    if (w.partitionBy.length) parts.push(`PARTITION BY ${w.partitionBy.map((p) => this.expr(p, scope).sql).join(', ')}`);
    if (w.orderBy.length) parts.push(`ORDER BY ${this.orderItems(w.orderBy, scope)}`);
    if (w.frame) {
      const bound = (b: A.FrameBound) => {
        switch (b.kind) {
          case 'unboundedPreceding':
            return 'UNBOUNDED PRECEDING';
          case 'unboundedFollowing':
            return 'UNBOUNDED FOLLOWING';
          case 'currentRow':
            return 'CURRENT ROW';
          case 'preceding':
            return `${this.expr(b.offset, scope).sql} PRECEDING`;
          case 'following':
            return `${this.expr(b.offset, scope).sql} FOLLOWING`;
        }
      };
      parts.push(w.frame.end ? `${w.frame.unit} BETWEEN ${bound(w.frame.start)} AND ${bound(w.frame.end)}` : `${w.frame.unit} ${bound(w.frame.start)}`);
    }
    return parts.join(' ');
  }

  // ── DML

  insert(stmt: A.InsertStatement): TranslatedInsert {
    const target = this.ctx.resolveTable(stmt.table);
    const targetColumns = this.targetColumns(target, stmt.columns);
    const columnList = `(${targetColumns.map((c) => quoteIdent(c.name)).join(', ')})`;
    let insert: string;
    let selectSql = '';
    if (stmt.source.kind === 'values') {
      const scope = new Scope(undefined);
      const rows = stmt.source.rows.map((row) => {
        if (row.length !== targetColumns.length) throw columnCountMismatch(targetColumns.length, row.length);
        return `(${row.map((e, i) => this.assign(this.expr(e, scope), targetColumns[i]!)).join(', ')})`;
      });
      insert = `INSERT INTO ${target.sql} ${columnList} VALUES ${rows.join(', ')}`;
    } else {
      const q = this.query(stmt.source.query, undefined);
      if (q.columns.length !== targetColumns.length) throw columnCountMismatch(targetColumns.length, q.columns.length);
      const conversions = q.columns.map((c, i) => this.assign({ sql: `${quoteIdent('_src')}.${quoteIdent(`c${i + 1}`)}`, type: c.type }, targetColumns[i]!));
      const needsWrap = conversions.some((sql, i) => sql !== `${quoteIdent('_src')}.${quoteIdent(`c${i + 1}`)}`);
      selectSql = needsWrap
        ? `SELECT ${conversions.join(', ')} FROM (${q.sql}) AS ${quoteIdent('_src')}(${q.columns.map((_, i) => quoteIdent(`c${i + 1}`)).join(', ')})`
        : q.sql;
      insert = `INSERT INTO ${target.sql} ${columnList} ${selectSql}`;
    }
    if (!stmt.overwrite) return { statements: [insert], countStatement: 0 };
    if (stmt.source.kind === 'values' || !this.readRelations.has(target.sql)) return { statements: [`DELETE FROM ${target.sql}`, insert], countStatement: 1 };
    // The query reads the target itself: materialise its rows before the target is emptied.
    const temp = quoteIdent(`_papi_overwrite_${process.pid}_${++overwriteCount}`);
    return {
      statements: [
        `CREATE TEMPORARY TABLE ${temp} AS ${selectSql}`,
        `DELETE FROM ${target.sql}`,
        `INSERT INTO ${target.sql} ${columnList} SELECT * FROM ${temp}`,
        `DROP TABLE ${temp}`,
      ],
      countStatement: 2,
    };
  }

  private assign(value: Typed, column: ColumnInfo): string {
    return column.type ? assignTo(value, column.type) : value.sql;
  }

  private targetColumns(target: ResolvedRelation, names?: A.Ident[]): ColumnInfo[] {
    if (!names) return target.columns;
    const seen = new Set<string>();
    return names.map((n) => {
      const c = target.columns.find((col) => col.name === n.name);
      if (!c) throw invalidIdentifier(displayName([n]));
      if (seen.has(c.name)) throw new SqlError('000904', '42000', `SQL compilation error:\nduplicate column name '${c.name}'`);
      seen.add(c.name);
      return c;
    });
  }

  update(stmt: A.UpdateStatement): { sql: string } {
    const target = this.ctx.resolveTable(stmt.table);
    const scope = new Scope(undefined);
    const alias = this.nextAlias();
    this.addRel(scope, alias, stmt.alias ? { name: stmt.alias } : undefined, stmt.table.parts.map((p) => p.name), target.columns.map((c) => ({ name: c.name, type: c.type ? canonical(c.type) : undefined })));
    const fromSql = stmt.from?.length ? ` FROM ${this.fromList(stmt.from, scope)}` : '';
    const sets = stmt.set.map((s) => this.setClause(target, s, scope));
    const where = stmt.where ? ` WHERE ${this.expr(stmt.where, scope).sql}` : '';
    return { sql: `UPDATE ${target.sql} AS ${quoteIdent(alias)} SET ${sets.join(', ')}${fromSql}${where}` };
  }

  private setClause(target: ResolvedRelation, set: { column: A.Ident; value: A.Expr }, scope: Scope): string {
    const column = this.targetColumns(target, [set.column])[0]!;
    return `${quoteIdent(column.name)} = ${this.assign(this.expr(set.value, scope), column)}`;
  }

  merge(stmt: A.MergeStatement): { sql: string } {
    const target = this.ctx.resolveTable(stmt.table);
    const scope = new Scope(undefined);
    const alias = this.nextAlias();
    this.addRel(scope, alias, stmt.alias ? { name: stmt.alias } : undefined, stmt.table.parts.map((p) => p.name), target.columns.map((c) => ({ name: c.name, type: c.type ? canonical(c.type) : undefined })));
    const source = this.fromItem(stmt.source, scope).sql;
    // WHEN NOT MATCHED … INSERT has no target row: its values name the source's columns alone, so a
    // column both tables have (k) is the source's, not ambiguous.
    const sourceScope = new Scope(undefined);
    sourceScope.rels = scope.rels.slice(1);
    const on = this.expr(stmt.on, scope).sql;
    const condition = (c?: A.Expr) => (c ? ` AND ${this.expr(c, scope).sql}` : '');
    const clause = (c: A.MergeClause, matched: boolean): string => {
      const head = `WHEN ${matched ? '' : 'NOT '}MATCHED${condition(c.condition)} THEN `;
      switch (c.kind) {
        case 'update':
          return head + `UPDATE SET ${c.set.map((x) => this.setClause(target, x, scope)).join(', ')}`;
        case 'delete':
          return head + 'DELETE';
        case 'insert': {
          const columns = this.targetColumns(target, c.columns);
          if (columns.length !== c.values.length) throw columnCountMismatch(columns.length, c.values.length);
          const values = c.values.map((v, i) => this.assign(this.expr(v, sourceScope), columns[i]!));
          return head + `INSERT (${columns.map((x) => quoteIdent(x.name)).join(', ')}) VALUES (${values.join(', ')})`;
        }
      }
    };
    const clauses = [...stmt.matched.map((c) => clause(c, true)), ...stmt.notMatched.map((c) => clause(c, false))];
    return { sql: `MERGE INTO ${target.sql} AS ${quoteIdent(alias)} USING ${source} ON ${on} ${clauses.join(' ')}` };
  }

  delete(stmt: A.DeleteStatement): { sql: string } {
    const target = this.ctx.resolveTable(stmt.table);
    const scope = new Scope(undefined);
    const alias = this.nextAlias();
    this.addRel(scope, alias, stmt.alias ? { name: stmt.alias } : undefined, stmt.table.parts.map((p) => p.name), target.columns.map((c) => ({ name: c.name, type: c.type ? canonical(c.type) : undefined })));
    const using = stmt.using?.length ? ` USING ${this.fromList(stmt.using, scope)}` : '';
    const where = stmt.where ? ` WHERE ${this.expr(stmt.where, scope).sql}` : '';
    return { sql: `DELETE FROM ${target.sql} AS ${quoteIdent(alias)}${using}${where}` };
  }
}

// ───────────────────────────────────────── helpers ───────────────────────────────────────────────

/** Does `t.col` / `s.t.col` / `db.s.t.col`'s qualifier name this relation? (suffix match) */
function matchesQualifier(rel: Rel, qualifier: A.Ident[]): boolean {
  const q = qualifier.map((p) => p.name);
  if (q.length > rel.qualifier.length) return false;
  const tail = rel.qualifier.slice(rel.qualifier.length - q.length);
  return q.every((p, i) => p === tail[i]);
}

/**
 * Snowflake's name for an unaliased select item: a column keeps its name; anything else is its text,
 * upper-cased outside double quotes (COUNT(*), 1, T.V:A::STRING).
 */
function outputName(item: A.SelectItem): string {
  if (item.expr.kind === 'column') return item.expr.parts[item.expr.parts.length - 1]!.name;
  return item.text.replace(/("(?:[^"]|"")*")|([^"]+)/g, (_, quoted: string | undefined, plain: string | undefined) => quoted ?? plain!.toUpperCase());
}

function numberLiteral(text: string): Typed {
  if (/[eE]/.test(text)) return { sql: text, type: FLOAT };
  const [whole = '', frac = ''] = text.split('.');
  const digits = (whole.replace(/^0+/, '') + frac).length || 1;
  if (digits > 38) return { sql: text, type: FLOAT };
  return { sql: text, type: NUMBER(Math.max(digits, 1), frac.length) };
}

/** A VARIANT compared with a typed scalar is converted to the scalar's type, as Snowflake does. */
function coerceForCompare(e: Typed, other?: A.DataType): Typed {
  if (!isSemi(e.type) || !other || isSemi(other)) return e;
  if (isNumeric(other)) return castTo(e, FLOAT);
  return castTo(e, other);
}

/** NUMBER / NUMBER keeps a decimal result with Snowflake's scale; division by zero is an error. */
function divide(l: Typed, r: Typed): Typed {
  const ln = isSemi(l.type) ? castTo(l, FLOAT) : l;
  const rn = isSemi(r.type) ? castTo(r, FLOAT) : r;
  const guard = (q: string) => `(CASE WHEN ${rn.sql} = 0 THEN error('Division by zero') ELSE ${q} END)`;
  if (isFixed(ln.type) && (isFixed(rn.type) || !rn.type)) {
    const scale = Math.max(scaleOf(ln.type), Math.min(scaleOf(ln.type) + 6, 12));
    return { sql: guard(`CAST(CAST(${ln.sql} AS DOUBLE) / CAST(${rn.sql} AS DOUBLE) AS DECIMAL(38,${scale}))`), type: NUMBER(38, scale) };
  }
  return { sql: guard(`(CAST(${ln.sql} AS DOUBLE) / CAST(${rn.sql} AS DOUBLE))`), type: FLOAT };
}

function arithmeticType(op: string, l?: A.DataType, r?: A.DataType): A.DataType | undefined {
  if (l?.name === 'FLOAT' || r?.name === 'FLOAT') return FLOAT;
  if (isFixed(l) && isFixed(r)) {
    const scale = op === '*' ? Math.min(scaleOf(l) + scaleOf(r), Math.max(scaleOf(l), scaleOf(r), 12)) : Math.max(scaleOf(l), scaleOf(r));
    return NUMBER(38, scale);
  }
  return l ?? r;
}

/** 'a.b[0]' → '$."a"."b"[0]' */
function pathFromText(path: string): string {
  const steps: Array<{ kind: 'field'; name: string } | { kind: 'index'; index: number }> = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) {
    if (m[1] !== undefined) steps.push({ kind: 'field', name: m[1].replace(/^"|"$/g, '') });
    else steps.push({ kind: 'index', index: Number(m[2]) });
  }
  return jsonPathLiteral(steps);
}

// papi local's own primary-key lookup for hybrid tables. DuckDB (1.5) plans a prepared statement with
// binds again on every run (0.43 ms for one bind, about 1 ms for ten, whatever the table's size), which
// was most of papi local's share of the service's point lookup. A query that is exactly
//   SELECT <columns of the table, or *> FROM <one hybrid table> WHERE <its one-column key> = ? | IN (?, …)
// is answered from an index (key → rows) built from one scan of the table, holding the very DuckDB values
// that scan read; the caller encodes them exactly as it encodes DuckDB's own answer. Anything else —
// another shape, a bind of another type or form, a table past MAX_ROWS or MAX_TEXT — goes the usual way.
//
// The index never outlives a change: the engine drops every index (forget) on each statement that is not
// a query, on every catalog change and when a failed statement is rolled back (engine.ts), the same
// places its translation cache and prepared statements follow.
import { DuckDBDecimalValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import type * as ast from '../sql/ast.js';
import { quoteIdent } from '../sql/render.js';
import type { Bind } from '../types.js';
import type { TableEntry } from './catalog.js';
import type { Storage } from './storage.js';
import { parseTypeText } from './tables.js';

/** Tables with more rows, or more text (characters, roughly bytes) are not indexed (memory): their lookups go the usual way. */
export const MAX_ROWS = 100_000;
export const MAX_TEXT = 64 * 1024 * 1024;
/**
 * Keys a table looks up the usual way after a change before it is indexed: a table written between
 * every few lookups never pays a scan per lookup. A larger table waits longer (its scan costs more, and
 * one found past the limits is scanned again only after 1,000 more keys), so a scan costs at most about
 * 0.1 ms per key looked up. Keys, not lookups: DuckDB's plan of a lookup grows with its binds (about
 * 1 ms for ten), and the service batches its misses (up to 100 ids a lookup): counted by lookups, a
 * cold service's first 18 batches went the slow way, one at a time, while its misses waited (#16.5).
 * The first lookup after a change always goes the usual way.
 */
export function keysBeforeIndexing(lastRows: number): number {
  return 8 + Math.ceil(lastRows / 100);
}

/** A query of the point-lookup shape, resolved against its table (statements/dml.ts keeps it with the translation). */
export interface PointLookup {
  table: number;
  storage: string;
  /** The result's columns, as positions in the table. */
  columns: number[];
  key: number;
  keyKind: 'integer' | 'text';
  /** The bind numbers (1-based) of the key's values. */
  binds: number[];
}

const INTEGER_TYPES = new Set(['NUMBER', 'DECIMAL', 'NUMERIC', 'INT', 'INTEGER', 'BIGINT', 'SMALLINT', 'TINYINT', 'BYTEINT']);
const TEXT_TYPES = new Set(['VARCHAR', 'STRING', 'TEXT', 'CHAR', 'CHARACTER', 'NCHAR', 'NVARCHAR', 'NVARCHAR2', 'CHAR VARYING', 'NCHAR VARYING']);

/** Only the listed keys, each one a plain value: a field the AST gains later makes the shape unknown. */
function onlyKeys(node: object, allowed: readonly string[]): boolean {
  return Object.entries(node).every(([key, value]) => value === undefined || allowed.includes(key));
}

/** The point-lookup shape of `query` on `table` (the one table the translation resolved), or undefined. */
export function pointLookupOf(query: ast.Query, table: TableEntry): PointLookup | undefined {
  if (table.kind !== 'HYBRID' || table.primaryKey?.length !== 1) return undefined;
  if (!onlyKeys(query, ['body'])) return undefined;
  const body = query.body;
  if (body.kind !== 'select' || body.distinct || !onlyKeys(body, ['kind', 'distinct', 'items', 'from', 'where'])) return undefined;
  const from = body.from[0];
  if (body.from.length !== 1 || from?.kind !== 'table' || !onlyKeys(from, ['kind', 'name', 'alias'])) return undefined;
  if (from.alias && !onlyKeys(from.alias, ['name'])) return undefined;
  const position = (name: string) => table.columns.findIndex((c) => c.name === name);
  const columns: number[] = [];
  for (const item of body.items) {
    if (!onlyKeys(item, ['expr', 'alias', 'text'])) return undefined;
    if (item.expr.kind === 'star' && !item.expr.qualifier) columns.push(...table.columns.map((_, i) => i));
    else if (item.expr.kind === 'column' && item.expr.parts.length === 1 && position(item.expr.parts[0]!.name) >= 0) columns.push(position(item.expr.parts[0]!.name));
    else return undefined;
  }
  const filter = keyFilter(body.where);
  if (!filter || filter.column !== table.primaryKey[0]) return undefined;
  const key = position(filter.column);
  const keyType = key >= 0 ? parseTypeText(table.columns[key]!.type) : undefined;
  if (!keyType) return undefined;
  const keyKind = INTEGER_TYPES.has(keyType.name) && (keyType.args[1] ?? 0) === 0 ? 'integer' : TEXT_TYPES.has(keyType.name) ? 'text' : undefined;
  if (!keyKind) return undefined;
  return { table: table.id, storage: table.storage, columns, key, keyKind, binds: filter.binds };
}

/** `col = ?`, `? = col` or `col IN (?, …)` with a one-part column name. */
function keyFilter(where: ast.Expr | undefined): { column: string; binds: number[] } | undefined {
  const column = (e: ast.Expr) => (e.kind === 'column' && e.parts.length === 1 ? e.parts[0]!.name : undefined);
  if (where?.kind === 'binary' && where.op === '=') {
    if (where.right.kind === 'bind' && column(where.left)) return { column: column(where.left)!, binds: [where.right.index] };
    if (where.left.kind === 'bind' && column(where.right)) return { column: column(where.right)!, binds: [where.left.index] };
    return undefined;
  }
  if (where?.kind === 'inList' && !where.not && column(where.operand) && where.list.length > 0 && where.list.every((e) => e.kind === 'bind'))
    return { column: column(where.operand)!, binds: where.list.map((e) => (e as ast.BindExpr).index) };
  return undefined;
}

/** A bind as the key it finds: only the forms whose comparison is plain equality (else undefined). */
function keyOfBind(bind: Bind | undefined, kind: PointLookup['keyKind']): string | undefined {
  if (!bind || typeof bind.value !== 'string') return undefined;
  const type = bind.type.toUpperCase();
  if (kind === 'text') return type === 'TEXT' ? bind.value : undefined;
  if (type !== 'FIXED') return undefined;
  const text = bind.value.trim();
  // Integers only, within NUMBER(38,0): DuckDB compares them exactly with the key.
  return /^[+-]?\d{1,38}$/.test(text) ? BigInt(text).toString() : undefined;
}

/** A stored key as the same text keyOfBind gives. */
function keyOfValue(value: DuckDBValue): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof DuckDBDecimalValue) return value.scale === 0 ? value.value.toString() : undefined;
  return typeof value === 'string' || typeof value === 'bigint' || typeof value === 'number' ? String(value) : undefined;
}

interface TableIndex {
  types: DuckDBType[];
  /** Every row in the order the scan read it (DuckDB keeps insertion order). */
  rows: DuckDBValue[][];
  /** Key → positions in `rows`. */
  positions: Map<string, number[]>;
}

interface TableState {
  /** Keys looked up since the last change. */
  keys: number;
  index?: TableIndex;
  /** More than MAX_ROWS rows or MAX_TEXT text: not indexed until the next change. */
  tooLarge?: boolean;
}

export class PointLookupIndexes {
  private readonly tables = new Map<number, TableState>();

  constructor(private readonly limits = { rows: MAX_ROWS, text: MAX_TEXT }) {}

  /** Rows each table had when last indexed (how long the next one waits). */
  private readonly sizes = new Map<number, number>();
  /** Lookups answered from an index so far (tests tell the two paths apart by it). */
  answered = 0;

  /** Something may have changed: no index is trusted again until rebuilt from a new scan. */
  forget(): void {
    this.tables.clear();
  }

  /**
   * The rows `lookup` finds with `binds` (in the table's order, as DuckDB's scan gives them), or
   * undefined: answer the usual way. Call under the storage's lock, after the statement's access checks.
   */
  async find(storage: Storage, lookup: PointLookup, binds: readonly Bind[]): Promise<{ types: DuckDBType[]; rows: DuckDBValue[][] } | undefined> {
    const keys = new Set<string>();
    for (const n of lookup.binds) {
      const key = keyOfBind(binds[n - 1], lookup.keyKind);
      if (key === undefined) return undefined;
      keys.add(key);
    }
    const index = await this.indexOf(storage, lookup, keys.size);
    if (!index) return undefined;
    const found: number[] = [];
    for (const key of keys) found.push(...(index.positions.get(key) ?? []));
    found.sort((a, b) => a - b);
    this.answered++;
    return { types: lookup.columns.map((c) => index.types[c]!), rows: found.map((p) => lookup.columns.map((c) => index.rows[p]![c]!)) };
  }

  private async indexOf(storage: Storage, lookup: PointLookup, keys: number): Promise<TableIndex | undefined> {
    let state = this.tables.get(lookup.table);
    if (!state) this.tables.set(lookup.table, (state = { keys: 0 }));
    if (state.index || state.tooLarge) return state.index;
    // Counted before this lookup's keys: one key at a time, the 18th lookup of a 943-row table scans, as before.
    const before = state.keys;
    state.keys += keys;
    if (before === 0 || before + 1 < keysBeforeIndexing(this.sizes.get(lookup.table) ?? 0)) return undefined;
    const result = await storage.query(`SELECT * FROM ${quoteIdent(lookup.storage)} LIMIT ${this.limits.rows + 1}`);
    this.sizes.set(lookup.table, result.rows.length);
    if (result.rows.length > this.limits.rows) {
      state.tooLarge = true;
      return undefined;
    }
    let text = 0;
    for (const row of result.rows) for (const cell of row) text += typeof cell === 'string' ? cell.length : 16;
    if (text > this.limits.text) {
      state.tooLarge = true;
      return undefined;
    }
    const positions = new Map<string, number[]>();
    for (const [p, row] of result.rows.entries()) {
      const key = keyOfValue(row[lookup.key]!);
      if (key === undefined) continue;
      const at = positions.get(key);
      if (at) at.push(p);
      else positions.set(key, [p]);
    }
    state.index = { types: result.types, rows: result.rows, positions };
    return state.index;
  }
}

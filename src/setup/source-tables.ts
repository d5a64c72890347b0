// data.source: tables — the ratings, titles and users already in the account, read in place. papi
// creates views named like the tables it loads otherwise (sql/data/views.sql), so the recommendation
// SQL stays one; this module resolves the mapping from papi.yaml and checks, before anything is
// created, that the tables and columns exist with usable types, and (once the admin role exists)
// that the role may SELECT from them. Snowflake facts relied on: DESCRIBE TABLE's name and type
// columns (https://docs.snowflake.com/en/sql-reference/sql/desc-table), SHOW GRANTS ON <object>'s
// privilege and grantee_name (https://docs.snowflake.com/en/sql-reference/sql/show-grants), and
// TO_TIMESTAMP_NTZ(<number>) reading seconds since the epoch (https://docs.snowflake.com/sql-reference/functions/to_timestamp).
import type { PapiConfig } from '../config/types.js';
import { checkIdentifier, IdentifierError } from '../snowflake/identifiers.js';
import type { StatementRunner } from '../snowflake/runner.js';
import { splitStatements } from '../snowflake/splitter.js';
import { identifier, keyword, qualified, renderFile, renderValue, type TemplateValue } from '../snowflake/template.js';
import { ConfigError, UsageError } from '../ui/errors.js';
import { isMissingObject } from './fingerprints.js';

export const TABLES_SOURCE = 'tables';

type Kind = 'number' | 'integer' | 'text' | 'timestamp';

/** papi's columns of each table: its name for it in data.columns, the default column name, the types it reads. */
const COLUMNS = {
  ratings: { user: 'USER_ID', item: 'ITEM_ID', rating: 'RATING', timestamp: undefined },
  titles: { item: 'ITEM_ID', title: 'TITLE' },
  users: { user: 'ID' },
} as const;

export type SourceKind = keyof typeof COLUMNS;

export interface SourceTable {
  kind: SourceKind;
  /** Stored (upper-case) parts: DB, SCHEMA, TABLE. */
  parts: [string, string, string];
  /** papi's name for a column → the table's column (stored form); absent: not mapped (timestamp only). */
  columns: Record<string, string | undefined>;
}

export function readsTables(config: PapiConfig): boolean {
  return config.data.source === TABLES_SOURCE;
}

/** The mapping of papi.yaml, validated: every name a plain identifier, every table DB.SCHEMA.TABLE. */
export function sourceTables(config: PapiConfig): SourceTable[] {
  return (Object.keys(COLUMNS) as SourceKind[]).map((kind) => {
    const name = config.data.tables?.[kind];
    if (!name)
      throw new ConfigError(`data.source is tables, and data.tables.${kind} is not set`, {
        hint: `Name the ${kind} table in papi.yaml: data.tables.${kind}: DATABASE.SCHEMA.TABLE.`,
      });
    const parts = name.split('.');
    if (parts.length !== 3)
      throw new ConfigError(`data.tables.${kind}: "${name}" is not a fully qualified name`, { hint: 'Write it as DATABASE.SCHEMA.TABLE (plain Snowflake names).' });
    const mapped = (config.data.columns?.[kind] ?? {}) as Record<string, string | undefined>;
    const columns: Record<string, string | undefined> = {};
    try {
      const stored = parts.map((p) => checkIdentifier(p, `data.tables.${kind}`)) as [string, string, string];
      for (const [column, fallback] of Object.entries(COLUMNS[kind])) {
        const given = mapped[column] ?? fallback;
        columns[column] = given === undefined ? undefined : checkIdentifier(given, `data.columns.${kind}.${column}`);
      }
      return { kind, parts: stored, columns };
    } catch (error) {
      if (error instanceof IdentifierError) throw new ConfigError(error.message, { hint: 'Table and column names are plain Snowflake names (letters, digits, _ and $).' });
      throw error;
    }
  });
}

/** The template values of sql/data/views.sql for the mapping. */
export function viewValues(tables: SourceTable[]): Record<string, TemplateValue> {
  const values: Record<string, TemplateValue> = {};
  for (const table of tables) {
    values[`${table.kind}_source`] = qualified(table.parts, `data.tables.${table.kind}`);
    for (const [column, name] of Object.entries(table.columns))
      values[`${table.kind}_${column}`] = name === undefined ? keyword('NULL', ['NULL']) : identifier(name, `data.columns.${table.kind}.${column}`);
  }
  return values;
}

/** The one statement of a sql/state/ template about a source table. */
function statementFor(template: string, table: SourceTable): string {
  const [statement] = splitStatements(renderFile(template, { table: qualified(table.parts, `data.tables.${table.kind}`) }));
  return statement!.text;
}

function shown(table: SourceTable): string {
  return renderValue('table', qualified(table.parts));
}

/** The kinds of column papi can read for each of its columns. */
function wanted(column: string, config: PapiConfig): Kind[] {
  if (column === 'user') return config.service.idFormat === 'alphanumeric' ? ['text', 'integer'] : ['integer'];
  if (column === 'item') return ['integer'];
  if (column === 'rating') return ['number', 'integer'];
  if (column === 'timestamp') return ['timestamp', 'number', 'integer'];
  return ['text', 'number', 'integer', 'timestamp']; // a title: any value reads as text
}

/** A DESCRIBE type text as the kind papi reads it as: NUMBER(38,0) → integer, FLOAT → number, … */
function kindOf(type: string): Kind | undefined {
  const t = type.toUpperCase();
  const number = /^(NUMBER|DECIMAL|NUMERIC)\((\d+),(\d+)\)/.exec(t);
  if (number) return number[3] === '0' ? 'integer' : 'number';
  if (/^(INT|INTEGER|BIGINT|SMALLINT|TINYINT|BYTEINT|NUMBER)$/.test(t)) return 'integer';
  if (/^(FLOAT|DOUBLE|REAL)/.test(t)) return 'number';
  if (/^(VARCHAR|TEXT|STRING|CHAR)/.test(t)) return 'text';
  if (/^(TIMESTAMP|DATE)/.test(t)) return 'timestamp';
  return undefined;
}

const KIND_NAMES: Record<Kind, string> = { integer: 'an integer NUMBER', number: 'a number', text: 'text (VARCHAR)', timestamp: 'a timestamp' };

/**
 * Before anything is created: each table exists, each mapped column exists with a type papi can read.
 * Every problem is named at once (exit 2), with what to do.
 */
export async function checkSourceTables(conn: StatementRunner, config: PapiConfig): Promise<void> {
  const problems: string[] = [];
  for (const table of sourceTables(config)) {
    let rows;
    try {
      rows = await conn.execute(statementFor('state/source-columns.sql', table));
    } catch (error) {
      if (isMissingObject(error)) {
        problems.push(`data.tables.${table.kind}: the table ${shown(table)} does not exist, or this connection's role cannot see it`);
        continue;
      }
      throw error;
    }
    const types = new Map(rows.map((row) => [String(row.name), String(row.type)]));
    for (const [column, name] of Object.entries(table.columns)) {
      if (name === undefined) continue;
      const type = types.get(name);
      const where = `data.columns.${table.kind}.${column}`;
      if (type === undefined) {
        problems.push(`${where}: ${shown(table)} has no column ${name} (it has ${[...types.keys()].join(', ')})`);
        continue;
      }
      const accepted = wanted(column, config);
      const kind = kindOf(type);
      if (!kind || !accepted.includes(kind))
        problems.push(`${where}: ${shown(table)}.${name} is ${type}; papi reads it as ${accepted.map((k) => KIND_NAMES[k]).join(' or ')}`);
    }
  }
  if (problems.length)
    throw new UsageError(`The tables of data.source: tables cannot be read as mapped:\n  - ${problems.join('\n  - ')}`, {
      code: 'SOURCE_TABLES',
      hint: 'Map papi\'s columns to the tables\' own in papi.yaml (data.columns.ratings.user, .item, .rating, .timestamp; data.columns.titles.item, .title; data.columns.users.user), or fix the tables. Nothing was created.',
    });
}

/** Once the admin role exists: it holds SELECT (or owns) each table; otherwise the exact GRANTs to run. */
export async function checkSourceGrants(conn: StatementRunner, config: PapiConfig): Promise<void> {
  const role = checkIdentifier(config.snowflake.adminRole, 'snowflake.adminRole');
  const missing: string[] = [];
  for (const table of sourceTables(config)) {
    const rows = await conn.execute(statementFor('state/source-grants.sql', table));
    const granted = rows.some((row) => String(row.grantee_name) === role && ['SELECT', 'OWNERSHIP'].includes(String(row.privilege)));
    if (!granted) missing.push(`GRANT SELECT ON TABLE ${shown(table)} TO ROLE ${renderValue('role', identifier(role))};`);
  }
  if (missing.length)
    throw new UsageError(`The admin role ${role} may not read the tables of data.source: tables (it needs SELECT on them, nothing more).`, {
      code: 'SOURCE_TABLES_GRANT',
      hint: `Run as a role that owns the tables (or holds SELECT on them WITH GRANT OPTION):\n  ${missing.join('\n  ')}\nthen papi setup again.`,
    });
}

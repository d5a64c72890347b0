// <database>.INFORMATION_SCHEMA.TABLES, COLUMNS and SCHEMATA: read-only views over the catalog,
// built as a subquery of literals holding only what the current role can see; and the table function
// QUERY_HISTORY_BY_SESSION(), the session's own latest statements, newest first
// (https://docs.snowflake.com/en/sql-reference/functions/query_history), and TASK_HISTORY(…), the
// account's task runs, newest first, with the next scheduled run of each started task
// (https://docs.snowflake.com/en/sql-reference/functions/task_history).
import { doesNotExist, invalid } from '../formats/messages.js';
import type { DataType, PropertyValue } from '../sql/ast.js';
import { quoteIdent } from '../sql/render.js';
import type { DatabaseEntry } from './catalog.js';
import type { Exec } from './core.js';
import { display, type QualifiedName } from './name-resolution.js';
import { parseTypeText, tableSecurable } from './tables.js';
import { allTasks } from './tasks.js';

type Value = string | number | null;
interface View {
  /** TIMESTAMP_LTZ values are milliseconds since the epoch. */
  columns: Array<[string, 'VARCHAR' | 'NUMBER' | 'TIMESTAMP_LTZ']>;
  rows: (db: DatabaseEntry, ex: Exec, args: Record<string, PropertyValue>) => Value[][];
}

const VIEWS: Record<string, View> = {
  TASK_HISTORY: {
    columns: [
      ['QUERY_ID', 'VARCHAR'],
      ['NAME', 'VARCHAR'],
      ['DATABASE_NAME', 'VARCHAR'],
      ['SCHEMA_NAME', 'VARCHAR'],
      ['QUERY_TEXT', 'VARCHAR'],
      ['CONDITION_TEXT', 'VARCHAR'],
      ['STATE', 'VARCHAR'],
      ['ERROR_CODE', 'NUMBER'],
      ['ERROR_MESSAGE', 'VARCHAR'],
      ['SCHEDULED_TIME', 'TIMESTAMP_LTZ'],
      ['QUERY_START_TIME', 'TIMESTAMP_LTZ'],
      ['NEXT_SCHEDULED_TIME', 'TIMESTAMP_LTZ'],
      ['COMPLETED_TIME', 'TIMESTAMP_LTZ'],
      ['ROOT_TASK_ID', 'VARCHAR'],
      ['GRAPH_VERSION', 'NUMBER'],
      ['RUN_ID', 'NUMBER'],
      ['RETURN_VALUE', 'VARCHAR'],
    ],
    rows: (_db, ex, args) => taskHistoryRows(ex, args),
  },
  QUERY_HISTORY_BY_SESSION: {
    columns: [
      ['QUERY_TEXT', 'VARCHAR'],
      ['DATABASE_NAME', 'VARCHAR'],
      ['SCHEMA_NAME', 'VARCHAR'],
      ['USER_NAME', 'VARCHAR'],
      ['ROLE_NAME', 'VARCHAR'],
      ['WAREHOUSE_NAME', 'VARCHAR'],
      ['QUERY_TAG', 'VARCHAR'],
      ['EXECUTION_STATUS', 'VARCHAR'],
      ['ERROR_CODE', 'VARCHAR'],
      ['ERROR_MESSAGE', 'VARCHAR'],
      ['START_TIME', 'TIMESTAMP_LTZ'],
      ['END_TIME', 'TIMESTAMP_LTZ'],
      ['TOTAL_ELAPSED_TIME', 'NUMBER'],
    ],
    rows: (_db, ex) =>
      [...(ex.session.history ?? [])]
        .reverse()
        .map((q) => [q.text, q.database ?? null, q.schema ?? null, q.user, q.role, q.warehouse ?? null, q.tag, q.status, q.errorCode ?? null, q.errorMessage ?? null, q.start, q.end ?? null, q.end === undefined ? null : q.end - q.start]),
  },
  SCHEMATA: {
    columns: [['CATALOG_NAME', 'VARCHAR'], ['SCHEMA_NAME', 'VARCHAR'], ['SCHEMA_OWNER', 'VARCHAR'], ['COMMENT', 'VARCHAR']],
    rows: (db, ex) =>
      Object.values(db.schemas)
        .filter((s) => ex.scope.schema({ database: db.name, schema: s.name }))
        .map((s) => [db.name, s.name, s.owner, s.comment ?? null]),
  },
  TABLES: {
    columns: [['TABLE_CATALOG', 'VARCHAR'], ['TABLE_SCHEMA', 'VARCHAR'], ['TABLE_NAME', 'VARCHAR'], ['TABLE_OWNER', 'VARCHAR'], ['TABLE_TYPE', 'VARCHAR'], ['IS_TRANSIENT', 'VARCHAR'], ['IS_HYBRID', 'VARCHAR'], ['COMMENT', 'VARCHAR']],
    rows: (db, ex) =>
      visibleTables(db, ex).map(({ schema, table }) => [
        db.name,
        schema,
        table.name,
        table.owner,
        table.kind === 'VIEW' ? 'VIEW' : 'BASE TABLE',
        table.kind === 'TRANSIENT' ? 'YES' : 'NO',
        table.kind === 'HYBRID' ? 'YES' : 'NO',
        table.comment ?? null,
      ]),
  },
  COLUMNS: {
    columns: [['TABLE_CATALOG', 'VARCHAR'], ['TABLE_SCHEMA', 'VARCHAR'], ['TABLE_NAME', 'VARCHAR'], ['COLUMN_NAME', 'VARCHAR'], ['ORDINAL_POSITION', 'NUMBER'], ['IS_NULLABLE', 'VARCHAR'], ['DATA_TYPE', 'VARCHAR'], ['CHARACTER_MAXIMUM_LENGTH', 'NUMBER'], ['NUMERIC_PRECISION', 'NUMBER'], ['NUMERIC_SCALE', 'NUMBER']],
    rows: (db, ex) =>
      visibleTables(db, ex).flatMap(({ schema, table }) =>
        table.columns.map((c, i) => {
          const t = parseTypeText(c.type);
          const dataType = t.name === 'VARCHAR' ? 'TEXT' : t.name;
          return [db.name, schema, table.name, c.name, i + 1, c.nullable ? 'YES' : 'NO', dataType, t.name === 'VARCHAR' ? (t.args[0] ?? null) : null, t.name === 'NUMBER' ? (t.args[0] ?? null) : null, t.name === 'NUMBER' ? (t.args[1] ?? null) : null];
        }),
      ),
  },
};

const epoch = (iso: string | undefined): number | null => (iso === undefined ? null : Date.parse(iso));

/** TASK_HISTORY: runs of the tasks the role owns or may operate (dropped tasks: their owner role), plus each started task's SCHEDULED run. */
function taskHistoryRows(ex: Exec, args: Record<string, PropertyValue>): Value[][] {
  const access = ex.scope.access;
  const state = ex.core.state;
  const live = new Map(allTasks(state).map((t) => [t.task.id, t]));
  const visible = (taskId: number, owner: string) => {
    const task = live.get(taskId)?.task;
    return task ? access.has({ objectType: 'TASK', id: task.id, owner: task.owner }, 'MONITOR') || access.has({ objectType: 'TASK', id: task.id, owner: task.owner }, 'OPERATE') : access.owns({ objectType: 'TASK', id: taskId, owner });
  };
  const next = (taskId: number) => epoch(live.get(taskId)?.task.nextRunAt);
  const rows: Array<{ name: string; state: string; at: number; row: Value[] }> = [];
  for (const run of state.taskHistory ?? []) {
    if (!visible(run.taskId, run.owner)) continue;
    const scheduled = Date.parse(run.scheduledTime);
    rows.push({
      name: run.name,
      state: run.state,
      at: scheduled,
      row: [run.queryId, run.name, run.database, run.schema, run.queryText, null, run.state, run.errorCode === undefined ? null : Number(run.errorCode), run.errorMessage ?? null, scheduled, epoch(run.queryStartTime), next(run.taskId), epoch(run.completedTime), String(run.taskId), 1, run.runId, null],
    });
  }
  for (const { database, schema, task } of live.values()) {
    if (task.state !== 'started' || !task.nextRunAt || !visible(task.id, task.owner)) continue;
    const at = Date.parse(task.nextRunAt);
    rows.push({ name: task.name, state: 'SCHEDULED', at, row: [null, task.name, database, schema, task.definition, null, 'SCHEDULED', null, null, at, null, at, null, String(task.id), 1, at, null] });
  }
  const name = args.TASK_NAME?.kind === 'string' ? args.TASK_NAME.value.toUpperCase() : undefined;
  const errorOnly = args.ERROR_ONLY?.kind === 'boolean' && args.ERROR_ONLY.value;
  const limit = args.RESULT_LIMIT?.kind === 'number' ? args.RESULT_LIMIT.value : 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw invalid(`RESULT_LIMIT must be between 1 and 10000, got ${String(limit)}.`);
  return rows
    .filter((r) => (name === undefined || r.name.toUpperCase() === name) && (!errorOnly || r.state === 'FAILED'))
    .sort((a, b) => b.at - a.at)
    .slice(0, limit)
    .map((r) => r.row);
}

function visibleTables(db: DatabaseEntry, ex: Exec) {
  return Object.values(db.schemas)
    .filter((s) => ex.scope.schema({ database: db.name, schema: s.name }))
    .flatMap((s) => Object.values(s.tables).filter((t) => ex.scope.access.sees(tableSecurable(t))).map((table) => ({ schema: s.name, table })));
}

const literal = (value: Value, type: string) =>
  value === null
    ? `CAST(NULL AS ${type})`
    : type === 'TIMESTAMPTZ'
      ? `make_timestamptz(${Number(value) * 1000})`
      : typeof value === 'number'
        ? `CAST(${value} AS ${type})`
        : `'${value.replace(/'/g, "''")}'`;
const DUCK_TYPES = { NUMBER: 'DECIMAL(38,0)', VARCHAR: 'VARCHAR', TIMESTAMP_LTZ: 'TIMESTAMPTZ' } as const;

/** The relation for db.INFORMATION_SCHEMA.<view>, or undefined when `path` is not one. */
export function informationSchemaRelation(ex: Exec, path: QualifiedName, args: Record<string, PropertyValue> = {}): { sql: string; columns: Array<{ name: string; type: DataType }> } | undefined {
  if (path.schema !== 'INFORMATION_SCHEMA') return undefined;
  const view = VIEWS[path.name];
  const db = ex.scope.database(path.database);
  if (!view || !db) throw doesNotExist('Object', display(path.database, path.schema, path.name));
  const types = view.columns.map(([, t]) => DUCK_TYPES[t]);
  const empty = `SELECT ${view.columns.map(([name], i) => `CAST(NULL AS ${types[i]}) AS ${quoteIdent(name)}`).join(', ')} WHERE FALSE`;
  const rows = view.rows(db, ex, args).map((row) => `SELECT ${row.map((v, i) => literal(v, types[i]!)).join(', ')}`);
  return {
    sql: `(${[empty, ...rows].join(' UNION ALL ')})`,
    columns: view.columns.map(([name, t]) => ({ name, type: t === 'NUMBER' ? { name: 'NUMBER', args: [38, 0] } : { name: t, args: [] } })),
  };
}

// Tasks in the catalog: SCHEDULE strings, finding a task, and the task runs that INFORMATION_SCHEMA
// .TASK_HISTORY shows (https://docs.snowflake.com/en/sql-reference/sql/create-task,
// https://docs.snowflake.com/en/sql-reference/functions/task_history). The scheduler that runs them
// is engine/task-scheduler.ts.
import { SqlError } from '../../errors.js';
import { doesNotExist, invalid, unsupported } from '../formats/messages.js';
import type * as ast from '../sql/ast.js';
import { TASK_HISTORY_LIMIT, type CatalogState, type SchemaEntry, type TaskEntry, type TaskRun } from './catalog.js';
import type { Exec } from './core.js';
import { display, type QualifiedName } from './name-resolution.js';
import { Access } from './privileges.js';

const UNIT_MS: Record<string, number> = { SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000 };
/** SCHEDULE's unit words: '<num> MINUTE' (or M) as CREATE TASK documents it, and the plural and hour and second forms. */
const UNITS: Record<string, keyof typeof UNIT_MS> = {
  S: 'SECOND',
  SECOND: 'SECOND',
  SECONDS: 'SECOND',
  M: 'MINUTE',
  MINUTE: 'MINUTE',
  MINUTES: 'MINUTE',
  H: 'HOUR',
  HOUR: 'HOUR',
  HOURS: 'HOUR',
};
/** The longest interval CREATE TASK documents: 11520 minutes (8 days). */
const MAX_PERIOD_MS = 11_520 * 60_000;
/** The shortest: 10 seconds. */
const MIN_PERIOD_MS = 10_000;

/** A SCHEDULE string's period in milliseconds; USING CRON is refused by name (papi local does not evaluate cron). */
export function schedulePeriod(schedule: string): number {
  const text = schedule.trim();
  if (/^USING\s+CRON\b/i.test(text)) throw unsupported("SCHEDULE = 'USING CRON …'");
  const match = /^(\d+)\s*([A-Za-z]+)$/.exec(text);
  const unit = match ? UNITS[match[2]!.toUpperCase()] : undefined;
  if (!match || !unit) throw invalid(`Invalid value ['${schedule}'] for parameter 'SCHEDULE'. Use '<number> MINUTE', '<number> HOURS', '<number> SECONDS' or 'USING CRON <expression> <time zone>'.`);
  const ms = Number(match[1]) * UNIT_MS[unit]!;
  if (ms < MIN_PERIOD_MS || ms > MAX_PERIOD_MS) throw invalid(`Invalid value ['${schedule}'] for parameter 'SCHEDULE': the interval must be between 10 seconds and 11520 minutes.`);
  return ms;
}

export const taskSecurable = (task: TaskEntry) => ({ objectType: 'TASK' as const, id: task.id, owner: task.owner });

/** A task the role can see, with its path and schema; 002003 otherwise. */
export function findTask(ex: Exec, name: ast.ObjectName, action: string): { path: QualifiedName; schema: SchemaEntry; task: TaskEntry } {
  const path = ex.scope.qualify(name, action);
  const schema = ex.scope.schema(path);
  const task = schema?.tasks?.[path.name];
  if (!schema || !task || !ex.scope.access.sees(taskSecurable(task))) throw doesNotExist('Task', display(path.database, path.schema, path.name));
  return { path, schema, task };
}

/**
 * A task runs only when its owner role holds EXECUTE TASK on the account (RESUME and EXECUTE TASK check
 * it). The text is the one Snowflake answers; its code here is papi local's (an access control error).
 */
export function requireOwnerMayExecute(state: CatalogState, task: TaskEntry): void {
  if (new Access(state, task.owner).hasOnAccount('EXECUTE TASK')) return;
  throw new SqlError('003001', '42501', 'SQL access control error:\nCannot execute task , EXECUTE TASK privilege must be granted to owner role');
}

/** Every task in the catalog with where it lives. */
export function allTasks(state: CatalogState): Array<{ database: string; schema: string; task: TaskEntry }> {
  return Object.values(state.databases).flatMap((db) =>
    Object.values(db.schemas).flatMap((schema) => Object.values(schema.tasks ?? {}).map((task) => ({ database: db.name, schema: schema.name, task }))),
  );
}

/** Adds a run to the account's task history, keeping the latest TASK_HISTORY_LIMIT. */
export function recordRun(state: CatalogState, run: TaskRun): void {
  const history = (state.taskHistory ??= []);
  history.push(run);
  if (history.length > TASK_HISTORY_LIMIT) history.splice(0, history.length - TASK_HISTORY_LIMIT);
}

// Tasks: CREATE [OR REPLACE] TASK, ALTER TASK … RESUME | SUSPEND, EXECUTE TASK and DROP TASK
// (https://docs.snowflake.com/en/sql-reference/sql/create-task, …/alter-task, …/execute-task,
// …/drop-task). A task is created suspended; its body runs as its owner role in its warehouse
// (engine/task-scheduler.ts).
import { alreadyExists, created, doesNotExist, dropped, insufficientPrivileges, missingOnDrop, objectExists, statusResult, succeeded, unsupported } from '../formats/messages.js';
import { applyFutureGrants, databaseOf, now, type TaskEntry } from '../model/catalog.js';
import type { Exec } from '../model/core.js';
import { display } from '../model/name-resolution.js';
import { findTask, requireOwnerMayExecute, schedulePeriod, taskSecurable } from '../model/tasks.js';
import type * as ast from '../sql/ast.js';
import { parseTaskBody } from '../sql/parser.js';
import type { StatementResult } from '../types.js';

export function createTask(ex: Exec, stmt: ast.CreateTaskStatement): StatementResult {
  const { path, schema } = ex.scope.targetSchema(stmt.name, 'CREATE TASK', 'CREATE TASK');
  const tasks = (schema.tasks ??= {});
  const existing = tasks[path.name];
  if (existing) {
    if (stmt.ifNotExists) return alreadyExists(path.name);
    if (!stmt.orReplace) throw objectExists('Task', display(path.database, path.schema, path.name));
    if (!ex.scope.access.owns(taskSecurable(existing))) throw insufficientPrivileges('task', path.name);
  }
  // Serverless tasks (no WAREHOUSE) need Snowflake-managed compute papi local does not model.
  if (!stmt.warehouse) throw unsupported('CREATE TASK without WAREHOUSE (serverless tasks)');
  // Triggered tasks (no SCHEDULE) run on stream data papi local does not have.
  if (stmt.schedule === undefined) throw unsupported('CREATE TASK without SCHEDULE (triggered tasks)');
  const periodMs = schedulePeriod(stmt.schedule);
  const warehouse = ex.core.state.warehouses[stmt.warehouse.name];
  if (!warehouse || !ex.scope.access.sees({ objectType: 'WAREHOUSE', id: warehouse.id, owner: warehouse.owner })) throw doesNotExist('Warehouse', display(stmt.warehouse.name));
  if (!ex.scope.access.has({ objectType: 'WAREHOUSE', id: warehouse.id, owner: warehouse.owner }, 'USAGE')) throw insufficientPrivileges('warehouse', warehouse.name);
  // The body is checked now: a body papi local could not run fails here, by name, never at 3 a.m.
  parseTaskBody(stmt.definition);
  const createdOn = now();
  const task: TaskEntry = {
    id: ex.core.nextId(),
    name: path.name,
    owner: ex.session.role,
    createdOn,
    ...(stmt.comment !== undefined ? { comment: stmt.comment } : {}),
    warehouse: warehouse.name,
    schedule: stmt.schedule,
    periodMs,
    definition: stmt.definition,
    state: 'suspended',
    lastCommittedOn: createdOn,
  };
  if (existing) ex.core.state.grants = ex.core.state.grants.filter((g) => g.objectId !== existing.id);
  tasks[path.name] = task;
  applyFutureGrants(ex.core.state, 'TASK', task.id, schema, databaseOf(ex.core.state, schema));
  ex.core.changed();
  ex.core.taskRunner.reschedule();
  return created('Task', path.name);
}

export function alterTask(ex: Exec, stmt: ast.AlterTaskStatement): StatementResult {
  const path = ex.scope.qualify(stmt.name, 'ALTER TASK');
  if (stmt.ifExists && !ex.scope.schema(path)?.tasks?.[path.name]) return succeeded();
  const { task } = findTask(ex, stmt.name, 'ALTER TASK');
  if (!ex.scope.access.has(taskSecurable(task), 'OPERATE')) throw insufficientPrivileges('task', path.name);
  if (stmt.action === 'RESUME') {
    requireOwnerMayExecute(ex.core.state, task);
    if (task.state !== 'started') {
      task.state = 'started';
      // The first run comes one period after RESUME.
      task.nextRunAt = new Date(Date.now() + task.periodMs).toISOString();
    }
  } else if (task.state !== 'suspended') {
    task.state = 'suspended';
    task.lastSuspendedOn = now();
    delete task.nextRunAt;
  }
  ex.core.changed();
  ex.core.taskRunner.reschedule();
  return succeeded();
}

/**
 * EXECUTE TASK: one run now, suspended or not, in the background (the statement returns at once, as on
 * Snowflake: the run shows in TASK_HISTORY). The answer's text is papi local's wording.
 */
export function executeTask(ex: Exec, stmt: ast.ExecuteTaskStatement): StatementResult {
  const { path, task } = findTask(ex, stmt.name, 'EXECUTE TASK');
  if (!ex.scope.access.has(taskSecurable(task), 'OPERATE')) throw insufficientPrivileges('task', path.name);
  requireOwnerMayExecute(ex.core.state, task);
  ex.core.taskRunner.runSoon(task.id);
  return statusResult(`Task ${path.name} is scheduled to run immediately.`);
}

export function dropTask(ex: Exec, stmt: ast.DropStatement): StatementResult {
  const path = ex.scope.qualify(stmt.name, 'DROP TASK');
  const schema = ex.scope.schema(path);
  const task = schema?.tasks?.[path.name];
  if (!schema || !task || !ex.scope.access.sees(taskSecurable(task))) return missingOnDrop(stmt.ifExists, path.name, () => doesNotExist('Task', display(path.database, path.schema, path.name)));
  if (!ex.scope.access.owns(taskSecurable(task))) throw insufficientPrivileges('task', path.name);
  delete schema.tasks![path.name];
  ex.core.state.grants = ex.core.state.grants.filter((g) => g.objectId !== task.id);
  ex.core.changed();
  ex.core.taskRunner.reschedule();
  return dropped(path.name);
}

// The schedule phase: the refresh task (recommender.schedule / --schedule) created and resumed, or —
// with no schedule — dropped. Also what `papi status` shows of it: its state, last and next run.
import type { PapiConfig } from '../config/types.js';
import { REFRESH_TASK, resolveNames, step as renderStep, type PlanStep } from '../snowflake/plan.js';
import { publishedView } from '../snowflake/published.js';
import { runStatement, type Row, type StatementRunner } from '../snowflake/runner.js';
import { scheduleMinutes } from '../snowflake/schedule.js';
import { SnowflakeError, UsageError } from '../ui/errors.js';
import { fingerprint, isMissingObject, type SetupState } from './fingerprints.js';

export interface ScheduleOutcome {
  outcome: 'created' | 'unchanged' | 'applied';
  detail?: string;
}

export async function applySchedule(conn: StatementRunner, config: PapiConfig, step: PlanStep, state: SetupState, debug: (m: string) => void): Promise<ScheduleOutcome> {
  const task = await refreshTask(conn, config, debug);
  if (step.id === 'schedule-off') {
    if (!task) return { outcome: 'unchanged', detail: 'no schedule configured' };
    for (const statement of step.statements) await runStatement(conn, statement, debug);
    await state.set('schedule', '');
    return { outcome: 'applied', detail: 'no schedule configured: the refresh task was dropped' };
  }
  const print = fingerprint(...step.statements.map((s) => s.sql));
  if (task?.state === 'started' && state.get('schedule') === print) return { outcome: 'unchanged', detail: 'same schedule and body' };
  // The body republishes with ALTER TABLE … SWAP WITH; a name published through a view needs the
  // alternating versioned tables, which a plain SQL block cannot choose between.
  if (await publishedView(conn, config.snowflake, debug))
    throw new UsageError('A scheduled refresh needs the published table to be swapped in; on this account it is published through a view (SWAP WITH between hybrid tables was refused).', {
      code: 'SCHEDULE_UNSUPPORTED',
      hint: 'Publish a standard table (papi setup --table-type standard --schedule …), or refresh with papi setup --force when the data changes.',
    });
  for (const statement of step.statements) await runStatement(conn, statement, debug).catch(explainExecuteTask);
  await state.set('schedule', print);
  return { outcome: task ? 'applied' : 'created', detail: `${REFRESH_TASK} runs every ${scheduleMinutes(config.recommender.schedule ?? '')} min` };
}

/** RESUME (and EXECUTE TASK) need EXECUTE TASK on the account for the owner role: say who grants it. */
function explainExecuteTask(error: unknown): never {
  if (error instanceof SnowflakeError && /EXECUTE TASK privilege/i.test(error.message))
    throw new SnowflakeError(error.message, error.snowflakeCode, error.sqlState, {
      cause: error,
      statement: error.statement,
      hint: 'The role that runs setup owns the refresh task and must hold EXECUTE TASK on the account. An ACCOUNTADMIN grants it once: GRANT EXECUTE TASK ON ACCOUNT TO ROLE <that role>; then run papi setup again.',
    });
  throw error;
}

export interface RefreshTask {
  name: string;
  state: string;
  schedule: string;
  warehouse: string;
  owner: string;
}

/** The refresh task from SHOW TASKS, undefined when there is none (or no schema yet). */
export async function refreshTask(conn: StatementRunner, config: PapiConfig, debug?: (m: string) => void): Promise<RefreshTask | undefined> {
  const names = resolveNames(config.snowflake);
  const [show] = renderStep('tasks', 'Tasks', 'schedule', 'schedule/tasks.sql', { recommender_schema: names.recommenderSchema }).statements;
  let rows: Row[];
  try {
    rows = await runStatement(conn, show!, debug);
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw error;
  }
  const row = rows.find((r) => String(r.name) === REFRESH_TASK);
  return row ? { name: REFRESH_TASK, state: String(row.state), schedule: String(row.schedule), warehouse: String(row.warehouse), owner: String(row.owner) } : undefined;
}

export interface RefreshStatus extends RefreshTask {
  /** The latest finished run. */
  lastRun?: { state: string; scheduledTime: string; completedTime?: string; error?: string };
  /** When the next run is due (a started task). */
  nextRun?: string;
  /** Why the runs could not be read (TASK_HISTORY refused: no warehouse, no MONITOR on the task, …). */
  historyError?: string;
}

/** papi status: the refresh task with its last and next run (SHOW TASKS, INFORMATION_SCHEMA.TASK_HISTORY). */
export async function refreshStatus(conn: StatementRunner, config: PapiConfig, debug?: (m: string) => void): Promise<RefreshStatus | undefined> {
  const task = await refreshTask(conn, config, debug);
  if (!task) return undefined;
  const names = resolveNames(config.snowflake);
  const [history] = renderStep('task-history', 'Task history', 'schedule', 'schedule/history.sql', {
    recommender_database: names.recommenderDatabase,
    task_name: names.taskName,
  }).statements;
  let runs: Row[];
  try {
    runs = await runStatement(conn, history!, debug);
  } catch (error) {
    if (!(error instanceof SnowflakeError)) throw error;
    return { ...task, historyError: error.message.split('\n').at(-1)! };
  }
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? undefined : String(v));
  const next = runs.find((r) => r.STATE === 'SCHEDULED');
  const last = runs.find((r) => r.STATE === 'SUCCEEDED' || r.STATE === 'FAILED' || r.STATE === 'CANCELLED');
  return {
    ...task,
    ...(next ? { nextRun: iso(next.SCHEDULED_TIME) } : {}),
    ...(last
      ? {
          lastRun: {
            state: String(last.STATE),
            scheduledTime: iso(last.SCHEDULED_TIME)!,
            ...(iso(last.COMPLETED_TIME) ? { completedTime: iso(last.COMPLETED_TIME) } : {}),
            ...(last.ERROR_MESSAGE ? { error: `${last.ERROR_CODE ?? ''} ${String(last.ERROR_MESSAGE)}`.trim() } : {}),
          },
        }
      : {}),
  };
}

/** The service's cache outlives a refresh: ids it cached keep their old answers up to ttlSeconds. */
export function cacheOutlivesRefresh(config: PapiConfig): string | undefined {
  const schedule = config.recommender.schedule;
  if (!schedule?.trim()) return undefined;
  const period = scheduleMinutes(schedule) * 60;
  const ttl = config.service.cache.ttlSeconds;
  if (ttl <= period) return undefined;
  return `service.cache.ttlSeconds (${ttl} s) is longer than the refresh period (${period} s): the service keeps answering cached ids from an older refresh for up to ${ttl} s. Lower service.cache.ttlSeconds to ${period} or less to serve every refresh.`;
}

/** papi status's lines for the refresh task. */
export function formatRefresh(refresh: RefreshStatus | undefined): string {
  if (!refresh) return 'Scheduled refresh: none (papi setup --schedule \'60 minutes\' creates one)';
  const minutes = /^(\d+) MINUTE$/i.exec(refresh.schedule)?.[1];
  const every = minutes === undefined ? refresh.schedule : minutes === '1' ? 'minute' : `${minutes} minutes`;
  const lines = [`Scheduled refresh ${refresh.name}: ${refresh.state}, every ${every} on warehouse ${refresh.warehouse}`];
  if (refresh.historyError) return [...lines, `  runs: unknown (${refresh.historyError})`].join('\n');
  const last = refresh.lastRun;
  lines.push(last ? `  last run: ${last.state} at ${last.completedTime ?? last.scheduledTime}${last.error ? ` — ${last.error}` : ''}` : '  last run: none yet');
  lines.push(`  next run: ${refresh.nextRun ?? (refresh.state === 'started' ? 'not scheduled yet' : 'none (suspended)')}`);
  return lines.join('\n');
}

// Runs tasks inside papi local: each started task on its schedule (the first run one period after
// RESUME, then every period; a run still going when the next is due makes that one wait), and any
// task at once on EXECUTE TASK. A run executes the body's statements in order, as the task's owner
// role in its warehouse and schema, each like a client's statement (locks, rollback of a failed one);
// the first failure ends the run. Every run is recorded in the catalog (TASK_HISTORY): EXECUTING,
// then SUCCEEDED or FAILED with the error's code and message. The schedule is in the catalog, so it
// goes on after papi local restarts; a run cut short by a stop is recorded as FAILED when it starts again.
import { randomUUID } from 'node:crypto';
import { asSqlError } from './formats/messages.js';
import type { CatalogState, TaskEntry, TaskRun } from './model/catalog.js';
import type { TaskRunner } from './model/core.js';
import { allTasks, recordRun } from './model/tasks.js';
import { parseTaskBody } from './sql/parser.js';
import type { SessionState } from './types.js';

export interface TaskHost {
  /** The live catalog. */
  state(): CatalogState;
  /** Changes the catalog under the engine's lock and saves it. */
  mutate(change: (state: CatalogState) => void): Promise<void>;
  /** Runs one statement for a session, as the SQL API would. */
  execute(session: SessionState, sql: string): Promise<unknown>;
}

/** Tasks run as this user, as Snowflake's task runs show the SYSTEM user. */
const TASK_USER = 'SYSTEM';
/** A long timer is re-armed at least this often (setTimeout's limit is about 24 days). */
const MAX_WAIT_MS = 3_600_000;

export class TaskScheduler implements TaskRunner {
  private timer?: NodeJS.Timeout;
  private readonly pending = new Set<number>();
  private readonly running = new Set<number>();
  private readonly runs = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly host: TaskHost) {}

  /** After the catalog is loaded: runs left EXECUTING by a stop are failed, then the schedule starts. */
  async start(): Promise<void> {
    const interrupted = (this.host.state().taskHistory ?? []).some((r) => r.state === 'EXECUTING');
    if (interrupted)
      await this.host.mutate((state) => {
        for (const run of state.taskHistory ?? [])
          if (run.state === 'EXECUTING') Object.assign(run, { state: 'FAILED', completedTime: new Date().toISOString(), errorCode: '000604', errorMessage: 'The run was cut short: papi local stopped while it ran.' });
      });
    this.reschedule();
  }

  runSoon(taskId: number): void {
    this.pending.add(taskId);
    this.arm(0);
  }

  reschedule(): void {
    this.arm();
  }

  /** Stops scheduling and waits for the runs in progress to end (their next statement fails). */
  async stop(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.runs]);
  }

  private arm(delay?: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    let wait = delay;
    if (wait === undefined) {
      const due = allTasks(this.host.state())
        .filter(({ task }) => task.state === 'started' && task.nextRunAt)
        .map(({ task }) => Date.parse(task.nextRunAt!));
      if (due.length === 0 && this.pending.size === 0) return;
      wait = this.pending.size > 0 ? 0 : Math.max(0, Math.min(...due) - Date.now());
    }
    this.timer = setTimeout(() => void this.tick(), Math.min(wait, MAX_WAIT_MS));
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    const requested = new Set(this.pending);
    this.pending.clear();
    const due: Array<{ database: string; schema: string; task: TaskEntry; scheduled: boolean }> = [];
    for (const entry of allTasks(this.host.state())) {
      const scheduled = entry.task.state === 'started' && entry.task.nextRunAt !== undefined && Date.parse(entry.task.nextRunAt) <= now;
      if (scheduled || requested.has(entry.task.id)) due.push({ ...entry, scheduled });
    }
    if (due.some((d) => d.scheduled))
      await this.host
        .mutate((state) => {
          for (const { task } of allTasks(state)) {
            if (task.state !== 'started' || !task.nextRunAt) continue;
            let next = Date.parse(task.nextRunAt);
            while (next <= now) next += task.periodMs;
            task.nextRunAt = new Date(next).toISOString();
          }
        })
        .catch(() => undefined);
    for (const entry of due) {
      // One run of a task at a time: a scheduled run due while one goes on waits for the next period.
      if (this.running.has(entry.task.id)) continue;
      const run = this.run(entry.database, entry.schema, entry.task).finally(() => {
        this.runs.delete(run);
        this.running.delete(entry.task.id);
      });
      this.running.add(entry.task.id);
      this.runs.add(run);
    }
    this.arm();
  }

  private async run(database: string, schema: string, task: TaskEntry): Promise<void> {
    const started = new Date().toISOString();
    const record: TaskRun = {
      runId: Date.now(),
      queryId: randomUUID(),
      taskId: task.id,
      owner: task.owner,
      database,
      schema,
      name: task.name,
      queryText: task.definition,
      state: 'EXECUTING',
      scheduledTime: started,
      queryStartTime: started,
    };
    const finish = (outcome: Partial<TaskRun>) =>
      this.host
        .mutate((state) => {
          const stored = (state.taskHistory ?? []).find((r) => r.queryId === record.queryId);
          if (stored) Object.assign(stored, { completedTime: new Date().toISOString(), ...outcome });
        })
        .catch(() => undefined);
    try {
      await this.host.mutate((state) => recordRun(state, record));
    } catch {
      return; // papi local is closing
    }
    const session: SessionState = { user: TASK_USER, role: task.owner, database, schema, warehouse: task.warehouse, parameters: {} };
    try {
      for (const { text } of parseTaskBody(task.definition)) {
        if (this.closed) throw new Error('papi local stopped while the task ran.');
        await this.host.execute(session, text);
      }
      await finish({ state: 'SUCCEEDED' });
    } catch (error) {
      const failure = asSqlError(error);
      await finish({ state: 'FAILED', errorCode: failure.code, errorMessage: failure.message });
    }
  }
}

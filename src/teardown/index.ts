// papi teardown: every DROP … IF EXISTS of the teardown plan in order, each step reported as dropped
// or absent (already gone), so a second teardown is a visible no-op. Asks first (confirmDestructive).
import { rm } from 'node:fs/promises';
import type { ConnectedContext, Context } from '../context.js';
import { projectPaths } from '../project.js';
import { combineOutcomes, outcomeOf, type Outcome } from '../snowflake/outcome.js';
import { teardownPlan, type PlanStep } from '../snowflake/plan.js';
import { runStatement, type StatementRunner } from '../snowflake/runner.js';
import type { Output } from '../ui/output.js';
import { confirmDestructive } from '../confirm.js';

export interface TeardownOptions {
  /** Keep the recommender database (raw data and recommendations). */
  keepData?: boolean;
}

export interface TeardownResult {
  target: 'local' | 'snowflake';
  targetDescription: string;
  /** The user declined the confirmation: nothing was dropped. */
  cancelled: boolean;
  steps: TeardownReport[];
}

export interface TeardownReport {
  id: string;
  title: string;
  outcome: Extract<Outcome, 'dropped' | 'absent'>;
}

/** The DROP statements in order, without connecting (what --dry-run prints). */
export async function planTeardown(ctx: Context, options: TeardownOptions): Promise<PlanStep[]> {
  return teardownPlan(await ctx.config(), { keepData: options.keepData });
}

export async function teardown(ctx: ConnectedContext, options: TeardownOptions): Promise<TeardownResult> {
  const config = await ctx.config();
  const planned = await planTeardown(ctx, options);
  // papi local never started for this project holds nothing: say so rather than start it to find out.
  if (config.target === 'local' && !(await localMayHoldObjects(config.local.dataDir))) {
    const steps = planned.map((s): TeardownReport => ({ id: s.id, title: s.title, outcome: 'absent' }));
    return { target: 'local', targetDescription: `papi local (nothing in ${config.local.dataDir}; not started)`, cancelled: false, steps };
  }
  const target = await ctx.target();
  const summary = { target: target.kind, targetDescription: target.description };
  ctx.out.info(`papi teardown will drop from ${target.description}:\n${planned.map((s) => `  - ${s.title.replace(/^Drop /, '')}`).join('\n')}`);
  // Asked before connecting: a declined (or impossible) confirmation touches nothing.
  if (!(await confirmDestructive(ctx, `Drop these objects, and everything in them, from ${target.description}?`))) return { ...summary, cancelled: true, steps: [] };
  const conn = await ctx.connection();
  // A publish through a view left a view (and its versioned tables) under the published name.
  const { publishedView } = await import('../snowflake/published.js');
  const publishedAsView = (await publishedView(conn, config.snowflake, (m) => ctx.out.debug(m))) !== undefined;
  const steps = publishedAsView ? teardownPlan(config, { keepData: options.keepData, publishedAsView }) : planned;
  const reports = await runTeardown(conn, steps, ctx.out);
  await rm(projectPaths(config).deployment, { force: true });
  return { ...summary, cancelled: false, steps: reports };
}

async function localMayHoldObjects(dataDir: string): Promise<boolean> {
  const { holdsData, runningInstance } = await import('../local/index.js');
  return (await runningInstance(dataDir)) !== undefined || (await holdsData(dataDir));
}

async function runTeardown(conn: StatementRunner, steps: PlanStep[], out: Output): Promise<TeardownReport[]> {
  const reports: TeardownReport[] = [];
  for (const step of steps) {
    const outcome = await out.task(
      step.title,
      async () => {
        const outcomes: Outcome[] = [];
        for (const statement of step.statements) outcomes.push(outcomeOf(await runStatement(conn, statement, (m) => out.debug(m))));
        return combineOutcomes(outcomes) === 'dropped' ? 'dropped' : 'absent';
      },
      (o) => (o === 'dropped' ? 'dropped' : 'already gone'),
    );
    reports.push({ id: step.id, title: step.title, outcome });
  }
  return reports;
}

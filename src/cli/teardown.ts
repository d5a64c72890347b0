import { formatPlan, teardownPlan } from '../snowflake/plan.js';
import { rm } from 'node:fs/promises';
import { projectPaths } from '../project.js';
import { defineCommand } from './command.js';
import { confirmDestructive } from './confirm.js';

export interface TeardownOptions {
  dryRun?: boolean;
  keepData?: boolean;
}

export default defineCommand<TeardownOptions>({
  name: 'teardown',
  summary: 'Drop everything papi created, in reverse order',
  description:
    'Drops the service, compute pool, image repository, published table, databases, service user, roles ' +
    'and warehouse with IF EXISTS. Lists what it will drop and asks first.',
  examples: [
    { command: 'papi teardown --dry-run', description: 'print the DROP statements' },
    { command: 'papi teardown --yes', description: 'drop without asking (scripts, CI)' },
    { command: 'papi teardown --keep-data', description: 'keep the recommender database and its data' },
  ],
  supportsDryRun: true,
  destructive: true,
  options(command) {
    command.option('--keep-data', 'keep the recommender database (raw data and recommendations)');
  },
  async run(ctx, _args, options) {
    const config = await ctx.config();
    const steps = teardownPlan(config, { keepData: options.keepData });
    const statements = steps.reduce((n, s) => n + s.statements.length, 0);
    if (options.dryRun)
      return {
        data: { command: 'teardown', dryRun: true, target: config.target, keepData: Boolean(options.keepData), steps },
        human: formatPlan(steps, `papi teardown --dry-run: ${steps.length} steps, ${statements} statements, nothing executed`),
      };

    const { resolveTarget, openConnection } = await import('../snowflake/target.js');
    const { runTeardown } = await import('../snowflake/teardown-run.js');
    const target = await resolveTarget(config, ctx.out, ctx.env);
    ctx.out.info(`papi teardown will drop from ${target.description}:\n${steps.map((s) => `  - ${s.title.replace(/^Drop /, '')}`).join('\n')}`);
    if (!(await confirmDestructive(ctx, `Drop ${steps.length} kinds of objects from ${target.description}?`)))
      return { data: { command: 'teardown', target: target.kind, cancelled: true, steps: [] }, human: 'Nothing dropped.' };
    const conn = await openConnection(target, ctx.out);
    try {
      const reports = await runTeardown(conn, steps, ctx.out);
      const dropped = reports.filter((r) => r.outcome === 'dropped').length;
      await rm(projectPaths(config).deployment, { force: true });
      return {
        data: { command: 'teardown', target: target.kind, keepData: Boolean(options.keepData), steps: reports },
        human: dropped === 0 ? `Nothing to drop on ${target.description}: papi's objects were already gone.` : `Dropped papi's objects from ${target.description}.`,
      };
    } finally {
      await conn.close();
    }
  },
});

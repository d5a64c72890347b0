import { formatPlan } from '../../snowflake/plan.js';
import { defineCommand } from '../define.js';

export default defineCommand({
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
  needs: 'connection',
  options: {
    keepData: { type: 'boolean', description: 'keep the recommender database (raw data and recommendations)' },
  },
  async run(ctx, _args, options) {
    const { planTeardown, teardown } = await import('../../teardown/index.js');
    const keepData = options.keepData;
    if (options.dryRun) {
      const steps = await planTeardown(ctx, options);
      const statements = steps.reduce((n, s) => n + s.statements.length, 0);
      return {
        data: { command: 'teardown', dryRun: true, target: (await ctx.config()).target, keepData, steps },
        human: formatPlan(steps, `papi teardown --dry-run: ${steps.length} steps, ${statements} statements, nothing executed`),
      };
    }
    const result = await teardown(ctx, options);
    if (result.cancelled) return { data: { command: 'teardown', target: result.target, cancelled: true, steps: [] }, human: 'Nothing dropped.' };
    const dropped = result.steps.filter((r) => r.outcome === 'dropped').length;
    return {
      data: { command: 'teardown', target: result.target, keepData, steps: result.steps },
      human:
        dropped === 0
          ? `Nothing to drop on ${result.targetDescription}: papi's objects were already gone.`
          : `Dropped papi's objects from ${result.targetDescription}.`,
    };
  },
});

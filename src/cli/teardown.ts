import { formatPlan, teardownPlan } from '../snowflake/plan.js';
import { NotAvailableError } from '../ui/errors.js';
import { defineCommand } from './command.js';

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
    if (!options.dryRun) throw new NotAvailableError('teardown');
    const config = await ctx.config();
    const steps = teardownPlan(config, { keepData: options.keepData });
    const statements = steps.reduce((n, s) => n + s.statements.length, 0);
    return {
      data: { command: 'teardown', dryRun: true, target: config.target, keepData: Boolean(options.keepData), steps },
      human: formatPlan(steps, `papi teardown --dry-run: ${steps.length} steps, ${statements} statements, nothing executed`),
    };
  },
});

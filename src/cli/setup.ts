import { Option } from 'commander';
import { formatPlan, SETUP_PHASES, setupPlan, type SetupPhase } from '../snowflake/plan.js';
import { NotAvailableError, UsageError } from '../ui/errors.js';
import { defineCommand } from './command.js';

export interface SetupOptions {
  dryRun?: boolean;
  data?: string;
  skipData?: boolean;
  only?: string;
  tableType?: 'hybrid' | 'standard';
}

export default defineCommand<SetupOptions>({
  name: 'setup',
  summary: 'Create the Snowflake objects, load the ratings, compute recommendations and publish the hybrid table',
  description:
    'Runs the setup SQL in order (roles, warehouse, databases, stage, tables, grants, image repository, ' +
    'compute pool), loads the data, computes per-user recommendations inside Snowflake with SQL and ' +
    'publishes them into a hybrid table keyed by user id. Idempotent: a re-run reports every object unchanged.',
  examples: [
    { command: 'papi setup', description: 'everything, against the configured target (papi local by default)' },
    { command: 'papi setup --dry-run', description: 'print the ordered SQL plan without connecting' },
    { command: 'papi setup --data ./movielens', description: "load your own files (the tutorial's CSVs or GroupLens's u.data/u.item)" },
    { command: 'papi setup --only recommend', description: 'recompute recommendations and republish the table' },
  ],
  supportsDryRun: true,
  options(command) {
    command
      .option('--data <source>', 'movielens | sample | a directory of files (default: movielens on Snowflake, sample on papi local)')
      .option('--skip-data', 'create objects only; do not load data or compute recommendations')
      .option('--only <step>', 'run one step: objects, data, recommend, publish')
      .addOption(new Option('--table-type <type>', 'publish into a hybrid or a standard table').choices(['hybrid', 'standard']));
  },
  async run(ctx, _args, options) {
    if (options.only !== undefined && !SETUP_PHASES.includes(options.only as SetupPhase))
      throw new UsageError(`--only: unknown step "${options.only}"`, { hint: `Use one of: ${SETUP_PHASES.join(', ')}.` });
    if (options.only && options.skipData) throw new UsageError('--only and --skip-data cannot be used together');
    if (!options.dryRun) throw new NotAvailableError('setup');
    const config = await ctx.config();
    const steps = setupPlan(config, {
      tableType: options.tableType,
      skipData: options.skipData,
      only: options.only as SetupPhase | undefined,
    });
    const statements = steps.reduce((n, s) => n + s.statements.length, 0);
    return {
      data: { command: 'setup', dryRun: true, target: config.target, steps },
      human: formatPlan(steps, `papi setup --dry-run: ${steps.length} steps, ${statements} statements, nothing executed`),
    };
  },
});

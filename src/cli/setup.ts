import { Option } from 'commander';
import { formatPlan, SETUP_PHASES, setupPlan, type SetupPhase } from '../snowflake/plan.js';
import { SnowflakeError, UsageError } from '../ui/errors.js';
import { formatDuration } from '../ui/output.js';
import { defineCommand } from './command.js';

export interface SetupOptions {
  dryRun?: boolean;
  data?: string;
  skipData?: boolean;
  only?: string;
  tableType?: 'hybrid' | 'standard';
  force?: boolean;
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
      .option('--force', 'reload the data, recompute and republish even when nothing changed since the last run')
      .addOption(new Option('--table-type <type>', 'publish into a hybrid or a standard table').choices(['hybrid', 'standard']));
  },
  async run(ctx, _args, options) {
    if (options.only !== undefined && !SETUP_PHASES.includes(options.only as SetupPhase))
      throw new UsageError(`--only: unknown step "${options.only}"`, { hint: `Use one of: ${SETUP_PHASES.join(', ')}.` });
    if (options.only && options.skipData) throw new UsageError('--only and --skip-data cannot be used together');
    const config = await ctx.config();
    const tableType = options.tableType ?? config.snowflake.api.tableType;
    const steps = setupPlan(config, { tableType, skipData: options.skipData, only: options.only as SetupPhase | undefined });
    const statements = steps.reduce((n, s) => n + s.statements.length, 0);
    if (options.dryRun)
      return {
        data: { command: 'setup', dryRun: true, target: config.target, steps },
        human: formatPlan(steps, `papi setup --dry-run: ${steps.length} steps, ${statements} statements, nothing executed`),
      };

    const { resolveTarget, openConnection } = await import('../snowflake/target.js');
    const { runSetup } = await import('../snowflake/setup-run.js');
    const data = await import('../data/index.js');
    const target = await resolveTarget(config, ctx.out, ctx.env);
    const source = data.resolveDataSource(options.data ?? config.data.source, target.kind);
    const started = performance.now();
    const conn = await openConnection(target, ctx.out);
    let prepared: Awaited<ReturnType<typeof data.prepareData>> | undefined;
    try {
      const reports = await runSetup({
        conn,
        config,
        steps,
        out: ctx.out,
        tableType,
        force: options.force,
        prepareData: async () =>
          (prepared = await data.prepareData(source, { cacheDir: data.cacheDirFromEnv(ctx.env), signal: ctx.signal, cwd: ctx.cwd })),
      });
      const elapsed = formatDuration(performance.now() - started);
      const changed = reports.filter((r) => r.outcome !== 'unchanged').length;
      return {
        data: { command: 'setup', target: target.kind, tableType, steps: reports },
        human:
          changed === 0
            ? `Everything was already set up on ${target.description}: ${reports.length} steps unchanged (${elapsed}).`
            : `Set up on ${target.description}: ${changed} of ${reports.length} steps changed (${elapsed}). Next: papi deploy`,
      };
    } catch (error) {
      throw explainHybridUnsupported(error);
    } finally {
      await conn.close();
      await prepared?.remove();
    }
  },
});

/** Accounts without hybrid tables (trial, Google Cloud, SnowGov) fail the publish: say what to do. */
function explainHybridUnsupported(error: unknown): unknown {
  if (error instanceof SnowflakeError && /hybrid table/i.test(error.message) && /not (supported|available|enabled)/i.test(error.message))
    return new SnowflakeError(error.message, error.snowflakeCode, error.sqlState, {
      cause: error,
      statement: error.statement,
      hint: 'This account has no hybrid tables (trial accounts, Google Cloud and SnowGov do not). Publish an ordinary table instead: papi setup --table-type standard',
    });
  return error;
}

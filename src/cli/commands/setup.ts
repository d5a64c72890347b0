import { SAMPLE_SIZES } from '../../config/defaults.js';
import { formatPlan, SETUP_PHASES } from '../../snowflake/plan.js';
import { UsageError } from '../../ui/errors.js';
import { formatDuration } from '../../ui/output.js';
import { defineCommand } from '../define.js';
import { plural } from '../../ui/plural.js';

export default defineCommand({
  name: 'setup',
  summary: 'Create the Snowflake objects, load the ratings, compute recommendations and publish the hybrid table',
  description:
    'Runs the setup SQL in order (roles, warehouse, databases, stage, tables, grants, image repository, ' +
    'compute pool), loads the data, computes per-user recommendations inside Snowflake with SQL and ' +
    'publishes them into a hybrid table keyed by user id. Idempotent: a re-run reports every object unchanged.',
  examples: [
    { command: 'papi setup', description: 'everything, against the configured target (papi local by default)' },
    { command: 'papi setup --dry-run', description: 'print the ordered SQL plan without connecting' },
    { command: 'papi setup --data sample --sample-size 1m', description: 'a generated sample shaped like MovieLens 1M (6,040 users, 1,000,209 ratings)' },
    { command: 'papi setup --data ./movielens', description: "load your own files (the tutorial's CSVs or GroupLens's u.data/u.item)" },
    { command: 'papi setup --only recommend --force', description: 'recompute the recommendations (publish them with papi setup --only publish)' },
    { command: 'papi setup --force', description: 'reload the data, recompute and republish even when nothing changed' },
    { command: "papi setup --schedule '60 minutes'", description: 'and a Snowflake task recomputes and republishes every hour (papi status shows its runs)' },
  ],
  supportsDryRun: true,
  needs: 'connection',
  options: {
    data: {
      type: 'string',
      placeholder: 'source',
      description: 'movielens | sample | a directory of files (default: movielens on Snowflake, sample on papi local)',
      config: 'data.source',
    },
    sampleSize: {
      type: 'choice',
      placeholder: 'size',
      choices: SAMPLE_SIZES,
      description: 'the generated sample (--data sample) shaped like MovieLens 100K, 1M or 10M: users, titles, ratings',
      config: 'data.sampleSize',
    },
    skipData: { type: 'boolean', description: 'create objects only; do not load data or compute recommendations' },
    only: { type: 'choice', placeholder: 'step', choices: SETUP_PHASES, description: 'run one step: objects, data, recommend, publish, schedule' },
    schedule: {
      type: 'string',
      placeholder: 'period',
      description: "recompute and republish on this schedule with a Snowflake task ('60 minutes', '2 hours'); without it (and without recommender.schedule) there is no task, and one left by an earlier run is dropped",
      config: 'recommender.schedule',
    },
    force: { type: 'boolean', description: 'reload the data, recompute and republish even when nothing changed since the last run, and publish even a result that would empty or halve the published table' },
    tableType: {
      type: 'choice',
      placeholder: 'type',
      choices: ['hybrid', 'standard'],
      description: 'publish into a hybrid or a standard table',
      config: 'snowflake.api.tableType',
    },
  },
  async run(ctx, _args, options) {
    if (options.only && options.skipData) throw new UsageError('--only and --skip-data cannot be used together');
    const { planSetup, setup } = await import('../../setup/index.js');
    if (options.dryRun) {
      const plan = await planSetup(ctx, options);
      return {
        data: { command: 'setup', dryRun: true, target: plan.target, steps: plan.steps },
        human: formatPlan(plan.steps, `papi setup --dry-run: ${plan.steps.length} steps, ${plan.statements} statements, nothing executed`),
      };
    }
    const result = await setup(ctx, options);
    const changed = result.steps.filter((r) => r.outcome !== 'unchanged').length;
    const elapsed = formatDuration(result.ms);
    // A publish through a view is a different shape of the published object: say so, and why.
    const viaView = result.steps.find((r) => r.publish?.method === 'view')?.publish;
    let note = viaView ? `\nPublished through a view over ${viaView.version}, repointed atomically at each publish: ${viaView.reason}.` : '';
    const cached = result.cachedAnswers;
    if (cached)
      note +=
        `\nThe deployed service ${cached.service} answers ids it has cached from the previous table for up to ${cached.ttlSeconds} s ` +
        `(service.cache.ttlSeconds); other ids come from the new table at once. Restarting the service serves everything from the new table now.`;
    return {
      data: {
        command: 'setup',
        target: result.target,
        tableType: result.tableType,
        steps: result.steps,
        ...(viaView ? { publishedThrough: viaView } : {}),
        ...(cached ? { cachedAnswers: cached } : {}),
      },
      human:
        (changed === 0
          ? `Everything was already set up on ${result.targetDescription}: ${plural(result.steps.length, 'step')} unchanged (${elapsed}).`
          : `Set up on ${result.targetDescription}: ${changed} of ${result.steps.length} steps changed (${elapsed}).${cached ? '' : ' Next: papi deploy'}`) + note,
    };
  },
});

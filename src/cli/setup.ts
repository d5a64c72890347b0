import { Option } from 'commander';
import { NotAvailableError } from '../ui/errors.js';
import { defineCommand } from './command.js';

export interface SetupOptions {
  dryRun: boolean;
  data?: string;
  skipData: boolean;
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
  async run() {
    throw new NotAvailableError('setup');
  },
});

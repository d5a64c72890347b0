import { NotAvailableError } from '../ui/errors.js';
import { defineCommand } from './command.js';

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
  options(command) {
    command.option('--keep-data', 'keep the recommender database (raw data and recommendations)');
  },
  async run() {
    throw new NotAvailableError('teardown');
  },
});

import { NotAvailableError } from '../ui/errors.js';
import { defineCommand } from './command.js';

export default defineCommand({
  name: 'init',
  summary: 'Write a commented papi.yaml with the defaults',
  examples: [
    { command: 'papi init', description: 'write ./papi.yaml (refuses to overwrite)' },
    { command: 'papi init --force', description: 'overwrite an existing papi.yaml' },
  ],
  options(command) {
    command.option('--force', 'overwrite an existing papi.yaml');
  },
  async run() {
    throw new NotAvailableError('init');
  },
});

import { NotAvailableError } from '../ui/errors.js';
import { defineCommand } from './command.js';

export default defineCommand({
  name: 'status',
  summary: 'Show the service, its containers and its endpoint URL',
  examples: [
    { command: 'papi status', description: 'service status, containers, ingress URL' },
    { command: 'papi status --json', description: 'the same as JSON' },
  ],
  async run() {
    throw new NotAvailableError('status');
  },
});

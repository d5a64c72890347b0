import { NotAvailableError } from '../ui/errors.js';
import { defineCommand } from './command.js';

export default defineCommand({
  name: 'get',
  summary: 'Call GET /customer/<ids> on the deployed service and print the JSON',
  arguments: [{ syntax: '<ids>', description: 'one user id or several separated by commas, e.g. 22 or 22,196' }],
  examples: [
    { command: 'papi get 22', description: "user 22's recommendations" },
    { command: 'papi get 22,196 --json', description: 'two users, raw JSON for scripts' },
  ],
  options(command) {
    command.option('--url <url>', 'call this base URL instead of the deployed endpoint (e.g. papi dev)');
  },
  async run() {
    throw new NotAvailableError('get');
  },
});

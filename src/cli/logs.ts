import { NotAvailableError } from '../ui/errors.js';
import { defineCommand } from './command.js';

export default defineCommand({
  name: 'logs',
  summary: "Print the service container's logs",
  examples: [
    { command: 'papi logs', description: 'the last 100 lines' },
    { command: 'papi logs --follow', description: 'keep printing new lines (polls every 2 s)' },
  ],
  options(command) {
    command.option('-f, --follow', 'keep printing new lines').option('-n, --lines <count>', 'how many lines', '100');
  },
  async run() {
    throw new NotAvailableError('logs');
  },
});

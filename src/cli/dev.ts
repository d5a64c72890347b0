import { NotAvailableError } from '../ui/errors.js';
import { defineCommand } from './command.js';

export default defineCommand({
  name: 'dev',
  summary: 'Run the service on localhost against the configured target, without deploying',
  examples: [
    { command: 'papi dev', description: 'serve on http://127.0.0.1:8001 against papi local' },
    { command: 'papi dev --port 9000 --json', description: 'print {"url": …} once ready' },
  ],
  options(command) {
    command.option('--port <port>', 'port to listen on (default: service.port, 8001)');
  },
  async run() {
    throw new NotAvailableError('dev');
  },
});

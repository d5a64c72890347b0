import { NotAvailableError } from '../ui/errors.js';
import { defineCommand } from './command.js';

export default defineCommand({
  name: 'up',
  summary: 'The one-command demo: setup, deploy, token and get 22',
  description:
    'With no Snowflake account configured it starts papi local (detached, under .papi/local/) and runs ' +
    'the whole tutorial against it: objects, data, recommendations, hybrid table, image, service, token,' +
    "and user 22's recommendations through the ingress.",
  examples: [
    { command: 'papi up', description: 'everything on papi local (no account, no network)' },
    { command: 'papi up -c prod', description: 'everything on the Snowflake connection "prod"' },
  ],
  async run() {
    throw new NotAvailableError('up');
  },
});

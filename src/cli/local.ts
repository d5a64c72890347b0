import { NotAvailableError } from '../ui/errors.js';
import { defineCommand } from './command.js';

const start = defineCommand({
  name: 'start',
  summary: 'Start the local Snowflake (foreground; --detach to run in the background)',
  examples: [
    { command: 'papi local start', description: 'serve on 127.0.0.1 and print how to connect' },
    { command: 'papi local start --detach', description: 'run in the background (pid file in the data directory)' },
    { command: 'papi local start --json', description: 'one line of JSON with accessUrl, account, user, password' },
  ],
  options(command) {
    command
      .option('--port <port>', 'port (default: a free one)')
      .option('--data-dir <dir>', 'data directory (default: .papi/local)')
      .option('--password <password>', 'admin password (default: generated and stored 0600)')
      .option('--detach', 'run in the background');
  },
  async run() {
    throw new NotAvailableError('local start');
  },
});

const stop = defineCommand({
  name: 'stop',
  summary: 'Stop a detached local Snowflake',
  examples: [{ command: 'papi local stop', description: 'stop the one in .papi/local' }],
  async run() {
    throw new NotAvailableError('local stop');
  },
});

const status = defineCommand({
  name: 'status',
  summary: 'Tell whether a local Snowflake is running and how to reach it',
  examples: [{ command: 'papi local status --json', description: 'accessUrl, pid, dataDir' }],
  async run() {
    throw new NotAvailableError('local status');
  },
});

export default defineCommand({
  name: 'local',
  summary: 'papi local: a local Snowflake for offline development and tests',
  description:
    'A single Node process that the real snowflake-sdk talks to: SQL API with password, key-pair and ' +
    'OAuth logins, a DuckDB engine behind a Snowflake dialect translator, stages, hybrid tables, an image ' +
    'registry, SPCS services run as local processes, and an ingress that checks tokens.',
  examples: [
    { command: 'papi local start', description: 'start in the foreground' },
    { command: 'papi local status', description: 'is one running?' },
  ],
  subcommands: [start, stop, status],
});

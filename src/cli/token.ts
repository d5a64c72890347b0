import { NotAvailableError } from '../ui/errors.js';
import { defineCommand } from './command.js';

export default defineCommand({
  name: 'token',
  summary: "Print a token for the service's ingress (key-pair JWT exchanged with OAuth, cached until it expires)",
  description:
    "Creates the service user's RSA key pair on first use (.papi/keys/, mode 0600), registers the public\n" +
    'key, signs a key-pair JWT and exchanges it for an ingress token. Only the token goes to stdout. ' +
    'A Programmatic Access Token in SNOWFLAKE_PAT is used as it is instead.',
  examples: [
    { command: 'papi token', description: 'print the token (from the cache while it is valid)' },
    { command: 'papi token --json', description: 'token and expiry as JSON' },
    { command: 'papi token --rotate', description: 'new key pair in RSA_PUBLIC_KEY_2; the old key works until the switch' },
    { command: 'curl -H "Authorization: Snowflake Token=\\"$(papi token)\\"" https://<ingress>/customer/22', description: 'use it' },
  ],
  options(command) {
    command.option('--rotate', 'create and register a new key pair').option('--refresh', 'ignore the cached token');
  },
  async run() {
    throw new NotAvailableError('token');
  },
});

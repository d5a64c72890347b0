import { Option } from 'commander';
import { NotAvailableError } from '../ui/errors.js';
import { defineCommand } from './command.js';

export default defineCommand({
  name: 'deploy',
  summary: 'Bundle the service, build and push its image, create or upgrade the SPCS service and print its URL',
  description:
    'Builds a linux/amd64 image of service/ without Docker (or with --builder docker), pushes it to the' +
    "account's image repository with a new tag, creates the service or upgrades it in place, and waits\n" +
    'until it is RUNNING and its public endpoint has an ingress URL.',
  examples: [
    { command: 'papi deploy', description: 'build, push, create or upgrade, wait for the URL' },
    { command: 'papi deploy --dry-run', description: 'print the service spec and SQL' },
    { command: 'papi deploy --no-wait', description: 'return once the service is created' },
    { command: 'papi deploy --builder docker', description: 'build and push with the docker CLI instead' },
  ],
  supportsDryRun: true,
  options(command) {
    command
      .addOption(new Option('--builder <builder>', 'how to build the image').choices(['oci', 'docker']).default('oci'))
      .option('--wait-timeout <seconds>', 'how long to wait for RUNNING and the endpoint', '900')
      .option('--no-wait', 'do not wait for the service to be ready');
  },
  async run() {
    throw new NotAvailableError('deploy');
  },
});

import { defineCommand } from '../define.js';

export default defineCommand({
  name: 'deploy',
  summary: 'Bundle the service, build and push its image, create or upgrade the SPCS service and print its URL',
  description:
    "Builds a linux/amd64 image of service/ without Docker (or with --builder docker), pushes it to the account's\n" +
    'image repository with a new tag, creates the service or upgrades it in place, and waits until it is\n' +
    'RUNNING and its public endpoint has an ingress URL.',
  examples: [
    { command: 'papi deploy', description: 'build, push, create or upgrade, wait for the URL' },
    { command: 'papi deploy --dry-run', description: 'print the service spec and SQL' },
    { command: 'papi deploy --no-wait', description: 'return once the service is created' },
    { command: 'papi deploy --builder docker', description: 'build and push with the docker CLI instead' },
  ],
  supportsDryRun: true,
  needs: 'connection',
  options: {
    builder: { type: 'choice', placeholder: 'builder', choices: ['oci', 'docker'], default: 'oci', description: 'how to build the image' },
    waitTimeout: {
      type: 'int',
      placeholder: 'seconds',
      min: 1,
      max: 86_400,
      default: 900,
      meaning: 'a number of seconds',
      description: 'how long to wait for RUNNING and the endpoint',
    },
    wait: { type: 'boolean', negate: true, description: 'do not wait for the service to be ready' },
    baseImage: {
      type: 'string',
      placeholder: 'reference',
      description: 'base image on Snowflake, pinned by digest if you like (default node:24-bookworm-slim)',
    },
  },
  async run(ctx, _args, options) {
    const { deploy, planDeploy } = await import('../../deploy/index.js');
    if (options.dryRun) {
      const plan = await planDeploy(ctx);
      return {
        data: { command: 'deploy', dryRun: true, target: plan.target, spec: plan.spec, statements: plan.statements },
        human: [
          '-- papi deploy --dry-run: the image is pushed with a new tag, then:',
          ...plan.statements.map((s) => `${s.sql};`),
          '-- (ALTER SERVICE runs instead of CREATE when the service exists)',
        ].join('\n\n'),
      };
    }
    const result = await deploy(ctx, { ...options, waitTimeoutSeconds: options.waitTimeout });
    return {
      data: { command: 'deploy', ...result },
      human: result.url ? `Service ${result.action}: ${result.url}\nNext: papi get 22` : `Service ${result.action} (not waiting for it). Check with: papi status`,
    };
  },
});

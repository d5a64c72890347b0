import { Option } from 'commander';
import { UsageError } from '../ui/errors.js';
import { defineCommand } from './command.js';

interface DeployOptions {
  dryRun?: boolean;
  builder: 'oci' | 'docker';
  waitTimeout: string;
  wait: boolean;
  baseImage?: string;
}

export default defineCommand<DeployOptions>({
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
      .option('--no-wait', 'do not wait for the service to be ready')
      .option('--base-image <reference>', 'base image on Snowflake, pinned by digest if you like (default node:24-bookworm-slim)');
  },
  async run(ctx, _args, options) {
    const waitTimeoutSeconds = Number(options.waitTimeout);
    if (!Number.isInteger(waitTimeoutSeconds) || waitTimeoutSeconds < 1)
      throw new UsageError(`--wait-timeout: "${options.waitTimeout}" is not a number of seconds`);
    const config = await ctx.config();
    const { serviceSpec, imagePath } = await import('../spcs/spec.js');
    const { createServiceStatements, alterServiceStatements } = await import('../spcs/statements.js');
    if (options.dryRun) {
      const spec = serviceSpec(config, imagePath(config, '<tag>'));
      const sql = [...createServiceStatements(config, spec), ...alterServiceStatements(config, spec)];
      return {
        data: { command: 'deploy', dryRun: true, target: config.target, spec, statements: sql },
        human: [
          '-- papi deploy --dry-run: the image is pushed with a new tag, then:',
          ...sql.map((s) => `${s.sql};`),
          '-- (ALTER SERVICE runs instead of CREATE when the service exists)',
        ].join('\n\n'),
      };
    }
    const { resolveTarget, openConnection } = await import('../snowflake/target.js');
    const { deployService, DEFAULT_BASE_IMAGE } = await import('../spcs/deploy.js');
    const { cacheDirFromEnv } = await import('../data/index.js');
    const { join } = await import('node:path');
    const target = await resolveTarget(config, ctx.out, ctx.env);
    const conn = await openConnection(target, ctx.out);
    try {
      const result = await deployService({
        config,
        target,
        conn,
        out: ctx.out,
        builder: options.builder,
        baseImage: options.baseImage ?? DEFAULT_BASE_IMAGE,
        cacheDir: join(cacheDirFromEnv(ctx.env), 'images'),
        wait: options.wait,
        waitTimeoutSeconds,
        signal: ctx.signal,
      });
      return {
        data: { command: 'deploy', target: target.kind, ...result },
        human: result.url
          ? `Service ${result.action}: ${result.url}\nNext: papi get 22`
          : `Service ${result.action} (not waiting for it). Check with: papi status`,
      };
    } finally {
      await conn.close();
    }
  },
});

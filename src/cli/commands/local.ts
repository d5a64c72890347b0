// papi local start|stop|status. The process handling is src/launcher; papi local itself is src/local.
import path from 'node:path';
import type { Running } from '../../launcher/index.js';
import { ensureProjectDirFor } from '../../project.js';
import { defineCommand } from '../define.js';

/** Every `papi local` subcommand works on one data directory: the flag overrides the local.dataDir setting. */
const dataDir = {
  type: 'string',
  placeholder: 'dir',
  description: 'data directory (default: .papi/local)',
  config: 'local.dataDir',
} as const;

function describe(running: Running, footer: string): string {
  return [
    `papi local is running (pid ${running.pid})`,
    `  account URL  ${running.accessUrl}`,
    `  account      ${running.account}`,
    `  user         ${running.user}`,
    `  password     ${running.password}`,
    `  data dir     ${running.dataDir}`,
    '',
    'Connect with snowflake-sdk: { account, accessUrl, username, password } as above.',
    footer,
  ].join('\n');
}

const start = defineCommand({
  name: 'start',
  summary: 'Start the local Snowflake (foreground; --detach to run in the background)',
  description:
    'Serves the SQL API, OAuth, the image registry and service endpoints on 127.0.0.1 until Ctrl-C (exit 130) ' +
    'or SIGTERM (exit 0). When one already runs for the data directory it says so and exits 0, with or ' +
    'without --detach (alreadyRunning in --json). With --json it prints exactly one line, a JSON object with accessUrl, account, user, ' +
    'password, dataDir and pid, once it is ready. The admin password is generated on first start and kept ' +
    '(mode 0600) in the data directory.',
  examples: [
    { command: 'papi local start', description: 'serve on 127.0.0.1 and print how to connect' },
    { command: 'papi local start --detach', description: 'run in the background (pid file in the data directory)' },
    { command: 'papi local start --json', description: 'one line of JSON with accessUrl, account, user, password' },
  ],
  options: {
    port: { type: 'int', placeholder: 'port', min: 0, max: 65_535, meaning: 'a port number', description: 'port (default: a free one)', config: 'local.port' },
    dataDir,
    password: { type: 'string', placeholder: 'password', description: 'admin password (default: generated and stored 0600)' },
    detach: { type: 'boolean', description: 'run in the background' },
    hybridTables: {
      type: 'boolean',
      negate: true,
      description: 'refuse CREATE HYBRID TABLE like a trial account does (to try `papi setup --table-type standard`)',
    },
    spcs: {
      type: 'boolean',
      negate: true,
      description: 'refuse compute pools, image repositories and services like a trial account (with --no-hybrid-tables: play a trial account)',
    },
    hybridSwap: {
      type: 'boolean',
      negate: true,
      description: 'refuse ALTER TABLE … SWAP WITH between hybrid tables (to try the publish through a view)',
    },
    schedulingDelay: {
      type: 'number',
      placeholder: 'seconds',
      min: 0,
      max: 3600,
      meaning: 'a number of seconds',
      description: 'how long new service instances wait for a node, PENDING with no instance (default 0)',
    },
    endpointDelay: {
      type: 'number',
      placeholder: 'seconds',
      min: 0,
      max: 3600,
      meaning: 'a number of seconds',
      description: 'how long new endpoints stay "provisioning" (SPCS takes minutes; default 0, at once)',
    },
    oauthTokenLifetime: {
      type: 'int',
      placeholder: 'seconds',
      min: 1,
      max: 86_400,
      meaning: 'a number of seconds',
      description: 'lifetime of the ingress (OAuth) tokens it issues (default 3600; short ones to try token renewal)',
    },
  },
  async run(ctx, _args, options) {
    const config = await ctx.config();
    const { startDetached, serveForeground } = await import('../../launcher/index.js');
    const dir = config.local.dataDir;
    const behaviour = {
      refuseHybridTables: !options.hybridTables,
      refuseContainerServices: !options.spcs,
      refuseHybridSwap: !options.hybridSwap,
      ...(options.schedulingDelay !== undefined ? { schedulingDelaySeconds: options.schedulingDelay } : {}),
      ...(options.endpointDelay !== undefined ? { endpointDelaySeconds: options.endpointDelay } : {}),
      ...(options.oauthTokenLifetime !== undefined ? { oauthTokenSeconds: options.oauthTokenLifetime } : {}),
    };
    const startOptions = { dataDir: dir, port: config.local.port, password: options.password, behaviour };
    // The default data directory, .papi/local, holds papi local's admin password and secret key.
    await ensureProjectDirFor(config, dir);
    const stopHint = `Stop it with \`papi local stop${dir !== path.join(config.projectDir, '.papi', 'local') ? ` --data-dir ${dir}` : ''}\``;
    // Already running for this data directory: not an error, with or without --detach (exit 0,
    // alreadyRunning in --json), since what the command is for, a papi local serving it, holds.
    const already = (running: Omit<Running, 'alreadyRunning'>) => ({
      data: { ...running, alreadyRunning: true },
      human: describe(running, `It was already running, so no second one was started. ${stopHint}.`),
    });
    if (options.detach) {
      const { alreadyRunning, ...running } = await startDetached(ctx, startOptions);
      return alreadyRunning ? already(running) : { data: running, human: describe(running, `${stopHint}; its log is ${path.join(dir, 'local.log')}.`) };
    }
    const existing = await serveForeground(ctx, {
      ...startOptions,
      // Printed when ready, not as the command's result: the command goes on serving.
      onReady: (running) => {
        if (ctx.out.json) ctx.out.raw(`${JSON.stringify(running)}\n`);
        else ctx.out.raw(`${describe(running, 'Stop it with Ctrl-C.')}\n`);
      },
    });
    return existing ? already(existing) : undefined;
  },
});

const stop = defineCommand({
  name: 'stop',
  summary: 'Stop a detached local Snowflake',
  description:
    'Sends SIGTERM to the papi local recorded in <data dir>/local.json and waits until it has shut down. Nothing running is not an error. ' +
    'The pid is signalled only when it answers as the papi local of that directory; a stale local.json naming another process is refused (exit 4).',
  examples: [
    { command: 'papi local stop', description: 'stop the one in .papi/local' },
    { command: 'papi local stop --data-dir /tmp/p', description: 'stop the one serving another data directory' },
  ],
  options: { dataDir },
  async run(ctx) {
    const { stopLocal } = await import('../../launcher/index.js');
    const result = await stopLocal(ctx, (await ctx.config()).local.dataDir);
    if (!result.stopped) return { data: { dataDir: result.dataDir, stopped: false, running: false }, human: `No papi local is running for ${result.dataDir}.` };
    return { data: result, human: `Stopped papi local (pid ${result.pid}) for ${result.dataDir}.` };
  },
});

const status = defineCommand({
  name: 'status',
  summary: 'Tell whether a local Snowflake is running and how to reach it',
  description: 'Exit code 0 when one is running for the data directory, 3 when none is.',
  examples: [
    { command: 'papi local status --json', description: 'accessUrl, account, user, pid, dataDir' },
    { command: 'papi local status && echo up', description: 'exit code 0 running, 3 not running' },
  ],
  options: { dataDir },
  async run(ctx) {
    const { localStatus } = await import('../../launcher/index.js');
    const { accessUrl, account, user, pid, port, dataDir: dir, startedAt } = await localStatus((await ctx.config()).local.dataDir);
    return {
      data: { running: true, accessUrl, account, user, pid, port, dataDir: dir, startedAt },
      human: [`papi local is running (pid ${pid}) since ${startedAt}`, `  account URL  ${accessUrl}`, `  account      ${account}`, `  user         ${user}`, `  data dir     ${dir}`].join('\n'),
    };
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
    { command: 'papi local status', description: 'is one running? (exit 0 yes, 3 no)' },
  ],
  subcommands: [start, stop, status],
});

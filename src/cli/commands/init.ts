import { UsageError } from '../../ui/errors.js';
import { defineCommand } from '../define.js';

export default defineCommand({
  name: 'init',
  summary: 'Write a commented papi.yaml with the defaults',
  description:
    'Writes ./papi.yaml: every setting with its default and a one-line comment, and adds .papi/ (keys, tokens, ' +
    "papi local's data) to ./.gitignore when there is one. The target is papi local " +
    'unless you pass --target snowflake or -c/--connection NAME (a connection in ~/.snowflake/connections.toml). ' +
    'Having a connections.toml does not switch the target by itself: without one of those, papi keeps ' +
    'running the local demo.',
  examples: [
    { command: 'papi init', description: 'write ./papi.yaml for papi local (refuses to overwrite)' },
    { command: 'papi init -c dev', description: 'target Snowflake through the connection "dev"' },
    { command: 'papi init --target snowflake', description: 'target Snowflake through the default connection' },
    { command: 'papi init --force', description: 'overwrite an existing papi.yaml' },
  ],
  options: {
    force: { type: 'boolean', description: 'overwrite an existing papi.yaml' },
    target: { type: 'choice', placeholder: 'target', choices: ['local', 'snowflake'], description: 'local (papi local) or snowflake' },
  },
  async run(ctx, _args, options) {
    // -c/--connection is the global option: naming a connection means targeting Snowflake.
    const connection = ctx.globals.connection;
    if (options.target === 'local' && connection)
      throw new UsageError('--target local and --connection cannot be used together', { hint: 'A connection is only used with --target snowflake.' });
    const target = options.target ?? (connection ? 'snowflake' : 'local');
    const { init } = await import('../../init/index.js');
    const { path, gitignore } = await init(ctx, { target, connection, force: options.force });
    const next = target === 'local' ? 'papi up' : 'papi setup';
    const via = connection ? ` through the connection "${connection}"` : '';
    const ignored = gitignore ? `Added .papi/ to ${gitignore}: papi's keys, tokens and papi local's secrets stay out of git.\n` : '';
    return {
      data: { path, target, ...(gitignore ? { gitignore } : {}) },
      human: `Wrote ${path} (target: ${target}${via}).\n${ignored}Next: ${next}`,
    };
  },
});

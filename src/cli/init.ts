import { Option } from 'commander';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packagePath } from '../paths.js';
import { PapiError, UsageError } from '../ui/errors.js';
import { defineCommand } from './command.js';

export interface InitOptions {
  force?: boolean;
  target?: 'local' | 'snowflake';
}

export default defineCommand<InitOptions>({
  name: 'init',
  summary: 'Write a commented papi.yaml with the defaults',
  description:
    'Writes ./papi.yaml: every setting with its default and a one-line comment. The target is papi local ' +
    'unless you pass --target snowflake or -c/--connection NAME (a connection in ~/.snowflake/connections.toml). ' +
    'Having a connections.toml does not switch the target by itself: without one of those, papi keeps ' +
    'running the local demo.',
  examples: [
    { command: 'papi init', description: 'write ./papi.yaml for papi local (refuses to overwrite)' },
    { command: 'papi init -c dev', description: 'target Snowflake through the connection "dev"' },
    { command: 'papi init --target snowflake', description: 'target Snowflake through the default connection' },
    { command: 'papi init --force', description: 'overwrite an existing papi.yaml' },
  ],
  options(command) {
    command
      .option('--force', 'overwrite an existing papi.yaml')
      .addOption(new Option('--target <target>', 'local (papi local) or snowflake').choices(['local', 'snowflake']));
  },
  async run(ctx, _args, options) {
    // -c/--connection is the global option: naming a connection means targeting Snowflake.
    const connection = ctx.globals.connection;
    if (options.target === 'local' && connection)
      throw new UsageError('--target local and --connection cannot be used together', { hint: 'A connection is only used with --target snowflake.' });
    const target = options.target ?? (connection ? 'snowflake' : 'local');
    const path = join(ctx.cwd, 'papi.yaml');
    const text = renderStarter(await readFile(packagePath('templates', 'papi.yaml'), 'utf8'), { target, connection });
    try {
      await writeFile(path, text, { mode: 0o644, flag: options.force ? 'w' : 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new UsageError(`${path} already exists`, { code: 'CONFIG_EXISTS', hint: 'Pass --force to overwrite it, or edit it.' });
      throw error;
    }
    await chmod(path, 0o644); // the umask may have narrowed it; papi.yaml holds no secrets
    const next = target === 'local' ? 'papi up' : 'papi setup';
    const via = connection ? ` through the connection "${connection}"` : '';
    return {
      data: { path, target },
      human: `Wrote ${path} (target: ${target}${via}).\nNext: ${next}`,
    };
  },
});

/** The starter with the chosen target and connection name filled in (the template stays valid YAML). */
export function renderStarter(template: string, choice: { target: 'local' | 'snowflake'; connection?: string }): string {
  let text = replaceLine(template, /^target: local */m, `target: ${choice.target}`);
  if (choice.connection !== undefined) text = replaceLine(text, /^ {2}# name: \S+ */m, `  name: ${yamlString(choice.connection)}`);
  return text;
}

/** Replaces the matched text, padded to its length so the comments after it stay aligned. */
function replaceLine(text: string, pattern: RegExp, replacement: string): string {
  if (!pattern.test(text)) throw new PapiError(`templates/papi.yaml has no line matching ${pattern}`, { code: 'PACKAGE_BROKEN' });
  return text.replace(pattern, (matched) => (replacement.length < matched.length ? replacement.padEnd(matched.length) : `${replacement} `));
}

/** A plain scalar when YAML reads it back as the same string, else a double-quoted one. */
function yamlString(value: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(value) ? value : JSON.stringify(value);
}

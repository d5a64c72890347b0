// papi init: a commented papi.yaml with every setting at its default, for papi local or for a Snowflake
// connection; and `.papi/` in the project's .gitignore when it has one (papi.yaml is committed,
// .papi/ beside it holds private keys and tokens).
import { appendFile, chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from '../context.js';
import { packagePath } from '../paths.js';
import { PapiError, UsageError } from '../ui/errors.js';

export interface InitOptions {
  target: 'local' | 'snowflake';
  /** A connection in connections.toml (only with the snowflake target). */
  connection?: string;
  /** Overwrite an existing papi.yaml. */
  force?: boolean;
}

export interface InitResult {
  /** The papi.yaml written. */
  path: string;
  /** The project's .gitignore, when `.papi/` was added to it. */
  gitignore?: string;
}

/** Writes ./papi.yaml, and adds `.papi/` to ./.gitignore when there is one that does not ignore it yet. */
export async function init(ctx: Context, options: InitOptions): Promise<InitResult> {
  const { target, connection } = options;
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
  const gitignore = await ignorePapiDir(join(ctx.cwd, '.gitignore'));
  return { path, ...(gitignore ? { gitignore } : {}) };
}

/**
 * Appends `.papi/` to an existing .gitignore that has no line for it; returns the file when it did.
 * (.papi/.gitignore already keeps .papi/'s files out; this also says so where people look.)
 */
async function ignorePapiDir(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // no .gitignore: none is created
    throw error;
  }
  if (text.split(/\r?\n/).some((line) => /^\/?\.papi(\/(\*\*?)?)?\s*$/.test(line.trim()))) return undefined;
  await appendFile(file, `${text === '' || text.endsWith('\n') ? '' : '\n'}.papi/\n`);
  return file;
}

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

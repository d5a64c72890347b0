// The one place commands are wired into commander. Declared options, and the cross-cutting switches a
// command declares (supportsDryRun, destructive), become commander options here, not code repeated in
// handlers.
import { Command, Option } from 'commander';
import type { GlobalOptions } from '../context.js';
import { flagName, type AnyCommand, type OptionSpec } from './define.js';
import { COMMANDS } from './commands/index.js';
import { UsageError } from '../ui/errors.js';

/** Runs a command's handler with its context and prints its result (src/cli/main.ts). */
export type Runner = (spec: AnyCommand, command: Command, args: string[]) => Promise<void>;

export interface ProgramOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

export function buildProgram(version: string, run: Runner, output: ProgramOutput): Command {
  const program = new Command('papi')
    .description('Stand up a real-time personalization API on Snowflake and run it end to end.')
    .version(version, '-V, --version', 'print the papi version')
    .option('--config <path>', 'papi.yaml to use (default: the nearest papi.yaml upwards)')
    .option('-c, --connection <name>', 'use this connection from ~/.snowflake/connections.toml (targets Snowflake)')
    .option('--json', 'print one JSON document on stdout, no progress')
    .option('--verbose', 'debug output: every statement, where each setting came from, stacks')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('-y, --yes', 'answer yes to confirmations (needed when nobody can answer a prompt)')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Quick start (no Snowflake account needed: papi runs its own local Snowflake):
  $ papi up            setup + deploy + token + get 22 on the local Snowflake

Target: papi local unless you ask for Snowflake with -c NAME, \`target: snowflake\` in papi.yaml,
PAPI_TARGET=snowflake or SNOWFLAKE_ACCOUNT. A ~/.snowflake/connections.toml alone does not switch it.

Exit codes: 0 ok · 1 unexpected · 2 usage or config · 3 auth or connection · 4 remote failure · 130 interrupted`,
    );
  for (const spec of COMMANDS) program.addCommand(toCommand(spec, run));
  // addCommand does not pass settings down: every command throws instead of exiting, and writes
  // through the given streams, so the entry alone decides the exit code.
  const configure = (command: Command) => {
    command.exitOverride().configureOutput(output);
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Help paragraphs are wrapped by commander: a single line break in the source is a space, not a break. */
function paragraphs(text: string): string {
  return text.replace(/([^\n])\n(?=[^\n])/g, '$1 ');
}

/** Example lines: a command too long to share a column with the others puts its description below. */
function examplesHelp(examples: AnyCommand['examples']): string {
  const fits = examples.filter((e) => e.command.length <= 40);
  const width = Math.max(0, ...fits.map((e) => e.command.length));
  return examples.map((e) => (e.command.length <= 40 ? `  $ ${e.command.padEnd(width)}  ${e.description}` : `  $ ${e.command}\n      ${e.description}`)).join('\n');
}

function toCommand(spec: AnyCommand, run: Runner): Command {
  const command = new Command(spec.name).description(spec.description ? `${spec.summary}\n\n${paragraphs(spec.description)}` : spec.summary);
  command.summary(spec.summary);
  for (const argument of spec.arguments ?? []) command.argument(argument.syntax, argument.description);
  for (const [key, option] of Object.entries(spec.options ?? {})) command.addOption(toOption(key, option));
  if (spec.supportsDryRun) command.option('--dry-run', 'print the plan (SQL, spec) without connecting');
  if (spec.destructive) command.addHelpText('after', '\nThis command asks before it drops anything; pass --yes where nobody can answer.');
  if (spec.examples.length > 0) {
    command.addHelpText('after', `\nExamples:\n${examplesHelp(spec.examples)}`);
  }
  for (const sub of spec.subcommands ?? []) command.addCommand(toCommand(sub, run));
  if (spec.run) {
    // papi checks the count itself, so that too many arguments can come with the command's own hint.
    if (spec.extraArgumentsHint) command.allowExcessArguments(true);
    command.action(async (...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      const expected = spec.arguments?.length ?? 0;
      if (spec.extraArgumentsHint && self.args.length > expected)
        throw new UsageError(`too many arguments for '${spec.name}': expected ${expected}, got ${self.args.length}`, { hint: spec.extraArgumentsHint(self.args) });
      const args = self.args.slice(0, expected);
      await run(spec, self, args);
    });
  }
  return command;
}

/** Commander only collects the text; parseOptions (src/cli/define.ts) types and checks it. */
function toOption(key: string, spec: OptionSpec): Option {
  const long = spec.type === 'boolean' && spec.negate ? `--no-${flagName(key)}` : `--${flagName(key)}`;
  const flags = `${spec.short ? `-${spec.short}, ` : ''}${long}${spec.type === 'boolean' ? '' : ` <${spec.placeholder}>`}`;
  const option = new Option(flags, spec.description);
  if (spec.hidden) option.hideHelp();
  if (spec.type === 'choice') option.choices(spec.choices);
  if (spec.type !== 'boolean' && spec.default !== undefined) option.default(spec.default);
  if (spec.type === 'string' && spec.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  return option;
}

export function globalsOf(command: Command): GlobalOptions {
  const all = command.optsWithGlobals() as Partial<GlobalOptions>;
  return {
    config: all.config,
    connection: all.connection,
    json: all.json ?? false,
    verbose: all.verbose ?? false,
    color: all.color ?? true,
    yes: all.yes ?? false,
  };
}

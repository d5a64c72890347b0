// What a command is: a declaration (name, help, examples, options, cross-cutting switches) and a
// handler that gets a context and returns data. src/cli/registry.ts wires them all into commander.
import type { Command } from 'commander';
import type { PapiConfig } from '../config/types.js';
import type { Output } from '../ui/output.js';

export interface GlobalOptions {
  config?: string;
  connection?: string;
  json: boolean;
  verbose: boolean;
  color: boolean;
  yes: boolean;
}

export interface Context {
  out: Output;
  globals: GlobalOptions;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Prompts are possible: stdin and stdout are TTYs and this is not CI. */
  interactive: boolean;
  /** Loads and validates the configuration once (flags > env > papi.yaml > connections.toml > defaults). */
  config(): Promise<PapiConfig>;
  /** Asks a yes/no question; only call when `interactive`. */
  confirm(question: string): Promise<boolean>;
  /** Aborted on Ctrl-C: long operations pass it on and stop. */
  signal: AbortSignal;
}

export interface CommandResult {
  /** The one JSON document printed with --json. */
  data: unknown;
  /** What people see on stdout without --json. */
  human?: string;
}

export interface Example {
  command: string;
  description: string;
}

export interface CommandSpec<Options = Record<string, unknown>> {
  name: string;
  summary: string;
  /** Longer help text shown by `papi <name> --help`. */
  description?: string;
  /** Positional arguments in commander syntax, e.g. '<ids>' or '[ids]'. */
  arguments?: Array<{ syntax: string; description: string }>;
  examples: Example[];
  /** Declares the command's own options on its commander Command. */
  options?(command: Command): void;
  /** Drops or replaces things: needs --yes when nobody can answer the prompt. */
  destructive?: boolean;
  /** Has --dry-run: prints the plan without credentials or a connection. */
  supportsDryRun?: boolean;
  subcommands?: CommandSpec[];
  run?(ctx: Context, args: string[], options: Options): Promise<CommandResult | void>;
}

/** Typed identity helper so each command file reads as a declaration. */
export function defineCommand<Options = Record<string, unknown>>(spec: CommandSpec<Options>): CommandSpec {
  return spec as unknown as CommandSpec;
}

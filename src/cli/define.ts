// What a command is: a declaration (name, help, examples, options, what it needs) and a handler that
// gets a context and typed options and returns data to render. Each option is declared once — flag,
// type, default, validation and the config setting it overrides — and the handler's option type is
// inferred from that declaration (as wrangler's createCommand does). src/cli/program.ts wires the
// declarations into commander; src/cli/main.ts builds the context and runs the handler.
import type { ConnectedContext, Context, TargetContext } from '../context.js';
import { UsageError } from '../ui/errors.js';

interface OptionBase {
  description: string;
  /** One-letter alias, e.g. 'f' for -f. */
  short?: string;
  /** Not listed by --help (used between papi's own processes). */
  hidden?: boolean;
}

/** A switch; `negate: true` declares `--no-<name>` and makes the value default to true. */
export interface BooleanOption extends OptionBase {
  type: 'boolean';
  negate?: boolean;
}

export interface StringOption extends OptionBase {
  type: 'string';
  /** Shown in help: `--url <url>`. */
  placeholder: string;
  default?: string;
  /** May be given several times; the value is then a list. */
  repeatable?: boolean;
  /** The config setting this flag overrides (papi.yaml path); the handler reads it from the config. */
  config?: string;
}

export interface NumberOption extends OptionBase {
  type: 'int' | 'number';
  placeholder: string;
  min: number;
  max: number;
  default?: number;
  /** What a value means in messages: "a number of seconds". */
  meaning?: string;
  config?: string;
}

export interface ChoiceOption<C extends string = string> extends OptionBase {
  type: 'choice';
  placeholder: string;
  choices: readonly C[];
  default?: C;
  config?: string;
}

export type OptionSpec = BooleanOption | StringOption | NumberOption | ChoiceOption;
export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<O extends OptionSpec> = O extends BooleanOption
  ? boolean
  : O extends NumberOption
    ? number
    : O extends ChoiceOption<infer C>
      ? C
      : O extends { repeatable: true }
        ? string[]
        : string;

/** Always set: switches, options with a default, repeatable lists (empty when absent). */
type Defined<O> = O extends BooleanOption ? true : O extends { default: unknown } ? true : O extends { repeatable: true } ? true : false;

/** The handler's options: every declared option except those that only feed the config. */
export type OptionsOf<S extends OptionSpecs> = {
  [K in keyof S as S[K] extends { config: string } ? never : K]: Defined<S[K]> extends true ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

/** What a command needs beyond the base context: the target, or a connection to it. */
export type Needs = 'target' | 'connection' | undefined;
export type ContextFor<N extends Needs> = N extends 'connection' ? ConnectedContext : N extends 'target' ? TargetContext : Context;

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

export interface CommandSpec<S extends OptionSpecs = OptionSpecs, N extends Needs = Needs> {
  name: string;
  summary: string;
  /** Longer help text shown by `papi <name> --help`. */
  description?: string;
  /** Positional arguments in commander syntax, e.g. '<ids>' or '[ids]'. */
  arguments?: Array<{ syntax: string; description: string }>;
  examples: Example[];
  options?: S;
  /** Resolves the target (`target`) or also opens one connection (`connection`), closed when the command ends. */
  needs?: N;
  /** Drops or replaces things: needs --yes when nobody can answer the prompt. */
  destructive?: boolean;
  /** Has --dry-run: prints the plan without credentials or a connection. */
  supportsDryRun?: boolean;
  subcommands?: AnyCommand[];
  /** Given more positional arguments than declared: what the user probably meant (usage error, exit 2). */
  extraArgumentsHint?(args: string[]): string;
  /** `dryRun` is set when the command declares supportsDryRun and --dry-run was given. */
  run?(ctx: ContextFor<N>, args: string[], options: OptionsOf<S> & { dryRun?: boolean }): Promise<CommandResult | void>;
}

/** A declared command as the wiring sees it (options untyped). */
export interface AnyCommand extends Omit<CommandSpec, 'run'> {
  run?(ctx: ConnectedContext, args: string[], options: Record<string, unknown>): Promise<CommandResult | void>;
}

/** Typed identity: the handler's option and context types follow from the declaration. */
export function defineCommand<const S extends OptionSpecs = Record<never, OptionSpec>, const N extends Needs = undefined>(
  spec: CommandSpec<S, N>,
): AnyCommand {
  return spec as unknown as AnyCommand;
}

/** `waitTimeout` → `wait-timeout`. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** A config override from a flag, for the config loader's flag layer. */
export interface FlagSetting {
  path: string;
  value: string | number;
  flag: string;
}

/**
 * Turns commander's raw values (strings, booleans, lists) into the declared types, with one usage
 * error per bad value that names the flag, what it got and what it accepts. Options bound to a config
 * setting go to `settings` (validated there by the setting's own rules) instead of the handler.
 */
export function parseOptions(specs: OptionSpecs, raw: Record<string, unknown>): { options: Record<string, unknown>; settings: FlagSetting[] } {
  const options: Record<string, unknown> = {};
  const settings: FlagSetting[] = [];
  for (const [key, spec] of Object.entries(specs)) {
    const flag = `--${flagName(key)}`;
    const given = raw[key];
    if (spec.type === 'boolean') {
      options[key] = given === undefined ? Boolean(spec.negate) : Boolean(given);
      continue;
    }
    if (spec.type === 'string' && spec.repeatable) {
      options[key] = Array.isArray(given) ? given : [];
      continue;
    }
    const value = given === undefined ? spec.default : parseValue(spec, flag, String(given));
    if (spec.config !== undefined) {
      if (given !== undefined) settings.push({ path: spec.config, value: value as string | number, flag });
    } else options[key] = value;
  }
  if (raw.dryRun !== undefined) options.dryRun = raw.dryRun;
  return { options, settings };
}

function parseValue(spec: StringOption | NumberOption | ChoiceOption, flag: string, text: string): string | number {
  switch (spec.type) {
    case 'string':
      return text;
    case 'choice':
      if (!spec.choices.includes(text)) throw new UsageError(`${flag}: "${text}" is not one of ${spec.choices.join(', ')}`);
      return text;
    case 'int':
    case 'number': {
      const pattern = spec.type === 'int' ? /^\d+$/ : /^\d+(\.\d+)?$/;
      const value = Number(text);
      if (!pattern.test(text.trim()) || value < spec.min || value > spec.max)
        throw new UsageError(
          `${flag}: "${text}" is not ${spec.meaning ?? (spec.type === 'int' ? 'a whole number' : 'a number')} ${spec.max === Infinity ? `≥ ${spec.min}` : `from ${spec.min} to ${spec.max}`}`,
        );
      return value;
    }
  }
}

// Config problems are collected, never thrown one by one: the loader reports every one at once in a
// single ConfigError (exit 2), each with where it is (`papi.yaml:12`, `PAPI_LOCAL_PORT`) and its path.
import { ConfigError } from '../ui/errors.js';

export interface Problem {
  /** `papi.yaml:12`, `env PAPI_LOCAL_PORT`, `~/.snowflake/connections.toml [dev]`. */
  where: string;
  /** Config or file path, e.g. `service.port`. */
  path?: string;
  message: string;
  hint?: string;
}

export function formatProblem(problem: Problem): string {
  return `${problem.where}${problem.path ? ` › ${problem.path}` : ''}: ${problem.message}`;
}

export function configErrorOf(problems: readonly Problem[]): ConfigError {
  const lines = inFileOrder(problems).map(formatProblem);
  const message = lines.length === 1 ? lines[0]! : `${lines.length} problems in the configuration:\n  ${lines.join('\n  ')}`;
  const hints = [...new Set(problems.map((p) => p.hint).filter((h): h is string => Boolean(h)))];
  return new ConfigError(message, { code: 'CONFIG_INVALID', hint: hints.length > 0 ? hints.join('\n      ') : undefined });
}

/** Problems grouped by file (in order of first appearance), then by line. */
function inFileOrder(problems: readonly Problem[]): Problem[] {
  const split = (where: string) => {
    const match = /^(.*):(\d+)$/.exec(where);
    return match ? { file: match[1]!, line: Number(match[2]) } : { file: where, line: 0 };
  };
  const files = [...new Set(problems.map((p) => split(p.where).file))];
  return problems
    .map((problem, index) => ({ problem, index, ...split(problem.where) }))
    .sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.line - b.line || a.index - b.index)
    .map((entry) => entry.problem);
}

/** A value shown in a message: strings quoted and cut short, mappings and lists named. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

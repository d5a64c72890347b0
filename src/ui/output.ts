// The output module: the result goes to stdout (human text, or exactly one JSON document with --json);
// progress, warnings and errors go to stderr. Spinners only on an interactive stderr and never with
// --json; otherwise one plain line per finished step with its elapsed time.
import type { ChalkInstance } from 'chalk';
import { makeChalk } from './color.js';
import { CancelledError, PapiError, SnowflakeError } from './errors.js';

export interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface OutputOptions {
  stdout: Stream;
  stderr: Stream;
  json: boolean;
  verbose: boolean;
  colorLevel: 0 | 1;
  /** Spinners allowed: stderr is a TTY, not CI, not --json. Decided once by the caller. */
  spinners: boolean;
}

export interface Step {
  /** Replace the running text (spinner) — no output otherwise. */
  update(text: string): void;
  succeed(detail?: string): void;
  fail(detail?: string): void;
}

interface Spinner {
  text: string;
  start(): Spinner;
  stopAndPersist(options: { symbol: string; text: string }): Spinner;
  stop(): Spinner;
}
type SpinnerFactory = (options: { text: string; stream: Stream }) => Spinner;

/** ora's "dots" frames; coloured here, by papi's own colour decision. */
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Output {
  readonly c: ChalkInstance;
  readonly json: boolean;
  readonly verbose: boolean;
  private spinnerFactory?: SpinnerFactory;
  private resultWritten = false;

  constructor(private readonly options: OutputOptions) {
    this.c = makeChalk(options.colorLevel);
    this.json = options.json;
    this.verbose = options.verbose;
  }

  /** Loads ora only when a spinner can actually be shown. */
  async init(): Promise<this> {
    if (this.options.spinners && !this.options.json) {
      const { default: ora } = await import('ora');
      const spinner = { interval: 80, frames: FRAMES.map((frame) => this.c.cyan(frame)) };
      this.spinnerFactory = ({ text, stream }) =>
        ora({
          text,
          stream: stream as NodeJS.WritableStream,
          isEnabled: true,
          // ora colours with its own chalk, which ignores NO_COLOR and papi's --no-color: papi colours.
          color: false,
          spinner,
          // ora's stdin discarder puts the terminal in raw mode, so Ctrl-C arrives as a byte it never
          // reads (stdin stays paused) instead of SIGINT: papi's commands could not be interrupted.
          discardStdin: false,
        }) as unknown as Spinner;
    }
    return this;
  }

  /** The command's result: `human` for people, `data` as the one JSON document with --json. */
  result(data: unknown, human?: string): void {
    if (this.resultWritten) throw new Error('a command printed two results');
    this.resultWritten = true;
    if (this.json) this.options.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    else if (human !== undefined && human !== '') this.options.stdout.write(human.endsWith('\n') ? human : `${human}\n`);
  }

  /** Raw text on stdout for commands whose product is text (papi token, a streamed --json line). */
  raw(text: string): void {
    // Under --json what went out raw is the command's one document: a later error must not add another.
    if (this.json) this.resultWritten = true;
    this.options.stdout.write(text);
  }

  info(message: string): void {
    if (!this.json) this.options.stderr.write(`${message}\n`);
  }

  warn(message: string): void {
    this.options.stderr.write(`${this.c.yellow('warning:')} ${message}\n`);
  }

  debug(message: string): void {
    if (this.verbose) this.options.stderr.write(`${this.c.dim(message)}\n`);
  }

  step(title: string): Step {
    const started = performance.now();
    const elapsed = () => this.c.dim(`(${formatDuration(performance.now() - started)})`);
    if (this.json) return { update() {}, succeed() {}, fail() {} };
    const succeeded = (detail?: string) => `${title}${detail ? ` ${this.c.dim(detail)}` : ''} ${elapsed()}`;
    const failed = (detail?: string) => `${title}${detail ? `: ${detail}` : ''} ${elapsed()}`;
    const ok = this.c.green('✓');
    const bad = this.c.red('✗');
    if (this.spinnerFactory) {
      const spinner = this.spinnerFactory({ text: title, stream: this.options.stderr }).start();
      return {
        update: (text) => (spinner.text = `${title} ${this.c.dim(text)}`),
        succeed: (detail) => spinner.stopAndPersist({ symbol: ok, text: succeeded(detail) }),
        fail: (detail) => spinner.stopAndPersist({ symbol: bad, text: failed(detail) }),
      };
    }
    return {
      update() {},
      succeed: (detail) => this.options.stderr.write(`${ok} ${succeeded(detail)}\n`),
      fail: (detail) => this.options.stderr.write(`${bad} ${failed(detail)}\n`),
    };
  }

  /** Runs `work` as a step: success and failure are reported, the error is re-thrown. */
  async task<T>(title: string, work: (step: Step) => Promise<T>, detail?: (value: T) => string | undefined): Promise<T> {
    const step = this.step(title);
    try {
      const value = await work(step);
      step.succeed(detail?.(value));
      return value;
    } catch (error) {
      step.fail();
      throw error;
    }
  }

  /** Renders an error on stderr (or as the JSON document with --json). */
  error(error: unknown): void {
    if (this.json && !this.resultWritten) {
      this.resultWritten = true;
      this.options.stdout.write(`${JSON.stringify({ error: errorJson(error) }, null, 2)}\n`);
    }
    const err = this.options.stderr;
    // Ctrl-C is the user's choice, not a failure: one plain line, no red "error:".
    if (error instanceof CancelledError) {
      err.write(`${error.message}\n`);
      if (error.hint) err.write(`${this.c.cyan('hint:')} ${error.hint}\n`);
      return;
    }
    if (error instanceof PapiError) {
      err.write(`${this.c.red('error:')} ${error.message}\n`);
      if (error instanceof SnowflakeError && this.verbose && error.statement) err.write(this.c.dim(`${error.statement}\n`));
      if (error.hint) err.write(`${this.c.cyan('hint:')} ${error.hint}\n`);
      if (this.verbose && error.cause instanceof Error) err.write(this.c.dim(`cause: ${error.cause.stack ?? error.cause.message}\n`));
      return;
    }
    const text = error instanceof Error ? (this.verbose ? (error.stack ?? error.message) : error.message) : String(error);
    err.write(`${this.c.red('error:')} unexpected: ${text}\n`);
    if (!this.verbose) err.write(`${this.c.cyan('hint:')} run again with --verbose for the stack trace; this is a bug in papi, please report it.\n`);
  }
}

export function errorJson(error: unknown): Record<string, unknown> {
  if (error instanceof SnowflakeError)
    return { code: error.code, message: error.message, hint: error.hint, snowflakeCode: error.snowflakeCode, sqlState: error.sqlState };
  if (error instanceof PapiError) return { code: error.code, message: error.message, hint: error.hint };
  return { code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

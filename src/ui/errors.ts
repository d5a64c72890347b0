// The typed error family. Handlers throw these; only the entry (src/cli/main.ts) turns them into an
// exit code. A PapiError is an expected failure: it prints its message and hint without a stack.

/** Documented exit codes (README, "Exit codes"). */
export const ExitCode = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  auth: 3,
  remote: 4,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface PapiErrorOptions {
  hint?: string;
  cause?: unknown;
  /** A stable machine-readable code for --json output, e.g. "CONFIG_INVALID". */
  code?: string;
}

export class PapiError extends Error {
  readonly exitCode: ExitCode = ExitCode.unexpected;
  readonly code: string;
  readonly hint?: string;

  constructor(message: string, options: PapiErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'PAPI_ERROR';
    this.hint = options.hint;
  }
}

/** Bad flags, arguments or input (exit 2). */
export class UsageError extends PapiError {
  override readonly exitCode = ExitCode.usage;
}

/** papi.yaml, connections.toml or environment that cannot be used (exit 2). */
export class ConfigError extends PapiError {
  override readonly exitCode = ExitCode.usage;
}

/** Login, key pair, token or connection failures (exit 3). */
export class AuthError extends PapiError {
  override readonly exitCode = ExitCode.auth;
}

/** A statement Snowflake rejected; carries Snowflake's error number and SQLSTATE (exit 4). */
export class SnowflakeError extends PapiError {
  override readonly exitCode = ExitCode.remote;
  constructor(
    message: string,
    readonly snowflakeCode: string | undefined,
    readonly sqlState: string | undefined,
    options: PapiErrorOptions & { statement?: string } = {},
  ) {
    super(message, { code: 'SNOWFLAKE_ERROR', ...options });
    this.statement = options.statement;
  }
  readonly statement?: string;
}

/** An external tool (docker, skopeo) missing or failing (exit 4). */
export class ToolError extends PapiError {
  override readonly exitCode = ExitCode.remote;
}

/** An HTTP call that answered with an error status (exit 4). */
export class HttpError extends PapiError {
  override readonly exitCode = ExitCode.remote;
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
    options: PapiErrorOptions = {},
  ) {
    super(message, { code: 'HTTP_ERROR', ...options });
  }
}

/** Ctrl-C or a declined confirmation that must not count as success (exit 130). */
export class CancelledError extends PapiError {
  override readonly exitCode = ExitCode.interrupted;
}

/** A command that a later issue fills in (exit 2, never pretends to work). */
export class NotAvailableError extends UsageError {
  constructor(command: string) {
    super(`papi ${command} is not available yet.`, {
      code: 'NOT_AVAILABLE',
      hint: 'This command is planned; see the README for what works today.',
    });
  }
}

export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof PapiError ? error.exitCode : ExitCode.unexpected;
}

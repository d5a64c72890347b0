// What a command's function gets: output for progress, the configuration, the environment, Ctrl-C as an
// AbortSignal and, when the command declares it, the target and a connection to it. The CLI builds it
// (src/cli/main.ts) and owns what it opened; tests and `papi up` pass it on to other command functions.
import type { PapiConfig } from './config/types.js';
import type { Connection } from './snowflake/driver.js';
import type { Target } from './snowflake/target.js';
import type { Output } from './ui/output.js';

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

/** A command that talks to the target: papi local (started when none runs) or the Snowflake account. */
export interface TargetContext extends Context {
  /** Resolved once, on first use. */
  target(): Promise<Target>;
}

/** A command that runs SQL: one admin connection, opened on first use and closed when the command ends. */
export interface ConnectedContext extends TargetContext {
  connection(): Promise<Connection>;
}

/**
 * Runs `work` with a connection of its own, opened on first use and closed when it ends (also on
 * errors and Ctrl-C). Each command sets the session it needs (USE ROLE …), so commands composed in
 * one run (papi up) each get their own session rather than inherit another's role.
 */
export async function withOwnConnection<T>(ctx: TargetContext, work: (ctx: ConnectedContext) => Promise<T>): Promise<T> {
  let connection: Promise<Connection> | undefined;
  const scoped: ConnectedContext = {
    ...ctx,
    connection: async () => {
      const { openConnection } = await import('./snowflake/target.js');
      return (connection ??= ctx.target().then((target) => openConnection(target, ctx.out, ctx.signal)));
    },
  };
  try {
    return await work(scoped);
  } finally {
    if (connection) await connection.then((c) => c.close()).catch(() => undefined);
  }
}

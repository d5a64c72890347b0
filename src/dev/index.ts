// papi dev: the service bundle the image contains, run on localhost as a child process against the
// configured target (papi local, started when none runs, or the account), until Ctrl-C or SIGTERM.
import { join } from 'node:path';
import type { TargetContext } from '../context.js';
import { ensureProjectDir } from '../project.js';
import { CancelledError, ToolError } from '../ui/errors.js';
import { serviceEnvironment } from './service-env.js';
import { startServiceProcess } from './service-process.js';

export interface DevOptions {
  /** Port to listen on (0 picks a free one; default service.port). */
  port?: number;
  /** Called once the service answers, with its URL and the file its log goes to. */
  onReady(url: string, logFile: string): void;
  /** Each line the service logs (requests, errors), read from its log file; none: the log is not followed. */
  onLog?(line: string): void;
}

/** The service's log in papi dev: written by the service itself, not relayed through papi. */
export const DEV_LOG_FILE = 'dev-service.log';

/** Serves until stopped: resolves on SIGTERM (a normal stop), rejects on Ctrl-C or when the service dies. */
export async function dev(ctx: TargetContext, options: DevOptions): Promise<void> {
  const config = await ctx.config();
  const port = options.port ?? config.service.port;
  const target = await ctx.target();
  const logFile = join((await ensureProjectDir(config)).root, DEV_LOG_FILE);

  // Ctrl-C aborts ctx.signal (exit 130); SIGTERM (a supervisor, `kill`) is a normal stop. Either way
  // the service process is stopped before papi exits, so none is left behind.
  const terminate = new AbortController();
  const onTerm = (): void => terminate.abort();
  process.once('SIGTERM', onTerm);
  let ready = false;
  try {
    const service = await ctx.out
      .task(`Start the service against ${target.description}`, () =>
        startServiceProcess({
          env: serviceEnvironment(config, target, { port, host: '127.0.0.1' }),
          logFile,
          // Followed (off the service's path: the service writes the file itself) only when someone reads it.
          // Lines from before it is ready (its start) stay in the file: the ready line comes first.
          ...(options.onLog ? { onLog: (line: string) => ready && options.onLog!(line) } : ctx.out.verbose ? { onLog: (line: string) => ctx.out.debug(line) } : {}),
          signal: AbortSignal.any([ctx.signal, terminate.signal]),
        }),
      )
      .catch((error: unknown) => {
        // Terminated while starting: stopped as asked, not a failure.
        if (terminate.signal.aborted && !ctx.signal.aborted) return undefined;
        throw error;
      });
    if (!service) return;
    options.onReady(service.url, logFile);
    ready = true;
    const { database, schema, table } = config.snowflake.api;
    void warnWhenNotReady(service.url, `${database}.${schema}.${table}`, (message) => ctx.out.warn(message));
    const code = await service.exited;
    if (ctx.signal.aborted) throw new CancelledError('papi dev stopped (interrupted).', { code: 'INTERRUPTED' });
    if (terminate.signal.aborted) return;
    throw new ToolError(`the service stopped by itself (exit code ${code})`, { code: 'SERVICE_FAILED', hint: 'Run with --verbose to see its log.' });
  } finally {
    process.off('SIGTERM', onTerm);
  }
}

/** The service starts even when it cannot read the table yet (it answers 503): say so once, on stderr. */
async function warnWhenNotReady(url: string, table: string, warn: (message: string) => void): Promise<void> {
  const status = await fetch(`${url}/healthz`).then(
    (response) => response.status,
    () => undefined,
  );
  if (status !== undefined && status !== 200)
    warn(`the service cannot read ${table} yet (GET /healthz: ${status}); run \`papi setup\` if it is not published, or --verbose for the service's log`);
}

import { CancelledError, ToolError, UsageError } from '../ui/errors.js';
import { defineCommand } from './command.js';

interface DevOptions {
  port?: string;
}

export default defineCommand<DevOptions>({
  name: 'dev',
  summary: 'Run the service on localhost against the configured target, without deploying',
  description:
    'Runs the same one-file bundle the image contains (service/dist/server.mjs) as a child process, ' +
    'connected to papi local (started in the background if needed) or the configured account as the API role. ' +
    'Ctrl-C stops it (exit 130); SIGTERM stops it normally (exit 0).',
  examples: [
    { command: 'papi dev', description: 'serve on http://127.0.0.1:8001 against papi local' },
    { command: 'papi dev --port 9000 --json', description: 'print {"url": …} once ready' },
  ],
  options(command) {
    command.option('--port <port>', 'port to listen on (default: service.port, 8001; 0 picks a free one)');
  },
  async run(ctx, _args, options) {
    const config = await ctx.config();
    const port = options.port === undefined ? config.service.port : /^\d{1,5}$/.test(options.port) ? Number(options.port) : NaN;
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port: "${options.port}" is not a port number`, { hint: 'Use 0 to 65535 (0 picks a free port).' });
    const { resolveTarget } = await import('../snowflake/target.js');
    const { startServiceProcess } = await import('../dev/service-process.js');
    const { serviceEnvironment } = await import('../dev/service-env.js');
    const target = await resolveTarget(config, ctx.out, ctx.env);

    // Ctrl-C aborts ctx.signal (exit 130); SIGTERM (a supervisor, `kill`) is a normal stop. Either way
    // the service process is stopped before papi exits, so none is left behind.
    const terminate = new AbortController();
    const onTerm = (): void => terminate.abort();
    process.once('SIGTERM', onTerm);
    try {
      const service = await ctx.out
        .task(`Start the service against ${target.description}`, () =>
          startServiceProcess({
            env: serviceEnvironment(config, target, { port, host: '127.0.0.1' }),
            onLog: (line) => ctx.out.debug(line),
            signal: AbortSignal.any([ctx.signal, terminate.signal]),
          }),
        )
        .catch((error: unknown) => {
          // Terminated while starting: stopped as asked, not a failure.
          if (terminate.signal.aborted && !ctx.signal.aborted) return undefined;
          throw error;
        });
      if (!service) return;
      // Ready: one line for scripts, a hint for people; then serve until stopped.
      if (ctx.out.json) ctx.out.raw(`${JSON.stringify({ url: service.url })}\n`);
      else ctx.out.info(`papi dev: ${service.url}  (try ${service.url}/customer/22 or ${service.url}/test; Ctrl-C stops)`);
      const { database, schema, table } = config.snowflake.api;
      void warnWhenNotReady(service.url, `${database}.${schema}.${table}`, (message) => ctx.out.warn(message));
      const code = await service.exited;
      if (ctx.signal.aborted) throw new CancelledError('papi dev stopped (interrupted).', { code: 'INTERRUPTED' });
      if (terminate.signal.aborted) return;
      throw new ToolError(`the service stopped by itself (exit code ${code})`, { code: 'SERVICE_FAILED', hint: 'Run with --verbose to see its log.' });
    } finally {
      process.off('SIGTERM', onTerm);
    }
  },
});

/** The service starts even when it cannot read the table yet (it answers 503): say so once, on stderr. */
async function warnWhenNotReady(url: string, table: string, warn: (message: string) => void): Promise<void> {
  const status = await fetch(`${url}/healthz`).then(
    (response) => response.status,
    () => undefined,
  );
  if (status !== undefined && status !== 200)
    warn(`the service cannot read ${table} yet (GET /healthz: ${status}); run \`papi setup\` if it is not published, or --verbose for the service's log`);
}

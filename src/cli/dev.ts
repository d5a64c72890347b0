import { UsageError } from '../ui/errors.js';
import { defineCommand } from './command.js';

interface DevOptions {
  port?: string;
}

export default defineCommand<DevOptions>({
  name: 'dev',
  summary: 'Run the service on localhost against the configured target, without deploying',
  examples: [
    { command: 'papi dev', description: 'serve on http://127.0.0.1:8001 against papi local' },
    { command: 'papi dev --port 9000 --json', description: 'print {"url": …} once ready' },
  ],
  options(command) {
    command.option('--port <port>', 'port to listen on (default: service.port, 8001)');
  },
  async run(ctx, _args, options) {
    const config = await ctx.config();
    const port = options.port === undefined ? config.service.port : Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port: "${options.port}" is not a port number`, { hint: 'Use 0 to 65535 (0 picks a free port).' });
    const { resolveTarget } = await import('../snowflake/target.js');
    const { startServiceProcess } = await import('../dev/service-process.js');
    const { serviceEnvironment } = await import('../dev/service-env.js');
    const target = await resolveTarget(config, ctx.out, ctx.env);
    const service = await ctx.out.task(`Start the service against ${target.description}`, () =>
      startServiceProcess({
        env: serviceEnvironment(config, target, { port, host: '127.0.0.1' }),
        onLog: (line) => ctx.out.debug(line),
        signal: ctx.signal,
      }),
    );
    // Ready: one line for scripts, a hint for people; then serve until Ctrl-C.
    if (ctx.out.json) ctx.out.raw(`${JSON.stringify({ url: service.url })}\n`);
    else ctx.out.info(`papi dev: ${service.url}  (try ${service.url}/customer/22 or ${service.url}/test; Ctrl-C stops)`);
    const code = await service.exited;
    if (!ctx.signal.aborted) throw new UsageError(`the service stopped by itself (exit code ${code})`, { hint: 'Run with --verbose to see its log.' });
  },
});

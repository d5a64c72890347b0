import { defineCommand } from '../define.js';

export default defineCommand({
  name: 'dev',
  summary: 'Run the service on localhost against the configured target, without deploying',
  description:
    'Runs the same one-file bundle the image contains (service/dist/server.mjs) as a child process, ' +
    'connected to papi local (started in the background if needed) or the configured account as the API role. ' +
    'The service writes its JSON log into .papi/dev-service.log itself; papi dev prints each request from it ' +
    '(method, route, status, ids, cache, time; --json: the JSON lines as they are; --no-request-log: not at all). ' +
    'Ctrl-C stops it (exit 130); SIGTERM stops it normally (exit 0).',
  examples: [
    { command: 'papi dev', description: 'serve on http://127.0.0.1:8001 against papi local' },
    { command: 'papi dev --port 9000 --json', description: 'print {"url": …} once ready, then the service\'s JSON log lines' },
  ],
  needs: 'target',
  options: {
    port: {
      type: 'int',
      placeholder: 'port',
      min: 0,
      max: 65_535,
      meaning: 'a port number',
      description: 'port to listen on (default: service.port, 8001; 0 picks a free one)',
    },
    requestLog: { type: 'boolean', negate: true, description: 'print each request the service answers (default: on)' },
  },
  async run(ctx, _args, options) {
    const { dev } = await import('../../dev/index.js');
    const { describeServiceLine, linePrinter } = await import('../../dev/request-log.js');
    await dev(ctx, {
      port: options.port,
      ...(options.requestLog ? { onLog: linePrinter((text) => ctx.out.raw(text), ctx.out.json ? undefined : describeServiceLine) } : {}),
      // Ready: one line for scripts, a hint for people; then it serves until stopped.
      onReady: (url, logFile) => {
        if (ctx.out.json) ctx.out.raw(`${JSON.stringify({ url })}\n`);
        else ctx.out.info(`papi dev: ${url}  (try ${url}/customer/22 or ${url}/test; Ctrl-C stops; the service's log: ${logFile})`);
      },
    });
  },
});

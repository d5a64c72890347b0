import { defineCommand } from '../define.js';

export default defineCommand({
  name: 'logs',
  summary: "Print the service container's logs",
  examples: [
    { command: 'papi logs', description: 'the last 100 lines' },
    { command: 'papi logs --follow', description: 'keep printing new lines (polls every 2 s)' },
  ],
  needs: 'connection',
  options: {
    follow: { type: 'boolean', short: 'f', description: 'keep printing new lines' },
    lines: { type: 'int', short: 'n', placeholder: 'count', min: 1, max: 10_000, default: 100, meaning: 'a count', description: 'how many lines' },
  },
  async run(ctx, _args, options) {
    const { followLogs, logs } = await import('../../deploy/index.js');
    if (!options.follow) {
      const result = await logs(ctx, options);
      // Scripts get one string per line (a trailing newline makes no empty last line).
      const lines = result.logs === '' ? [] : result.logs.replace(/\n$/, '').split('\n');
      return { data: { service: result.service, lines }, human: result.logs };
    }
    for await (const lines of followLogs(ctx, options)) ctx.out.raw(`${lines}\n`);
  },
});

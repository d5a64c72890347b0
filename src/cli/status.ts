import { defineCommand } from './command.js';

export default defineCommand({
  name: 'status',
  summary: 'Show the service, its containers and its endpoint URL',
  examples: [
    { command: 'papi status', description: 'service status, containers, ingress URL' },
    { command: 'papi status --json', description: 'the same as JSON' },
  ],
  async run(ctx) {
    const config = await ctx.config();
    const { resolveTarget, openConnection } = await import('../snowflake/target.js');
    const { serviceStatus, formatStatus } = await import('../spcs/status.js');
    const target = await resolveTarget(config, ctx.out, ctx.env);
    const conn = await openConnection(target, ctx.out);
    try {
      const report = await serviceStatus(conn, config, (m) => ctx.out.debug(m));
      return { data: { target: target.kind, ...report }, human: formatStatus(report) };
    } finally {
      await conn.close();
    }
  },
});

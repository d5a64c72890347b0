import { defineCommand } from '../define.js';

export default defineCommand({
  name: 'status',
  summary: 'Show the service, its containers and its endpoint URL, and the scheduled refresh',
  examples: [
    { command: 'papi status', description: 'service status, containers, ingress URL; the refresh task with its last and next run' },
    { command: 'papi status --json', description: 'the same as JSON' },
  ],
  needs: 'connection',
  async run(ctx) {
    const { status } = await import('../../deploy/index.js');
    const { formatStatus } = await import('../../deploy/service-status.js');
    const { refreshStatus, formatRefresh } = await import('../../setup/schedule.js');
    const report = await status(ctx);
    const refresh = await refreshStatus(await ctx.connection(), await ctx.config(), (m) => ctx.out.debug(m));
    return { data: { ...report, refresh: refresh ?? null }, human: `${formatStatus(report)}\n${formatRefresh(refresh)}` };
  },
});

import { defineCommand } from '../define.js';

export default defineCommand({
  name: 'status',
  summary: 'Show the service, its containers and its endpoint URL',
  examples: [
    { command: 'papi status', description: 'service status, containers, ingress URL' },
    { command: 'papi status --json', description: 'the same as JSON' },
  ],
  needs: 'connection',
  async run(ctx) {
    const { status } = await import('../../deploy/index.js');
    const { formatStatus } = await import('../../deploy/service-status.js');
    const report = await status(ctx);
    return { data: report, human: formatStatus(report) };
  },
});

import { defineCommand } from '../define.js';

export default defineCommand({
  name: 'resume',
  summary: 'Resume the suspended service (--pool: its compute pool first) and wait until it answers',
  description:
    'ALTER SERVICE … RESUME: SPCS starts the containers again from the same image. Waits, as deploy does,\n' +
    'until every container is READY and the public endpoint has its URL, then prints the URL. With --pool\n' +
    'the compute pool is resumed first. Resuming what already runs says so and still waits for it.',
  examples: [
    { command: 'papi resume', description: 'resume the service and wait for it' },
    { command: 'papi resume --pool', description: 'the compute pool first, then the service' },
    { command: 'papi resume --no-wait', description: 'return once RESUME ran' },
  ],
  needs: 'connection',
  options: {
    pool: { type: 'boolean', description: 'resume the compute pool first' },
    waitTimeout: {
      type: 'int',
      placeholder: 'seconds',
      min: 1,
      max: 86_400,
      default: 900,
      meaning: 'a number of seconds',
      description: 'how long to wait for READY and the endpoint',
    },
    wait: { type: 'boolean', negate: true, description: 'do not wait for the service to be ready' },
  },
  async run(ctx, _args, options) {
    const { resume } = await import('../../deploy/index.js');
    const result = await resume(ctx, { pool: options.pool, wait: options.wait, waitTimeoutSeconds: options.waitTimeout });
    const lines: string[] = [];
    if (result.pool) lines.push(result.pool.outcome === 'resumed' ? `Compute pool ${result.pool.name} resumed.` : `Compute pool ${result.pool.name} was already running.`);
    const service = `Service ${result.service.name}`;
    lines.push(result.service.outcome === 'resumed' ? `${service} resumed${result.url ? `: ${result.url}` : ' (not waiting for it). Check with: papi status'}` : `${service} was already running${result.url ? `: ${result.url}` : '.'}`);
    if (result.url) lines.push('Next: papi get 22');
    return { data: { command: 'resume', ...result }, human: lines.join('\n') };
  },
});

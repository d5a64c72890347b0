import { defineCommand } from '../define.js';

export default defineCommand({
  name: 'suspend',
  summary: 'Suspend the service (and with --pool its compute pool) to stop paying for it',
  description:
    "The tutorial's last step, ALTER SERVICE … SUSPEND: SPCS stops and removes the service's containers;\n" +
    'the service, its image and its endpoint URL stay, and `papi resume` starts it again. With --pool the\n' +
    "compute pool is suspended too (it releases its nodes; any other service in it is suspended with it).\n" +
    'Suspending what is already suspended says so and succeeds. Note: a call to the endpoint by other means\n' +
    '(curl, a browser) resumes the service, as Snowflake does for a service with AUTO_RESUME (the default).',
  examples: [
    { command: 'papi suspend', description: 'suspend the service' },
    { command: 'papi suspend --pool', description: 'the service, then its compute pool' },
    { command: 'papi suspend --json', description: 'what was suspended, for scripts' },
  ],
  needs: 'connection',
  options: {
    pool: { type: 'boolean', description: 'also suspend the compute pool' },
  },
  async run(ctx, _args, options) {
    const { suspend } = await import('../../deploy/index.js');
    const result = await suspend(ctx, options);
    const said = (what: string, outcome: string) => (outcome === 'suspended' ? `${what} suspended.` : `${what} was already suspended.`);
    const lines = [said(`Service ${result.service.name}`, result.service.outcome)];
    if (result.pool) lines.push(said(`Compute pool ${result.pool.name}`, result.pool.outcome));
    lines.push(`Resume with: papi resume${result.pool ? ' --pool' : ''}`);
    return { data: { command: 'suspend', ...result }, human: lines.join('\n') };
  },
});

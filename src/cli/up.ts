import { defineCommand, type CommandResult, type CommandSpec, type Context } from './command.js';
import deploy from './deploy.js';
import { lookupCustomers } from './get.js';
import setup from './setup.js';

export default defineCommand({
  name: 'up',
  summary: 'The one-command demo: setup, deploy, token and get 22',
  description:
    'With no Snowflake account configured it starts papi local (detached, under .papi/local/) and runs ' +
    'the whole tutorial against it: objects, data, recommendations, hybrid table, image, service, token,' +
    "and user 22's recommendations through the ingress.",
  examples: [
    { command: 'papi up', description: 'everything on papi local (no account, no network)' },
    { command: 'papi up -c prod', description: 'everything on the Snowflake connection "prod"' },
  ],
  async run(ctx) {
    const started = performance.now();
    const config = await ctx.config();
    ctx.out.info(config.target === 'local' ? 'papi up on papi local (no account needed)' : 'papi up on your Snowflake account');
    const setupResult = await step(ctx, setup, [], {});
    const deployResult = await step(ctx, deploy, [], { builder: 'oci', waitTimeout: '900', wait: true });
    // `get` fetches (and caches) the token itself, registering the key pair on first use.
    const customer22 = await ctx.out.task('GET /customer/22 through the ingress', () => lookupCustomers(ctx, '22'), (r) => `HTTP ${r.status}, ${r.ms.toFixed(0)} ms`);
    const url = (deployResult?.data as { url?: string } | undefined)?.url;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    return {
      data: { command: 'up', target: config.target, url, setup: setupResult?.data, deploy: deployResult?.data, customer22: customer22.json },
      human: [
        `User 22's recommendations, from ${url}/customer/22:`,
        ...recommendationLines(customer22.json),
        '',
        `Done in ${seconds}s. Next: papi get 22,196 · papi bench · papi status · papi teardown (papi local keeps running until papi local stop)`,
      ].join('\n'),
    };
  },
});

/** Runs another command's handler with this context; its progress shows, its result is collected. */
async function step(ctx: Context, spec: CommandSpec, args: string[], options: Record<string, unknown>): Promise<CommandResult | undefined> {
  return (await spec.run!(ctx, args, options)) ?? undefined;
}

/** `  1. Toy Story (1995)  4.50` per recommendation, from the service's answer. */
function recommendationLines(body: unknown): string[] {
  const rows = Array.isArray(body) ? (body as Array<{ RECOMMENDATIONS?: unknown }>) : [];
  const recommendations = Array.isArray(rows[0]?.RECOMMENDATIONS) ? (rows[0]!.RECOMMENDATIONS as Array<Record<string, unknown>>) : [];
  if (recommendations.length === 0) return ['  (none)'];
  return recommendations.map((r, i) => `  ${String(i + 1).padStart(2)}. ${String(r.movie_name)}  ${String(r.movie_score)}`);
}

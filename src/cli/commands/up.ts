import { sampleUserId } from '../../config/id-format.js';
import { defineCommand } from '../define.js';
import deployCommand from './deploy.js';

export default defineCommand({
  name: 'up',
  summary: 'The one-command demo: setup, deploy, token and get 22',
  description:
    'With no Snowflake account configured it starts papi local (detached, under .papi/local/) and runs ' +
    'the whole tutorial against it: objects, data, recommendations, hybrid table, image, service, token, ' +
    "and user 22's recommendations through the ingress.",
  examples: [
    { command: 'papi up', description: 'everything on papi local (no account, no network)' },
    { command: 'papi up -c prod', description: 'everything on the Snowflake connection "prod"' },
  ],
  // Each step opens its own connection (src/up).
  needs: 'target',
  async run(ctx) {
    const { up } = await import('../../up/index.js');
    const { parseOptions } = await import('../define.js');
    // deploy's own declared defaults (builder, wait, timeout), not restated here.
    const defaults = parseOptions(deployCommand.options ?? {}, {}).options as { builder: 'oci' | 'docker'; wait: boolean; waitTimeout: number };
    const result = await up(ctx, { deploy: { builder: defaults.builder, wait: defaults.wait, waitTimeoutSeconds: defaults.waitTimeout } });
    return {
      data: { command: 'up', target: result.target, url: result.url, setup: setupData(result.setup), deploy: { command: 'deploy', ...result.deploy }, customer22: result.customer22.json },
      human: [
        `User ${result.exampleId}'s recommendations, from ${result.url}/customer/${result.exampleId}:`,
        ...recommendationLines(result.customer22.json),
        '',
        `Done in ${(result.ms / 1000).toFixed(1)}s. Next: papi get ${[22, 196].map((n) => sampleUserId(n, result.idFormat)).join(',')} · papi bench · papi status · papi teardown (papi local keeps running until papi local stop)`,
      ].join('\n'),
    };
  },
});

/** The same document `papi setup --json` prints. */
function setupData(setup: { target: string; tableType: string; steps: unknown }) {
  return { command: 'setup', target: setup.target, tableType: setup.tableType, steps: setup.steps };
}

/** `  1. Toy Story (1995)  4.50` per recommendation, from the service's answer. */
function recommendationLines(body: unknown): string[] {
  const rows = Array.isArray(body) ? (body as Array<{ RECOMMENDATIONS?: unknown }>) : [];
  const recommendations = Array.isArray(rows[0]?.RECOMMENDATIONS) ? (rows[0]!.RECOMMENDATIONS as Array<Record<string, unknown>>) : [];
  if (recommendations.length === 0) return ['  (none)'];
  return recommendations.map((r, i) => `  ${String(i + 1).padStart(2)}. ${String(r.movie_name)}  ${String(r.movie_score)}`);
}

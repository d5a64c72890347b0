import { defineCommand } from '../define.js';

export default defineCommand({
  name: 'token',
  summary: "Print a token for the service's ingress (key-pair JWT exchanged with OAuth, cached until it expires)",
  description:
    "Creates the service user's RSA key pair on first use (.papi/keys/, mode 0600), registers the public\n" +
    'key, signs a key-pair JWT and exchanges it for an ingress token. Only the token goes to stdout. ' +
    'A Programmatic Access Token in SNOWFLAKE_PAT is used as it is instead.',
  examples: [
    { command: 'papi token', description: 'print the token (from the cache while it is valid)' },
    { command: 'papi token --json', description: 'token and expiry as JSON' },
    { command: 'papi token --rotate', description: 'new key pair in RSA_PUBLIC_KEY_2; the old key works until the switch' },
    { command: 'papi token --pat-network-policy', description: "the SQL for the network policy a service user's PAT needs (to review and run)" },
    { command: 'curl -H "Authorization: Snowflake Token=\\"$(papi token)\\"" https://<ingress>/customer/22', description: 'use it' },
  ],
  needs: 'connection',
  options: {
    rotate: { type: 'boolean', description: 'create and register a new key pair' },
    refresh: { type: 'boolean', description: 'ignore the cached token' },
    patNetworkPolicy: {
      type: 'boolean',
      description: "print the SQL that puts the service user under a network policy, which its programmatic access tokens need (runs nothing)",
    },
  },
  async run(ctx, _args, options) {
    if (options.patNetworkPolicy) {
      // Printed, never run: the address is the user's to fill in, and the policy binds every login of the user.
      const { patNetworkPolicyScript, patNetworkPolicyStatements } = await import('../../api/pat-policy.js');
      const config = await ctx.config();
      return { data: { statements: patNetworkPolicyStatements(config).map((s) => s.sql) }, human: patNetworkPolicyScript(config).trimEnd() };
    }
    const { token } = await import('../../api/token.js');
    const result = await token(ctx, options);
    ctx.out.debug(`token from ${result.source}${result.expiresAt ? `, valid until ${result.expiresAt.toISOString()}` : ''}`);
    // The token is the product: on stdout alone (so $(papi token) works), never in a log line.
    if (ctx.out.json)
      return {
        data: {
          token: result.token,
          expiresAt: result.expiresAt?.toISOString() ?? null,
          source: result.source,
          endpoint: result.deployment.url,
          keyRegistered: result.registered,
        },
      };
    ctx.out.raw(`${result.token}\n`);
  },
});

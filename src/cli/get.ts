import type { ApiResponse } from '../api/client.js';
import { AuthError } from '../ui/errors.js';
import { defineCommand, type Context } from './command.js';

interface GetOptions {
  url?: string;
}

export default defineCommand<GetOptions>({
  name: 'get',
  summary: 'Call GET /customer/<ids> on the deployed service and print the JSON',
  arguments: [{ syntax: '<ids>', description: 'one user id or several separated by commas, e.g. 22 or 22,196' }],
  examples: [
    { command: 'papi get 22', description: "user 22's recommendations" },
    { command: 'papi get 22,196 --json', description: 'two users, raw JSON for scripts' },
  ],
  options(command) {
    command.option('--url <url>', 'call this base URL instead of the deployed endpoint (e.g. papi dev)');
  },
  async run(ctx, args, options) {
    const response = await lookupCustomers(ctx, args[0] ?? '', options.url);
    // --json: the service's body exactly as it came; people get it indented.
    if (ctx.out.json) return void ctx.out.raw(response.body.endsWith('\n') ? response.body : `${response.body}\n`);
    return { data: response.json, human: JSON.stringify(response.json, null, 2) };
  },
});

/** GET /customer/<ids> on `url`, or on the deployed endpoint with a token for the service user. */
export async function lookupCustomers(ctx: Context, idsText: string, url?: string): Promise<ApiResponse> {
  const config = await ctx.config();
  const { parseIds, getCustomers } = await import('../api/client.js');
  const ids = parseIds(idsText, config.service.idFormat, config.service.maxIdsPerRequest);
  let baseUrl = url;
  let token = '';
  let patVariable: string | undefined;
  if (baseUrl === undefined) {
    const { endpointToken } = await import('../api/token.js');
    const { resolveTarget } = await import('../snowflake/target.js');
    const resolved = await endpointToken({
      config,
      out: ctx.out,
      env: ctx.env,
      signal: ctx.signal,
      target: () => resolveTarget(config, ctx.out, ctx.env),
    });
    baseUrl = resolved.deployment.url;
    token = resolved.token;
    if (resolved.source === 'environment') patVariable = resolved.variable;
  }
  const response = await getCustomers({ baseUrl, token, ids, signal: ctx.signal }).catch((error: unknown) => {
    // `papi token --refresh` cannot help with a PAT: it comes from the environment as it is.
    if (!(error instanceof AuthError) || patVariable === undefined) throw error;
    throw new AuthError(error.message, {
      code: error.code,
      hint: `The programmatic access token in ${patVariable} was refused: it may have expired or been removed, or its role may not use the service. Create another (ALTER USER … ADD PAT … ROLE_RESTRICTION = '<api role>'), or unset ${patVariable} to use the key pair.`,
      cause: error,
    });
  });
  ctx.out.debug(`HTTP ${response.status}, X-Cache ${response.cache ?? '-'}, ${response.ms.toFixed(1)} ms`);
  return response;
}

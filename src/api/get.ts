// papi get: GET /customer/<ids> on the deployed endpoint with an ingress token for the service user,
// or on a URL given (papi dev, a service called directly).
import type { ConnectedContext } from '../context.js';
import { AuthError } from '../ui/errors.js';
import type { ApiResponse } from './client.js';
import { refusedPatHint } from './pat-policy.js';

export interface GetOptions {
  /** One id or several separated by commas, as typed: validated against service.idFormat first. */
  ids: string;
  /** Call this base URL instead of the deployed endpoint (no token is sent). */
  url?: string;
}

export async function get(ctx: ConnectedContext, options: GetOptions): Promise<ApiResponse> {
  const config = await ctx.config();
  const { parseIds, getCustomers } = await import('./client.js');
  const ids = parseIds(options.ids, config.service.idFormat, config.service.maxIdsPerRequest);
  let baseUrl = options.url;
  let bearer = '';
  let patVariable: string | undefined;
  if (baseUrl === undefined) {
    const { token } = await import('./token.js');
    const resolved = await token(ctx, { offerUrl: true });
    baseUrl = resolved.deployment.url;
    bearer = resolved.token;
    if (resolved.source === 'environment') patVariable = resolved.variable;
  }
  const response = await getCustomers({ baseUrl, token: bearer, ids, signal: ctx.signal }).catch((error: unknown) => {
    // `papi token --refresh` cannot help with a PAT: it comes from the environment as it is.
    if (!(error instanceof AuthError) || patVariable === undefined) throw error;
    throw new AuthError(error.message, { code: error.code, hint: refusedPatHint(config, patVariable), cause: error });
  });
  ctx.out.debug(`HTTP ${response.status}, X-Cache ${response.cache ?? '-'}, ${response.ms.toFixed(1)} ms`);
  return response;
}

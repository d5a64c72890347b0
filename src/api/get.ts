// papi get: GET /customer/<ids> on the deployed endpoint with an ingress token for the service user,
// or on a URL given (papi dev, a service called directly).
import type { ConnectedContext } from '../context.js';
import { poll } from '../poll.js';
import { AuthError, HttpError } from '../ui/errors.js';
import type { ApiResponse } from './client.js';
import { refusedPatHint } from './pat-policy.js';

export interface GetOptions {
  /** One id or several separated by commas, as typed: validated against service.idFormat first. */
  ids: string;
  /** Call this base URL instead of the deployed endpoint (a token is sent only if it is the deployed endpoint). */
  url?: string;
}

export async function get(ctx: ConnectedContext, options: GetOptions): Promise<ApiResponse> {
  const config = await ctx.config();
  const { parseIds, getCustomers } = await import('./client.js');
  const ids = parseIds(options.ids, config.service.idFormat, config.service.maxIdsPerRequest);
  let baseUrl = options.url;
  let bearer = '';
  let patVariable: string | undefined;
  // The deployed endpoint, named or not, gets the service user's token; another --url gets none.
  const { tokenForUrl } = await import('./url-token.js');
  const resolved = baseUrl === undefined ? await (await import('./token.js')).token(ctx, { offerUrl: true }) : await tokenForUrl(ctx, baseUrl);
  if (resolved) {
    const { ensureNotSuspended } = await import('../deploy/service-status.js');
    await ensureNotSuspended(await ctx.connection(), config, (m) => ctx.out.debug(m));
    baseUrl ??= resolved.deployment.url;
    bearer = resolved.token;
    if (resolved.source === 'environment') patVariable = resolved.variable;
  }
  if (baseUrl === undefined) throw new Error('unreachable: no URL and no deployment');
  const call = () =>
    getCustomers({ baseUrl, token: bearer, ids, signal: ctx.signal }).catch((error: unknown) => {
      // `papi token --refresh` cannot help with a PAT: it comes from the environment as it is.
      if (!(error instanceof AuthError) || patVariable === undefined) throw error;
      throw new AuthError(error.message, { code: error.code, hint: refusedPatHint(config, patVariable), cause: error });
    });
  // A deployed service whose containers are (re)starting — papi local just restarted, a resume, an
  // upgrade — answers 503 for a moment: wait for it rather than fail the first call after a restart.
  const response = await call().catch((error: unknown) => {
    if (!resolved || !isNotReady(error)) throw error;
    return waitUntilReady(ctx, call, resolved.deployment.service);
  });
  ctx.out.debug(`HTTP ${response.status}, X-Cache ${response.cache ?? '-'}, ${response.ms.toFixed(1)} ms`);
  return response;
}

/** How long papi get waits for a deployed service that answers 503 (its containers starting). */
const READY_WAIT_MS = 90_000;

function isNotReady(error: unknown): error is HttpError {
  return error instanceof HttpError && error.status === 503;
}

async function waitUntilReady(ctx: ConnectedContext, call: () => Promise<ApiResponse>, service: string): Promise<ApiResponse> {
  let last: HttpError | undefined;
  const response = await ctx.out.task(`Wait for service ${service} to be ready (up to ${READY_WAIT_MS / 1000} s)`, () =>
    poll(
      () =>
        call().catch((error: unknown) => {
          if (!isNotReady(error)) throw error;
          last = error;
          return undefined;
        }),
      { intervalMs: 500, timeoutMs: READY_WAIT_MS, signal: ctx.signal },
    ),
  );
  if (response) return response;
  throw new HttpError(`service ${service} was still not ready after ${READY_WAIT_MS / 1000} s: ${last?.message ?? 'HTTP 503'}`, 503, last?.body ?? '', {
    code: 'SERVICE_NOT_READY',
    hint: 'See `papi status` for its containers and `papi logs` for why they do not start.',
  });
}

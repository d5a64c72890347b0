// Calling the deployed API: `GET /customer/<ids>` with `Authorization: Snowflake Token="…"`, the
// only form Snowflake's ingress accepts. Ids are checked before anything goes on the wire.
import { AuthError, HttpError, UsageError } from '../ui/errors.js';

import { ALPHANUMERIC_ID, ID_FORMAT_RULES, type IdFormat } from '../config/id-format.js';

export type { IdFormat };

const ID_PATTERNS: Record<IdFormat, RegExp> = {
  integer: /^[1-9][0-9]{0,17}$/,
  alphanumeric: ALPHANUMERIC_ID,
};

/** "22" or "22,196" → ["22", "196"]; every bad part is named. */
export function parseIds(input: string, format: IdFormat, maxIds: number): string[] {
  const parts = input.split(',').map((part) => part.trim());
  const bad = parts.filter((part) => !ID_PATTERNS[format].test(part));
  if (bad.length > 0) {
    const shown = bad.slice(0, 3).map((part) => (part === '' ? '(empty)' : JSON.stringify(part.slice(0, 40))));
    throw new UsageError(`invalid id${bad.length > 1 ? 's' : ''}: ${shown.join(', ')}${bad.length > 3 ? ', …' : ''}`, {
      code: 'INVALID_IDS',
      hint:
        format === 'integer'
          ? 'Ids are positive integers, one or comma-separated: papi get 22 or papi get 22,196.'
          : `Ids are ${ID_FORMAT_RULES.alphanumeric} (service.idFormat: alphanumeric), one or comma-separated: papi get abc-17,22.`,
    });
  }
  if (parts.length > maxIds)
    throw new UsageError(`${parts.length} ids in one request; the service answers at most ${maxIds}`, {
      code: 'TOO_MANY_IDS',
      hint: 'Split the ids over several calls, or raise service.maxIdsPerRequest in papi.yaml and deploy again.',
    });
  return [...new Set(parts)];
}

export interface ApiResponse {
  status: number;
  body: string;
  /** The parsed JSON body. */
  json: unknown;
  cache?: string;
  ms: number;
}

export async function getCustomers(options: {
  baseUrl: string;
  token: string;
  ids: string[];
  signal?: AbortSignal;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}): Promise<ApiResponse> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/customer/${options.ids.map(encodeURIComponent).join(',')}`;
  const signals = [AbortSignal.timeout(options.timeoutMs ?? 30_000), ...(options.signal ? [options.signal] : [])];
  const started = performance.now();
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      // No token, no Authorization header: an empty one would only confuse the ingress's answer.
      headers: { ...(options.token ? { authorization: `Snowflake Token="${options.token}"` } : {}), accept: 'application/json' },
      // Ingress answers an unauthenticated browser with a redirect to a login page: an API client treats it as a failure.
      redirect: 'manual',
      signal: AbortSignal.any(signals),
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new HttpError(`cannot reach ${options.baseUrl}: ${(error as Error).message}`, 0, '', {
      code: 'ENDPOINT_UNREACHABLE',
      hint: 'Check that the service runs (papi status) and that the URL is right.',
      cause: error,
    });
  }
  const body = await response.text();
  const ms = performance.now() - started;
  if ([301, 302, 303, 307, 308, 401, 403].includes(response.status) && !options.token)
    throw new AuthError(`the endpoint asks for a token (HTTP ${response.status}) and none was sent`, {
      code: 'ENDPOINT_UNAUTHORIZED',
      hint:
        '--url sends the service user\'s token only to the deployed endpoint (see `papi status`). For another URL: ' +
        `curl -H "Authorization: Snowflake Token=\\"$(papi token)\\"" ${url}`,
    });
  if ([301, 302, 303, 307, 308, 401, 403].includes(response.status))
    throw new AuthError(`the endpoint refused the token (HTTP ${response.status})`, {
      code: 'ENDPOINT_UNAUTHORIZED',
      hint: 'Get a fresh token with `papi token --refresh`; the role in the token must be allowed to use the service.',
    });
  if (!response.ok)
    throw new HttpError(`GET ${new URL(url).pathname} answered HTTP ${response.status}: ${body.slice(0, 500)}`, response.status, body);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new HttpError(`GET ${new URL(url).pathname} answered something that is not JSON`, response.status, body);
  }
  return { status: response.status, body, json, cache: response.headers.get('x-cache') ?? undefined, ms };
}

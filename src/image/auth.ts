// Registry authentication as the distribution spec's token flow describes it: read the
// `WWW-Authenticate` challenge, answer Basic directly or fetch a Bearer token from the realm with
// Basic credentials, and cache Bearer tokens per scope. Secrets never go into messages.

import { AuthError } from '../ui/errors.js';

export interface BasicCredentials {
  username: string;
  password: string;
}

export interface Challenge {
  scheme: 'basic' | 'bearer';
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…",error="…"` (quoted or token values). */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const match = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return undefined;
  const params: Record<string, string> = {};
  const pattern = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (const param of match[2]!.matchAll(pattern)) {
    params[param[1]!.toLowerCase()] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : param[3]!;
  }
  return { scheme, params };
}

export function basicHeader(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

export class InsufficientScopeError extends AuthError {
  constructor(
    registry: string,
    repository: string,
    readonly action: 'push' | 'pull' = 'push',
  ) {
    super(`No ${action} permission on ${registry}/${repository}.`, {
      code: action === 'push' ? 'REGISTRY_NO_PUSH_PERMISSION' : 'REGISTRY_NO_PULL_PERMISSION',
      hint:
        action === 'push'
          ? 'The registry accepted the login but the role cannot write to this image repository: grant WRITE on the image repository to the role papi uses (or use a role that owns it).'
          : 'The registry accepted the login but the role cannot read this image repository: grant READ on it (SHOW IMAGE REPOSITORIES lists only those the role can use).',
    });
  }
}

/** Fetches a token from the challenge's realm; answers `{token}` or `{access_token}`. */
export async function fetchBearerToken(
  challenge: Challenge,
  scope: string | undefined,
  credentials: BasicCredentials | undefined,
  fetchImpl: typeof fetch,
  registry: string,
): Promise<{ token: string; expiresAt?: number }> {
  const realm = challenge.params.realm;
  if (!realm) throw new AuthError(`The registry ${registry} asked for a Bearer token without saying where to get one (no realm).`, { code: 'REGISTRY_AUTH' });
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
  const wanted = challenge.params.scope ?? scope;
  if (wanted) for (const part of wanted.split(' ')) url.searchParams.append('scope', part);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (credentials) headers.authorization = basicHeader(credentials);
  let response: Response;
  try {
    response = await fetchImpl(url, { headers, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new AuthError(`Could not reach the registry's token service at ${url.origin}${url.pathname}.`, { code: 'REGISTRY_AUTH', cause: error });
  }
  const text = await response.text();
  if (response.status === 401 || response.status === 403) {
    throw new AuthError(`The registry ${registry} refused the login (HTTP ${response.status}).`, {
      code: 'REGISTRY_LOGIN_FAILED',
      hint: credentials
        ? 'Check the credentials: for Snowflake the session token may have expired (papi logs in again on the next run).'
        : 'The registry needs credentials.',
    });
  }
  if (!response.ok) throw new AuthError(`The registry's token service answered HTTP ${response.status}.`, { code: 'REGISTRY_AUTH' });
  let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new AuthError("The registry's token service did not answer JSON.", { code: 'REGISTRY_AUTH' });
  }
  const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
  if (!token) throw new AuthError("The registry's token service answered without a token.", { code: 'REGISTRY_AUTH' });
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : undefined;
  return { token, ...(expiresIn !== undefined ? { expiresAt: Date.now() + expiresIn * 1000 } : {}) };
}

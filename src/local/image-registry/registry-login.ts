// Who is calling the registry. GET /login (this Hono app, routed at /login) takes Basic
// `0sessiontoken` + {"token": <SQL API session token>}, as Snowflake's registry does, and answers a
// bearer token for the /v2 API; /v2 requests carry that bearer token (or the same Basic credentials).
import { Hono, type Context } from 'hono';
import { answerErrorsWith } from '../http/error-middleware.js';
import type { LocalHttpEnv } from '../http/local-http-env.js';
import { requestHeader } from '../http/request-body.js';
import type { AccountDirectory, TokenAuthority } from '../platform.js';
import type { RegistryTokens } from './bearer-tokens.js';
import { OciError, ociErrorAnswer } from './oci-errors.js';

export const REGISTRY_SERVICE = 'papi-local-registry';
const SESSION_TOKEN_USER = '0sessiontoken';

export interface RegistryAuth {
  registryTokens: RegistryTokens;
  tokens: TokenAuthority;
  directory: () => AccountDirectory;
  /** Lifetime of the bearer tokens /login issues. */
  tokenTtlSeconds: number;
}

export function createRegistryLoginApp(auth: RegistryAuth): Hono<LocalHttpEnv> {
  const app = new Hono<LocalHttpEnv>();
  app.onError(answerErrorsWith(ociErrorAnswer));
  app.all('/', (c) => {
    const credentials = basicCredentials(requestHeader(c, 'authorization'));
    const user = credentials ? sessionUser(credentials, auth.tokens) : undefined;
    if (!user) {
      throw new OciError(401, 'UNAUTHORIZED', 'authentication required: log in with user 0sessiontoken and a Snowflake session token', undefined, {
        'www-authenticate': `Basic realm="${REGISTRY_SERVICE}"`,
      });
    }
    return c.json({ token: auth.registryTokens.issue(user, auth.tokenTtlSeconds), expires_in: auth.tokenTtlSeconds });
  });
  return app;
}

/** The user of a /v2 request: a bearer token from /login, or the session-token Basic credentials. */
export function authenticatedUser<E extends LocalHttpEnv>(c: Context<E>, auth: RegistryAuth): string | undefined {
  const header = requestHeader(c, 'authorization') ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return auth.registryTokens.verify(bearer[1]!);
  const basic = basicCredentials(header);
  return basic ? sessionUser(basic, auth.tokens) : undefined;
}

/** `0sessiontoken` / {"token": …}: the user of a valid SQL API session token. */
function sessionUser(credentials: { username: string; password: string }, tokens: TokenAuthority): string | undefined {
  if (credentials.username !== SESSION_TOKEN_USER) return undefined;
  try {
    const body = JSON.parse(credentials.password) as { token?: unknown };
    if (typeof body.token !== 'string') return undefined;
    return tokens.verifySessionToken(body.token)?.user;
  } catch {
    return undefined;
  }
}

function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

// One call for "a token the ingress accepts": a PAT from the environment if there is one; otherwise the
// cached exchanged token while it is valid; otherwise sign a key-pair JWT, exchange it and cache the
// result. Key registration (ALTER USER … SET RSA_PUBLIC_KEY) is the caller's job: it needs SQL.
import type { KeyObject } from 'node:crypto';
import { jwtAccountFromAccount } from './jwt-account.js';
import { signKeyPairJwt } from './jwt.js';
import { silentLog, type AuthLog } from './log.js';
import { exchangeForIngressToken, normalizeEndpointHost } from './oauth.js';
import { tokenFromEnvironment, type PatEnvVar } from './pat.js';
import type { TokenCache } from './token-cache.js';

export interface IngressTokenOptions {
  env: Record<string, string | undefined>;
  accountUrl: string;
  account: string;
  user: string;
  role?: string;
  endpointHost: string;
  /** The signing key, or a loader called only when a new token must be obtained. */
  privateKey: KeyObject | (() => Promise<KeyObject>);
  cache: TokenCache;
  /** Skip the cache (--refresh); a PAT in the environment still wins. */
  refresh?: boolean;
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  log?: AuthLog;
}

export interface ResolvedIngressToken {
  token: string;
  /** Unknown only for a PAT that is not a JWT. */
  expiresAt?: Date;
  source: 'environment' | 'cache' | 'exchange';
  /** For source 'environment': which variable (never the value). */
  variable?: PatEnvVar;
}

export async function getIngressToken(options: IngressTokenOptions): Promise<ResolvedIngressToken> {
  const log = options.log ?? silentLog;
  const pat = tokenFromEnvironment(options.env);
  if (pat) {
    log.debug(`using the Programmatic Access Token from ${pat.source}`);
    return { token: pat.token, expiresAt: pat.expiresAt, source: 'environment', variable: pat.source };
  }
  const account = jwtAccountFromAccount(options.account);
  const endpointHost = normalizeEndpointHost(options.endpointHost);
  const key = { account, user: options.user, role: options.role, endpointHost };
  const result = await options.cache.getOrObtain(
    key,
    async () => {
      const privateKey = typeof options.privateKey === 'function' ? await options.privateKey() : options.privateKey;
      const jwt = await signKeyPairJwt({ account, user: options.user, privateKey });
      log.debug(`exchanging a key-pair JWT for an ingress token for ${endpointHost}`);
      return exchangeForIngressToken({
        accountUrl: options.accountUrl,
        jwt,
        role: options.role,
        endpointHost,
        fetch: options.fetch,
        signal: options.signal,
      });
    },
    { refresh: options.refresh },
  );
  return { token: result.token, expiresAt: result.expiresAt, source: result.fromCache ? 'cache' : 'exchange' };
}

// The ingress's checks, in the order it makes them, for both of its paths (the fast path for
// token-carrying API calls, fast-path.ts, and the Hono app for everything else, index.ts). Each
// check asks the current state on every request — the token (an expired or removed one is refused
// at once), the role's grants, whether the service is suspended, which container port is ready —
// so no path answers from a stale authorization. What repeats is cheap: the token's signature is
// remembered by the TokenAuthority (tokens.ts), and only its audience's comparison is memoized here.
import type { AccountDirectory, OAuthClaims, ServiceKey, TokenAuthority } from '../platform.js';
import { IngressError } from './refusal.js';

export interface GateOptions {
  service: ServiceKey;
  tokens: TokenAuthority;
  directory: AccountDirectory;
  /** The container port serving this endpoint now, or undefined when none is ready. */
  upstream: () => number | undefined;
  /** True when the service is suspended and stays so (asked after the token and role checks; may resume it). */
  suspended?: () => boolean;
}

export interface Gate {
  /** DATABASE.SCHEMA.NAME, for messages. */
  serviceName: string;
  /** The caller of an `Authorization` header, for this endpoint; else a 401. */
  caller(authorization: string | undefined): OAuthClaims;
  /** A token naming an audience must name this endpoint's host; else a 401. */
  checkAudience(claims: { audience?: string }): void;
  mayUse(role: string): boolean;
  /** The 403 for a role that may not use the endpoints. */
  forbidden(role: string): IngressError;
  /** The container port to forward to; else a 503 (suspended, or no ready instance). */
  readyPort(): number;
}

const TOKEN_HEADER = /^Snowflake Token="([^"]+)"$/;

export function createGate(options: GateOptions, host: () => string): Gate {
  const serviceName = `${options.service.database}.${options.service.schema}.${options.service.name}`;
  // The last audience compared, with the host it was compared to and the answer (tokens repeat).
  let memo: { audience: string; host: string; same: boolean } | undefined;
  return {
    serviceName,
    caller(authorization) {
      const match = TOKEN_HEADER.exec(authorization ?? '');
      const claims = match ? options.tokens.verifyOAuthToken(match[1]!) : undefined;
      if (!claims) {
        throw new IngressError(401, 'UNAUTHORIZED', match ? 'Invalid or expired access token.' : 'Missing authorization: send Authorization: Snowflake Token="<token>".');
      }
      return claims;
    },
    checkAudience({ audience }) {
      if (audience === undefined) return;
      const current = host();
      if (memo?.audience !== audience || memo.host !== current) memo = { audience, host: current, same: sameHost(audience, current) };
      if (!memo.same) throw new IngressError(401, 'UNAUTHORIZED', 'The OAuth access token was issued for another endpoint.');
    },
    mayUse: (role) => options.directory.canUseServiceEndpoints(role, options.service),
    forbidden: (role) => new IngressError(403, 'FORBIDDEN', `Role ${role} is not authorized to use the endpoints of service ${serviceName}.`),
    readyPort() {
      if (options.suspended?.()) throw new IngressError(503, 'SERVICE_SUSPENDED', `Service ${serviceName} is suspended: resume it with ALTER SERVICE ${serviceName} RESUME.`);
      const port = options.upstream();
      if (port === undefined) throw new IngressError(503, 'SERVICE_UNAVAILABLE', `Service ${serviceName} is not ready.`);
      return port;
    },
  };
}

function sameHost(audience: string, host: string): boolean {
  const normalized = audience.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return normalized === host || normalized === host.replace('127.0.0.1', 'localhost');
}

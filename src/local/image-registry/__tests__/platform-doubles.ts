// Test doubles for the contracts the registry, runner and ingress consume from other parts of papi
// local. The server's real TokenAuthority and the engine's AccountDirectory are written by other
// engineers at the same time; these small stand-ins let the registry/runner/ingress be tested on
// their own with real HTTP and real processes. They implement the same interfaces (platform.ts).

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { base64url, decodeJwt } from 'jose';
import { listenApp, type AppListener } from '../../http/listen-app.js';
import type { AccountDirectory, OAuthClaims, ServiceKey, TokenAuthority } from '../../platform.js';

/**
 * HS256 JWTs (encoded with jose's helpers; the interface is synchronous, so the signature is
 * computed with node:crypto). `typ` tells session tokens from OAuth tokens.
 */
export function createTestAuthority(): TokenAuthority & { issueSessionToken(user: string, role: string, ttlSeconds?: number): string } {
  const key = randomBytes(32);
  const sign = (claims: Record<string, unknown>): string => {
    const header = base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url.encode(JSON.stringify(claims));
    const signature = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${signature}`;
  };
  const verify = (token: string, kind: string): Record<string, unknown> | undefined => {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const expected = Buffer.from(createHmac('sha256', key).update(`${parts[0]}.${parts[1]}`).digest('base64url'));
    const given = Buffer.from(parts[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const claims = decodeJwt(token) as Record<string, unknown>;
    if (claims.kind !== kind || typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return undefined;
    return claims;
  };
  const now = (): number => Math.floor(Date.now() / 1000);
  return {
    issueOAuthToken: (claims: OAuthClaims, ttlSeconds: number) => sign({ kind: 'oauth', ...claims, exp: now() + ttlSeconds }),
    verifyOAuthToken: (token: string) => {
      const claims = verify(token, 'oauth');
      if (!claims) return undefined;
      return { user: String(claims.user), role: String(claims.role), ...(typeof claims.audience === 'string' ? { audience: claims.audience } : {}) };
    },
    verifySessionToken: (token: string) => {
      const claims = verify(token, 'session');
      return claims ? { user: String(claims.user), role: String(claims.role) } : undefined;
    },
    issueSessionToken: (user: string, role: string, ttlSeconds = 3600) => sign({ kind: 'session', user, role, exp: now() + ttlSeconds }),
  };
}

export interface TestGrants {
  /** `user` → image repositories (DB.SCHEMA.REPO) → privileges. */
  repositories?: Record<string, Record<string, Array<'READ' | 'WRITE'>>>;
  /** role → services (DB.SCHEMA.NAME) it may call. */
  endpoints?: Record<string, string[]>;
  /** Services (DB.SCHEMA.NAME) a call to the endpoint resumes when suspended (AUTO_RESUME on, pool running); default none. */
  resumesOnCall?: string[];
}

/** A catalog reduced to the grants a test sets; the engine implements the real one. */
export function createTestDirectory(grants: TestGrants, account = 'PAPI'): AccountDirectory {
  const id = (key: ServiceKey): string => `${key.database}.${key.schema}.${key.name}`;
  return {
    account: () => account,
    canUseImageRepository: (user, repository, privilege) => grants.repositories?.[user]?.[id(repository)]?.includes(privilege) ?? false,
    canUseServiceEndpoints: (role, service) => grants.endpoints?.[role]?.includes(id(service)) ?? false,
    serviceResumesOnCall: (service) => grants.resumesOnCall?.includes(id(service)) ?? false,
    userHasRole: () => true,
    verifyProgrammaticAccessToken: () => undefined,
  };
}

export type TestServer = AppListener;

/** A Hono app (e.g. a registry's `app`) served on 127.0.0.1 at any free port. */
export function startHttp(app: Parameters<typeof listenApp>[0]): Promise<TestServer> {
  return listenApp(app, { port: 0 });
}

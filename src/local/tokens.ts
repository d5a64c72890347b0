// Tokens papi local issues: SQL API session and master tokens, and OAuth access tokens for ingress
// and for services. All are compact JWTs (HS256) signed with a secret key kept 0600 in the data
// directory, so tokens survive a restart of the same instance and never work on another one.
// Signing is synchronous (node:crypto HMAC) because the TokenAuthority contract is synchronous.
// Programmatic access tokens are not issued here: they live in the catalog, and verifyOAuthToken
// falls back to the catalog's lookup so the ingress accepts either kind.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OAuthClaims, ProgrammaticAccessTokenClaims, TokenAuthority } from './platform.js';

export const SECRET_KEY_FILE = 'secret.key';

/** stage: the bearer token of one PUT or GET's file transfer (src/local/stage-storage/). */
export type TokenKind = 'session' | 'master' | 'oauth' | 'stage';

export interface TokenClaims {
  kind: TokenKind;
  /** Session id (session and master tokens). */
  sid?: string;
  user: string;
  role?: string;
  aud?: string;
  /** Stage tokens: the stage folder the transfer may touch, and whether it may write. */
  stage?: { folder: string; write: boolean };
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
}

export interface TokenLifetimes {
  /** Snowflake: 1 hour. */
  sessionSeconds: number;
  /** OAuth access tokens for the ingress (default OAUTH_TOKEN_SECONDS, 1 hour); short ones let tests see renewal. */
  oauthSeconds?: number;
  /** Snowflake: 4 hours. */
  masterSeconds: number;
}

export const DEFAULT_LIFETIMES: TokenLifetimes = { sessionSeconds: 3600, masterSeconds: 4 * 3600 };

/** What the server tells the authority about live sessions (a session token is only as good as its session). */
export type SessionResolver = (sessionId: string) => { user: string; role: string } | undefined;

/** The catalog's lookup of a programmatic access token's secret (AccountDirectory.verifyProgrammaticAccessToken). */
export type ProgrammaticAccessTokenLookup = (secret: string) => ProgrammaticAccessTokenClaims | undefined;

/** Most tokens whose signature is remembered as checked (then the memory starts afresh). */
const VERIFIED_LIMIT = 4096;

export class LocalTokenAuthority implements TokenAuthority {
  private resolver: SessionResolver | undefined;
  private patLookup: ProgrammaticAccessTokenLookup | undefined;
  /**
   * Tokens whose signature was checked, with their claims. The ingress checks the same token on every
   * request (1,000 a second under papi bench), the SQL API a session token on every statement: the
   * HMAC is computed once per token. Only the signature is remembered, which never changes for a
   * token and a key: kind and expiry are checked on every use (an expired token is refused at once),
   * a session token still needs its session, and programmatic access tokens are looked up in the
   * catalog each time (a removed one is refused at once).
   */
  private readonly verified = new Map<string, TokenClaims>();
  /** HMACs computed to check a signature (tests see the memory work). */
  signatureChecks = 0;

  constructor(
    private readonly key: Buffer,
    readonly lifetimes: TokenLifetimes = DEFAULT_LIFETIMES,
    private readonly now: () => number = Date.now,
  ) {}

  /** The server registers its session table here so verifySessionToken reflects USE ROLE and logout. */
  attachSessions(resolver: SessionResolver): void {
    this.resolver = resolver;
  }

  /** startLocal registers the catalog's PAT lookup here once the engine is open. */
  attachProgrammaticAccessTokens(lookup: ProgrammaticAccessTokenLookup): void {
    this.patLookup = lookup;
  }

  issue(claims: Omit<TokenClaims, 'iat' | 'exp'>, ttlSeconds: number): string {
    const iat = Math.floor(this.now() / 1000);
    const payload: TokenClaims & { jti: string } = { ...claims, iat, exp: iat + ttlSeconds, jti: randomUUID() };
    const body = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
    return `${body}.${this.sign(body)}`;
  }

  /** The token's claims when it is ours, of the expected kind and unexpired; 'expired' when only the time is wrong. */
  verify(token: string, kind: TokenKind): TokenClaims | 'expired' | undefined {
    const claims = this.verified.get(token) ?? this.checkSignature(token);
    if (claims === undefined || claims.kind !== kind) return undefined;
    if (claims.exp * 1000 <= this.now()) {
      this.verified.delete(token);
      return 'expired';
    }
    // A copy: the remembered claims are never changed by a caller.
    return { ...claims };
  }

  /** The claims of a token signed with this instance's key (remembered), else undefined. */
  private checkSignature(token: string): TokenClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    this.signatureChecks++;
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return undefined;
    }
    if (typeof claims !== 'object' || claims === null || typeof claims.kind !== 'string' || typeof claims.exp !== 'number' || typeof claims.user !== 'string') return undefined;
    if (this.verified.size >= VERIFIED_LIMIT) this.verified.clear();
    this.verified.set(token, claims);
    return claims;
  }

  issueOAuthToken(claims: OAuthClaims, ttlSeconds: number): string {
    return this.issue({ kind: 'oauth', user: claims.user, role: claims.role, ...(claims.audience ? { aud: claims.audience } : {}) }, ttlSeconds);
  }

  /** An OAuth access token this instance issued, else a programmatic access token (no audience: any endpoint). */
  verifyOAuthToken(token: string): OAuthClaims | undefined {
    const claims = this.verify(token, 'oauth');
    if (claims === undefined || claims === 'expired' || claims.role === undefined) {
      const pat = this.verifyProgrammaticAccessToken(token);
      return pat && { user: pat.user, role: pat.role };
    }
    return { user: claims.user, role: claims.role, ...(claims.aud ? { audience: claims.aud } : {}) };
  }

  verifyProgrammaticAccessToken(secret: string): ProgrammaticAccessTokenClaims | undefined {
    return this.patLookup?.(secret);
  }

  verifySessionToken(token: string): { user: string; role: string } | undefined {
    const claims = this.verify(token, 'session');
    if (claims === undefined || claims === 'expired' || claims.sid === undefined) return undefined;
    return this.resolver?.(claims.sid);
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}

/** Reads the data directory's secret key, creating it (0600) on first use. */
export async function loadSecretKey(dataDir: string): Promise<Buffer> {
  const file = path.join(dataDir, SECRET_KEY_FILE);
  try {
    const text = (await readFile(file, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(text)) return Buffer.from(text, 'hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('hex')}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return key;
}

export async function createTokenAuthority(dataDir: string, lifetimes: TokenLifetimes = DEFAULT_LIFETIMES): Promise<LocalTokenAuthority> {
  return new LocalTokenAuthority(await loadSecretKey(dataDir), lifetimes);
}

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

// Key-pair JWTs as Snowflake expects them: RS256, iss = ACCOUNT.USER.SHA256:<fingerprint>,
// sub = ACCOUNT.USER, iat/exp in seconds, at most an hour apart (papi keeps it under 59 minutes).
import type { KeyObject } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { AuthError, UsageError } from '../ui/errors.js';
import { jwtAccountFromAccount } from './jwt-account.js';
import { parsePrivateKey, publicKeyFingerprint } from './keypair.js';

/** 59 minutes: Snowflake rejects JWTs whose exp is more than an hour after iat. */
export const MAX_JWT_LIFETIME_SECONDS = 3540;

export interface KeyPairJwtOptions {
  /** Account setting in any documented form; normalised with jwtAccountFromAccount. */
  account: string;
  /** Login name; upper-cased as Snowflake does. */
  user: string;
  /** RSA private key (KeyObject from loadPrivateKey/ensureKeyPair, or unencrypted PEM). */
  privateKey: KeyObject | string;
  lifetimeSeconds?: number;
  /** Issue time; defaults to the clock. */
  now?: Date;
}

export async function signKeyPairJwt(options: KeyPairJwtOptions): Promise<string> {
  const lifetime = options.lifetimeSeconds ?? MAX_JWT_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_JWT_LIFETIME_SECONDS) {
    throw new UsageError(`JWT lifetime must be a whole number of seconds from 1 to ${MAX_JWT_LIFETIME_SECONDS}; got ${lifetime}.`);
  }
  const user = options.user.trim().toUpperCase();
  if (user === '') throw new UsageError('A user is needed to sign a key-pair JWT.');
  const account = jwtAccountFromAccount(options.account);
  const key = typeof options.privateKey === 'string' ? parsePrivateKey(options.privateKey, 'the private key') : options.privateKey;
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') {
    throw new AuthError('Key-pair JWTs need an RSA private key.', { code: 'PRIVATE_KEY_NOT_RSA' });
  }
  const qualifiedUser = `${account}.${user}`;
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(`${qualifiedUser}.${publicKeyFingerprint(key)}`)
    .setSubject(qualifiedUser)
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetime)
    .sign(key);
}

/**
 * When a JWT expires, read without verifying it. `exp` in milliseconds (the Node driver's own JWTs)
 * is recognised by its size. Throws AuthError if the text is not a JWT with a numeric exp.
 */
export function decodeJwtExpiry(token: string): Date {
  const expiry = tryDecodeJwtExpiry(token);
  if (expiry === undefined) throw new AuthError('The token is not a JWT with an expiry (exp).', { code: 'TOKEN_NOT_JWT' });
  return expiry;
}

/** Like decodeJwtExpiry, but undefined for opaque tokens. */
export function tryDecodeJwtExpiry(token: string): Date | undefined {
  let exp: unknown;
  try {
    exp = decodeJwt(token.trim()).exp;
  } catch {
    return undefined;
  }
  if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0) return undefined;
  // 1e11 seconds is the year 5138; anything larger is milliseconds.
  return new Date(exp > 1e11 ? exp : exp * 1000);
}

// Key-pair JWT verification, shared by the SNOWFLAKE_JWT login and the OAuth JWT-bearer grant:
// RS256 against the user's RSA_PUBLIC_KEY or RSA_PUBLIC_KEY_2 (base64 DER SPKI), iss =
// ACCOUNT.USER.SHA256:<fingerprint>, sub = ACCOUNT.USER, exp in the future and at most one hour after
// iat. The Node driver writes iat/exp in milliseconds, other clients in seconds: both are accepted.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { compactVerify, decodeJwt } from 'jose';
import type { Engine, UserAuth } from '../engine/types.js';
import { ErrorCode, SqlError } from '../errors.js';

const MAX_LIFETIME_SECONDS = 3600;
/** Clock skew tolerated on iat. */
const SKEW_SECONDS = 60;

export function jwtInvalid(): SqlError {
  return new SqlError(ErrorCode.jwtInvalid, '08004', 'JWT token is invalid.');
}

/** SHA256:<base64 of sha256(DER SPKI)>, as DESCRIBE USER shows RSA_PUBLIC_KEY_FP. */
export function publicKeyFingerprint(base64Der: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(stripPem(base64Der), 'base64')).digest('base64')}`;
}

/** The verified user, or a SqlError 390144 whatever is wrong (Snowflake does not say which part). */
export async function verifyKeyPairJwt(token: string, account: string, engine: Pick<Engine, 'user'>, now = Date.now()): Promise<UserAuth> {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(token);
  } catch {
    throw jwtInvalid();
  }
  const { iss, sub } = claims;
  if (typeof iss !== 'string' || typeof sub !== 'string') throw jwtInvalid();
  const issMatch = /^(.+)\.SHA256:(.+)$/.exec(iss);
  if (!issMatch || issMatch[1]!.toUpperCase() !== sub.toUpperCase()) throw jwtInvalid();
  const dot = sub.indexOf('.');
  if (dot <= 0 || sub.slice(0, dot).toUpperCase() !== account.toUpperCase()) throw jwtInvalid();
  const user = engine.user(sub.slice(dot + 1));
  if (!user || user.disabled) throw jwtInvalid();

  const fingerprint = `SHA256:${issMatch[2]}`;
  const key = [user.rsaPublicKey, user.rsaPublicKey2].find((k) => k !== undefined && k !== '' && publicKeyFingerprint(k) === fingerprint);
  if (key === undefined) throw jwtInvalid();
  try {
    const { protectedHeader } = await compactVerify(token, spkiKey(key), { algorithms: ['RS256'] });
    if (protectedHeader.alg !== 'RS256') throw jwtInvalid();
  } catch {
    throw jwtInvalid();
  }

  const iat = seconds(claims.iat);
  const exp = seconds(claims.exp);
  const nowSeconds = now / 1000;
  if (iat === undefined || exp === undefined) throw jwtInvalid();
  if (exp <= nowSeconds || iat > nowSeconds + SKEW_SECONDS || exp - iat > MAX_LIFETIME_SECONDS || exp <= iat) throw jwtInvalid();
  return user;
}

/** A JWT time in seconds: values past year 5138 in seconds are milliseconds. */
function seconds(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return value > 1e11 ? value / 1000 : value;
}

function spkiKey(base64Der: string): KeyObject {
  return createPublicKey({ key: Buffer.from(stripPem(base64Der), 'base64'), format: 'der', type: 'spki' });
}

/** ALTER USER … SET RSA_PUBLIC_KEY accepts the body; tolerate a full PEM too. */
function stripPem(text: string): string {
  return text.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
}

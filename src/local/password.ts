// Password hashing for papi local's users: scrypt with a random salt, stored as "salt:hash" (hex).
import { createHmac, randomBytes, scrypt as scryptCallback, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await scrypt(password, salt, KEY_LENGTH);
  return `${salt.toString('hex')}:${hash.toString('hex')}`;
}

/** Synchronous variant, for CREATE USER … PASSWORD inside the engine's statement path. */
export function hashPasswordSync(password: string): string {
  const salt = randomBytes(SALT_LENGTH);
  return `${salt.toString('hex')}:${scryptSync(password, salt, KEY_LENGTH).toString('hex')}`;
}

/** Constant-time check of `password` against a "salt:hash" string; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [saltHex, hashHex] = stored.split(':');
  if (!saltHex || !hashHex || !/^[0-9a-f]+$/i.test(saltHex) || !/^[0-9a-f]+$/i.test(hashHex)) return false;
  const expected = Buffer.from(hashHex, 'hex');
  const actual = await scrypt(password, Buffer.from(saltHex, 'hex'), expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** How many user+password outcomes a remembering verifier keeps (the oldest go first). */
const REMEMBERED_LIMIT = 1024;

/**
 * A verifier that hashes each user+password pair once per process: a pool opening 50 sessions, or
 * 50 first logins at once, share one scrypt. It remembers outcomes (and shares the one in flight) under
 * an HMAC of the stored hash and the password with a random key of this process — never the password
 * itself. The stored hash is part of the key, so a new password (ALTER USER … SET PASSWORD stores a
 * new salted hash) is never answered from memory; the stored hash stays scrypt, slow for anyone who
 * reads it.
 */
export function rememberingVerifier(verify: (password: string, stored: string) => Promise<boolean> = verifyPassword): (password: string, stored: string) => Promise<boolean> {
  const key = randomBytes(32);
  const outcomes = new Map<string, Promise<boolean>>();
  return (password, stored) => {
    const id = createHmac('sha256', key).update(stored).update('\0').update(password).digest('base64');
    const known = outcomes.get(id);
    if (known) return known;
    const outcome = verify(password, stored);
    if (outcomes.size >= REMEMBERED_LIMIT) outcomes.delete(outcomes.keys().next().value!);
    outcomes.set(id, outcome);
    // A verification that failed to run (not a wrong password) is not remembered.
    outcome.catch(() => outcomes.delete(id));
    return outcome;
  };
}

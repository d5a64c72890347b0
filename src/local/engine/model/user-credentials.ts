// A user's credentials besides its password: RSA public keys (key-pair login) and programmatic access
// tokens. The catalog keeps only a token's SHA-256; verifyToken is the lookup the SQL API login and
// the ingress use, tokenOwner the access rule of the statements that read or change a user's tokens.
import { createHash, createPublicKey } from 'node:crypto';
import { SqlError } from '../../errors.js';
import type { ProgrammaticAccessTokenClaims } from '../../platform.js';
import { insufficientPrivileges } from '../formats/messages.js';
import type * as ast from '../sql/ast.js';
import type { CatalogState, ProgrammaticAccessTokenEntry, UserEntry } from './catalog.js';
import type { Exec } from './core.js';
import { lastPart } from './name-resolution.js';
import { userRoles } from './privileges.js';

// ── RSA public keys

/** RSA_PUBLIC_KEY_FP: "SHA256:" + base64 of the SHA-256 of the DER key. */
export function publicKeyFingerprint(base64Key: string): string {
  const der = Buffer.from(base64Key.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

/** The key as the catalog keeps it (base64 DER body, no PEM armour), or the error for anything but an RSA public key. */
export function validPublicKey(text: string): string {
  const body = text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  try {
    const key = createPublicKey({ key: Buffer.from(body, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
  } catch {
    throw new SqlError('002098', '22023', 'Invalid RSA public key: the key must be a base64-encoded RSA public key (PEM body without header and footer).'); // number unverified
  }
  return body;
}

// ── programmatic access tokens

/** How the catalog keeps a token's secret: its SHA-256 (the secret is random, so no salt or stretching). */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** ACTIVE, EXPIRED, or DISABLED when the user is (SHOW USER PROGRAMMATIC ACCESS TOKENS `status`). */
export function tokenStatus(user: UserEntry, token: ProgrammaticAccessTokenEntry, at = Date.now()): 'ACTIVE' | 'EXPIRED' | 'DISABLED' {
  if (user.disabled) return 'DISABLED';
  return Date.parse(token.expiresAt) <= at ? 'EXPIRED' : 'ACTIVE';
}

/**
 * The user whose tokens a statement reads or changes (the session's user when none is named).
 * A user manages its own tokens; another user's need ownership of it or CREATE USER (Snowflake's
 * MODIFY PROGRAMMATIC AUTHENTICATION METHODS is not a separate privilege here).
 */
export function tokenOwner(ex: Exec, name: ast.ObjectName | undefined): UserEntry | undefined {
  const userName = name ? lastPart(name) : ex.session.user;
  const user = ex.core.state.users[userName];
  if (!user) return undefined;
  const self = user.name === ex.session.user;
  const { access } = ex.scope;
  if (!self && !access.owns({ objectType: 'USER', id: user.id, owner: user.owner }) && !access.hasOnAccount('CREATE USER')) throw insufficientPrivileges('user', user.name);
  return user;
}

/**
 * The user and role a token's secret stands for, or undefined when no such token exists, it expired,
 * its user is disabled, or its ROLE_RESTRICTION is no longer granted to the user (Snowflake refuses
 * it then). Without a restriction the role is the user's default role, PUBLIC when that is not granted.
 */
export function verifyToken(state: CatalogState, secret: string, at = Date.now()): ProgrammaticAccessTokenClaims | undefined {
  if (secret === '') return undefined;
  const hash = secretHash(secret);
  for (const user of Object.values(state.users)) {
    const token = user.programmaticAccessTokens?.find((t) => t.secretHash === hash);
    if (!token) continue;
    if (tokenStatus(user, token, at) !== 'ACTIVE') return undefined;
    const roles = userRoles(state, user.name);
    if (token.roleRestriction !== undefined) return roles.has(token.roleRestriction) ? { user: user.name, role: token.roleRestriction, restricted: true } : undefined;
    const role = user.defaultRole !== undefined && roles.has(user.defaultRole) ? user.defaultRole : 'PUBLIC';
    return { user: user.name, role, restricted: false };
  }
  return undefined;
}

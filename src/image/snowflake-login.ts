// Logging in to a Snowflake image registry the way the Snowflake CLI does, which works for key-pair
// and service users: user `0sessiontoken`, password = JSON {"token": <session token>, "expires_in": N}.
// Directly: GET https://<host>/login with those as Basic → {"token": …} → `Authorization: Bearer …`.
//
// Where the session token comes from: snowflake-sdk has no call that issues a fresh one (the
// Python connector's token-request with requestType ISSUE has no Node counterpart; the Node driver
// only sends RENEW). Its public, typed `connection.serialize()` returns the authenticated
// session's tokens (`tokenInfo.sessionToken` and `sessionTokenExpirationTime`); papi reads the
// session token from there, right after connecting, and never stores or prints it.

import { AuthError } from '../ui/errors.js';
import type { BasicCredentials } from './auth.js';
import { basicHeader } from './auth.js';

export const SESSION_TOKEN_USER = '0sessiontoken';

export interface SessionToken {
  token: string;
  /** Seconds the token stays valid (what the registry is told). */
  expiresIn: number;
}

/** The registry credentials for a Snowflake session token. */
export function sessionTokenCredentials(session: SessionToken): BasicCredentials {
  return { username: SESSION_TOKEN_USER, password: JSON.stringify({ token: session.token, expires_in: session.expiresIn }) };
}

/**
 * Reads the session token out of `connection.serialize()` (snowflake-sdk). The documented shape
 * nests it under services.sf.tokenInfo; driver 3.3 returns {tokenInfo} directly: accept both.
 */
export function sessionTokenFromSerializedConnection(serialized: string, now = Date.now()): SessionToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(serialized);
  } catch {
    throw new AuthError('Could not read the Snowflake session (the driver returned no JSON).', { code: 'SESSION_TOKEN_UNAVAILABLE' });
  }
  const root = parsed as { tokenInfo?: TokenInfo; services?: { sf?: { tokenInfo?: TokenInfo } } };
  const info = root.tokenInfo ?? root.services?.sf?.tokenInfo;
  if (!info || typeof info.sessionToken !== 'string' || info.sessionToken === '') {
    throw new AuthError('The Snowflake connection holds no session token.', {
      code: 'SESSION_TOKEN_UNAVAILABLE',
      hint: 'Connect first (papi does this before pushing); if it persists, report the snowflake-sdk version.',
    });
  }
  const expiry = typeof info.sessionTokenExpirationTime === 'number' ? info.sessionTokenExpirationTime : now + 3600_000;
  return { token: info.sessionToken, expiresIn: Math.max(60, Math.floor((expiry - now) / 1000)) };
}

/** The session token of a connected snowflake-sdk Connection (anything with its serialize()). */
export function sessionTokenFromConnection(connection: { serialize(): string }): SessionToken {
  return sessionTokenFromSerializedConnection(connection.serialize());
}

interface TokenInfo {
  sessionToken?: unknown;
  sessionTokenExpirationTime?: unknown;
}

/**
 * `GET <registry>/login` with the session-token credentials; answers the registry's bearer token.
 * RegistryClient does the same through the auth challenge; this is the explicit `docker login`.
 */
export async function snowflakeRegistryLogin(
  registry: string,
  session: SessionToken,
  options: { protocol?: 'https' | 'http'; fetch?: typeof fetch } = {},
): Promise<string> {
  const protocol = options.protocol ?? (/^(127\.0\.0\.1|localhost)(:|$)/.test(registry) ? 'http' : 'https');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchImpl(`${protocol}://${registry}/login`, {
      headers: { authorization: basicHeader(sessionTokenCredentials(session)), accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new AuthError(`Could not reach the image registry ${registry}.`, { code: 'REGISTRY_UNREACHABLE', cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    throw new AuthError(`The image registry ${registry} refused the session-token login (HTTP ${response.status}).`, {
      code: 'REGISTRY_LOGIN_FAILED',
      hint: 'The Snowflake session may have expired: run the command again to log in afresh.',
    });
  }
  try {
    const body = JSON.parse(text) as { token?: unknown };
    if (typeof body.token === 'string' && body.token !== '') return body.token;
  } catch {
    // fall through
  }
  throw new AuthError(`The image registry ${registry} answered the login without a token.`, { code: 'REGISTRY_LOGIN_FAILED' });
}

// POST /oauth/token: the JWT-bearer grant papi's token command and services use to get an ingress
// token. The assertion is verified like a key-pair login; the scope names the role
// (`session:role:<ROLE>`, optional: the user's default role) and the endpoint host (the audience).
// The token is answered as plain text, like Snowflake; errors as JSON with error and message.
import type { Context } from 'hono';
import type { Engine } from '../engine/types.js';
import { SqlError } from '../errors.js';
import type { LocalHttpEnv } from '../http/local-http-env.js';
import { readBody } from '../http/request-body.js';
import type { LocalTokenAuthority } from '../tokens.js';
import { MAX_LOGIN_BODY_BYTES } from './snowflake-protocol.js';
import { verifyKeyPairJwt } from './keypair-jwt.js';
import { identifier } from './login.js';

export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Lifetime of an ingress token (a client reads it from the token's exp). */
export const OAUTH_TOKEN_SECONDS = 3600;
const BLOCKED_ROLES = new Set(['ACCOUNTADMIN', 'SECURITYADMIN', 'ORGADMIN']);

export interface OAuthContext {
  engine: Engine;
  tokens: LocalTokenAuthority;
  account: string;
}

export async function handleOAuthToken(context: OAuthContext, c: Context<LocalHttpEnv>): Promise<Response> {
  const form = new URLSearchParams((await readBody(c, { maxBytes: MAX_LOGIN_BODY_BYTES, gunzip: true })).toString('utf8'));
  // OAuth errors are real HTTP statuses with Snowflake's JSON (clients of this endpoint are not the driver).
  const fail = (status: 400 | 401, error: string, message: string, code: string | null = null) =>
    c.json({ data: null, error, code, message, success: false, headers: null }, status);

  if (form.get('grant_type') !== JWT_BEARER_GRANT_TYPE) {
    return fail(400, 'unsupported_grant_type', `Unsupported grant_type; papi local supports ${JWT_BEARER_GRANT_TYPE}.`);
  }
  let userName: string;
  let defaultRole: string | undefined;
  try {
    const user = await verifyKeyPairJwt(form.get('assertion') ?? '', context.account, context.engine);
    userName = user.name;
    defaultRole = identifier(user.defaultRole);
  } catch (error) {
    if (error instanceof SqlError) return fail(401, 'invalid_grant', error.message, error.code);
    throw error;
  }

  let role: string | undefined;
  let audience: string | undefined;
  for (const part of (form.get('scope') ?? '').split(/\s+/).filter(Boolean)) {
    const roleScope = /^session:role:(.+)$/i.exec(part);
    if (roleScope) role = identifier(roleScope[1]);
    else audience = part.toLowerCase();
  }
  const sessionRole = role ?? defaultRole ?? 'PUBLIC';
  if (BLOCKED_ROLES.has(sessionRole)) return fail(400, 'invalid_scope', `Blocked role ${sessionRole} cannot be used for OAuth access tokens.`);
  if (sessionRole !== 'PUBLIC' && !context.engine.userHasRole(userName, sessionRole)) {
    return fail(400, 'invalid_scope', `Role '${sessionRole}' in the scope is not granted to user ${userName}.`);
  }
  const token = context.tokens.issueOAuthToken({ user: userName, role: sessionRole, ...(audience ? { audience } : {}) }, context.tokens.lifetimes.oauthSeconds ?? OAUTH_TOKEN_SECONDS);
  return c.body(token, 200, { 'content-type': 'text/plain' });
}

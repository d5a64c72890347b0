// POST /session/v1/login-request: password, key-pair JWT, OAuth and programmatic access token logins
// (authenticator PROGRAMMATIC_ACCESS_TOKEN, or the token given as the password), then the session's
// defaults (the user's DEFAULT_ROLE/WAREHOUSE/NAMESPACE, overridden by the request's roleName,
// warehouse, databaseName and schemaName) with Snowflake's rule that a role not granted to the user
// fails the login.
import type { Engine, SessionState, UserAuth } from '../engine/types.js';
import { ErrorCode, SqlError } from '../errors.js';
import type { LocalTokenAuthority } from '../tokens.js';
import { verifyKeyPairJwt } from './keypair-jwt.js';
import { sessionParameters } from './parameters.js';
import type { SessionTokens } from './sessions.js';

export type PasswordVerifier = (password: string, hash: string) => boolean | Promise<boolean>;

export interface LoginContext {
  engine: Engine;
  tokens: LocalTokenAuthority;
  account: string;
  verifyPassword: PasswordVerifier;
}

export interface LoginRequest {
  data: Record<string, unknown>;
  query: URLSearchParams;
}

function incorrectCredentials(): SqlError {
  return new SqlError(ErrorCode.incorrectUserOrPassword, '08004', 'Incorrect username or password was specified.');
}

/** Authenticates and returns the new session's state (the caller opens the session). */
export async function login(context: LoginContext, request: LoginRequest): Promise<SessionState> {
  const { data, query } = request;
  const authenticator = String(data.AUTHENTICATOR ?? 'SNOWFLAKE').toUpperCase();
  let user: UserAuth;
  /** The role a token imposes (OAuth scope, PAT ROLE_RESTRICTION): the session runs as it. */
  let tokenRole: string | undefined;
  switch (authenticator) {
    case 'SNOWFLAKE': {
      const result = await passwordLogin(context, String(data.LOGIN_NAME ?? ''), typeof data.PASSWORD === 'string' ? data.PASSWORD : '');
      user = result.user;
      tokenRole = result.role;
      break;
    }
    case 'PROGRAMMATIC_ACCESS_TOKEN': {
      const loginName = typeof data.LOGIN_NAME === 'string' && data.LOGIN_NAME !== '' ? data.LOGIN_NAME : undefined;
      const result = patLogin(context, loginName, String(data.TOKEN ?? ''));
      if (!result) throw incorrectCredentials();
      user = result.user;
      tokenRole = result.role;
      break;
    }
    case 'SNOWFLAKE_JWT':
      user = await verifyKeyPairJwt(String(data.TOKEN ?? ''), context.account, context.engine);
      break;
    case 'OAUTH': {
      const result = oauthLogin(context, String(data.TOKEN ?? ''));
      user = result.user;
      tokenRole = result.role;
      break;
    }
    default:
      throw new SqlError('390100', '08004', `Authenticator ${authenticator} is not supported by papi local; use a password, a key pair (SNOWFLAKE_JWT), OAUTH or PROGRAMMATIC_ACCESS_TOKEN.`);
  }

  const requestedRole = identifier(query.get('roleName'));
  // An OAuth or role-restricted PAT session runs as the token's role; a different role in the connect string is refused.
  if (tokenRole !== undefined && requestedRole !== undefined && requestedRole !== tokenRole) throw roleNotGranted(requestedRole);
  const role = tokenRole ?? requestedRole ?? identifier(user.defaultRole);
  let sessionRole = 'PUBLIC';
  if (role !== undefined) {
    if (context.engine.userHasRole(user.name, role)) sessionRole = role;
    else if (requestedRole !== undefined) throw roleNotGranted(requestedRole);
    // A default role that is no longer granted falls back to PUBLIC, as on Snowflake.
  }

  const [namespaceDatabase, namespaceSchema] = splitNamespace(user.defaultNamespace);
  const database = identifier(query.get('databaseName')) ?? namespaceDatabase;
  const schema = identifier(query.get('schemaName')) ?? (query.get('databaseName') ? undefined : namespaceSchema);
  const warehouse = identifier(query.get('warehouse')) ?? identifier(user.defaultWarehouse);

  const parameters: Record<string, string> = {};
  const requested = data.SESSION_PARAMETERS;
  if (typeof requested === 'object' && requested !== null) {
    for (const [name, value] of Object.entries(requested as Record<string, unknown>)) {
      if (value !== null && value !== undefined && typeof value !== 'object') parameters[name.toUpperCase()] = String(value);
    }
  }
  return {
    user: user.name,
    role: sessionRole,
    ...(database ? { database } : {}),
    ...(database && schema ? { schema } : database ? { schema: 'PUBLIC' } : {}),
    ...(warehouse ? { warehouse } : {}),
    parameters,
  };
}

/** The login response's `data`: tokens, their lifetimes, the session's parameters and names. */
export function loginAnswer(state: SessionState, sessionId: number, tokens: SessionTokens): Record<string, unknown> {
  return {
    ...tokens,
    sessionId,
    displayUserName: state.user,
    serverVersion: 'papi-local',
    firstLogin: false,
    remMeToken: null,
    remMeValidityInSeconds: 0,
    healthCheckInterval: 45,
    newClientForUpgrade: null,
    idToken: null,
    idTokenValidityInSeconds: 0,
    mfaToken: null,
    mfaTokenValidityInSeconds: 0,
    responseData: null,
    parameters: sessionParameters(state),
    sessionInfo: {
      databaseName: state.database ?? null,
      schemaName: state.schema ?? null,
      warehouseName: state.warehouse ?? null,
      roleName: state.role,
    },
  };
}

async function passwordLogin(context: LoginContext, loginName: string, password: string): Promise<{ user: UserAuth; role?: string }> {
  const user = loginName === '' ? undefined : context.engine.user(loginName);
  // Same answer for an unknown user, a wrong password and a user without a password (TYPE = SERVICE).
  if (!user || password === '') throw incorrectCredentials();
  if (user.passwordHash === undefined || !(await context.verifyPassword(password, user.passwordHash))) {
    // Snowflake accepts a programmatic access token in place of the password, service users included.
    const pat = patLogin(context, loginName, password);
    if (!pat) throw incorrectCredentials();
    return pat;
  }
  if (user.disabled) throw new SqlError('390101', '08004', 'User access disabled. Contact your local system administrator.');
  return { user };
}

/** A programmatic access token of the named user (any user when the driver sends no name); undefined otherwise. */
function patLogin(context: LoginContext, loginName: string | undefined, secret: string): { user: UserAuth; role?: string } | undefined {
  const claims = context.tokens.verifyProgrammaticAccessToken(secret);
  if (!claims) return undefined;
  const user = context.engine.user(claims.user);
  if (!user || user.disabled) return undefined;
  if (loginName !== undefined && context.engine.user(loginName)?.name !== user.name) return undefined;
  return { user, ...(claims.restricted ? { role: claims.role } : {}) };
}

function oauthLogin(context: LoginContext, token: string): { user: UserAuth; role: string } {
  const claims = context.tokens.verify(token, 'oauth');
  if (claims === 'expired') throw new SqlError('390318', '08004', 'OAuth access token expired.');
  if (claims === undefined || claims.role === undefined) throw new SqlError(ErrorCode.oauthInvalid, '08004', 'Invalid OAuth access token.');
  const user = context.engine.user(claims.user);
  if (!user || user.disabled) throw new SqlError(ErrorCode.oauthInvalid, '08004', 'Invalid OAuth access token.');
  return { user, role: claims.role };
}

function roleNotGranted(role: string): SqlError {
  return new SqlError(
    '390189',
    '08004',
    `Role '${role}' specified in the connect string is not granted to this user. Contact your local system administrator, or attempt to login with another role, e.g. PUBLIC.`,
  );
}

/** Connect-string names follow identifier rules: unquoted → upper case, "quoted" → as written. */
export function identifier(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const quoted = /^"(.*)"$/.exec(text);
  return quoted ? quoted[1]!.replace(/""/g, '"') : text.toUpperCase();
}

function splitNamespace(namespace: string | undefined): [string | undefined, string | undefined] {
  if (!namespace) return [undefined, undefined];
  const match = /^("(?:[^"]|"")*"|[^."]+)(?:\.("(?:[^"]|"")*"|[^."]+))?$/.exec(namespace.trim());
  if (!match) return [undefined, undefined];
  return [identifier(match[1]), identifier(match[2])];
}

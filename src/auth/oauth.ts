// Exchanges a key-pair JWT for a token Snowflake's SPCS ingress accepts: POST <account-url>/oauth/token
// with the JWT-bearer grant and a scope naming the role and the endpoint host. Snowflake answers the
// token as plain text (itself a JWT); a JSON body with access_token is accepted too. Neither the JWT
// nor the token is ever logged or put into an error message.
import { AuthError, UsageError, type PapiErrorOptions } from '../ui/errors.js';
import { isLoopbackHost } from '../config/account-url.js';
import { bareHost } from './jwt-account.js';
import { tryDecodeJwtExpiry } from './jwt.js';

export const JWT_BEARER_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Lifetime assumed for an opaque token that says nothing about its expiry. */
export const DEFAULT_OPAQUE_TOKEN_LIFETIME_SECONDS = 600;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Roles Snowflake blocks for OAuth sessions. */
const BLOCKED_ROLES = new Set(['ACCOUNTADMIN', 'SECURITYADMIN', 'ORGADMIN']);

export interface IngressTokenRequest {
  /** https://<account>.snowflakecomputing.com (or papi local's http://127.0.0.1:<port>). */
  accountUrl: string;
  /** A key-pair JWT from signKeyPairJwt. */
  jwt: string;
  /** Role for the session; it must hold the service role. Without it Snowflake uses the default role. */
  role?: string;
  /** The endpoint's ingress host (SHOW ENDPOINTS → ingress_url); a URL is reduced to its host. */
  endpointHost: string;
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  timeoutMs?: number;
  now?: () => Date;
}

export interface IngressToken {
  token: string;
  expiresAt: Date;
  /** Where expiresAt came from: the token's own exp, the response's expires_in, or the default. */
  expirySource: 'token' | 'expires_in' | 'default';
}

/** A failed exchange: an AuthError that also carries the HTTP status (undefined: no answer). */
export class TokenExchangeError extends AuthError {
  constructor(
    message: string,
    readonly status: number | undefined,
    options: PapiErrorOptions = {},
  ) {
    super(message, { code: 'TOKEN_EXCHANGE_FAILED', ...options });
  }
}

export async function exchangeForIngressToken(request: IngressTokenRequest): Promise<IngressToken> {
  const url = tokenEndpoint(request.accountUrl);
  const endpointHost = normalizeEndpointHost(request.endpointHost);
  const role = request.role === undefined || request.role.trim() === '' ? undefined : scopeRole(request.role);
  if (role !== undefined && BLOCKED_ROLES.has(role)) {
    throw new UsageError(`Role ${role} cannot be used for OAuth tokens.`, {
      code: 'ROLE_BLOCKED',
      hint: 'Snowflake blocks ACCOUNTADMIN, SECURITYADMIN and ORGADMIN for OAuth: use a role that holds the service role (e.g. DATA_API_ROLE).',
    });
  }
  const body = new URLSearchParams({
    grant_type: JWT_BEARER_GRANT_TYPE,
    scope: oauthScope(role, endpointHost),
    assertion: request.jwt,
  });
  const doFetch = request.fetch ?? globalThis.fetch;
  const timeout = AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;

  let response: Response;
  let text: string;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/plain, application/json' },
      body: body.toString(),
      // A redirect means a login page, never a token: report it instead of following it.
      redirect: 'manual',
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (request.signal?.aborted) throw request.signal.reason ?? error;
    const timedOut = timeout.aborted;
    throw new TokenExchangeError(
      timedOut ? `The token exchange with ${url.origin} timed out.` : `Could not reach ${url.origin} for the token exchange.`,
      undefined,
      { hint: 'Check the account URL and the network (proxy, VPN).', cause: error },
    );
  }

  const redact = (value: string) => value.split(request.jwt).join('<jwt>');
  if (response.status < 200 || response.status > 299) throw exchangeError(response, redact(text), role, endpointHost);

  const parsed = parseTokenBody(text, response.headers.get('content-type') ?? '');
  if ('error' in parsed) throw new TokenExchangeError(`The token exchange failed: ${redact(parsed.error)}`, response.status, { hint: hintFor(response.status, parsed.error, role) });

  const now = (request.now ?? (() => new Date()))();
  const fromToken = tryDecodeJwtExpiry(parsed.token);
  if (fromToken) return { token: parsed.token, expiresAt: fromToken, expirySource: 'token' };
  if (parsed.expiresIn !== undefined) return { token: parsed.token, expiresAt: new Date(now.getTime() + parsed.expiresIn * 1000), expirySource: 'expires_in' };
  return { token: parsed.token, expiresAt: new Date(now.getTime() + DEFAULT_OPAQUE_TOKEN_LIFETIME_SECONDS * 1000), expirySource: 'default' };
}

/** `session:role:<ROLE> <host>`, or just the host without a role. */
export function oauthScope(role: string | undefined, endpointHost: string): string {
  return role === undefined ? endpointHost : `session:role:${role} ${endpointHost}`;
}

/** The endpoint host as the scope and the token cache use it: lower case, no scheme or path (a port is kept). */
export function normalizeEndpointHost(hostOrUrl: string): string {
  const value = hostOrUrl.trim();
  let host: string;
  if (value.includes('://')) {
    try {
      host = new URL(value).host;
    } catch {
      host = '';
    }
  } else {
    host = value.replace(/[/?#].*$/, '');
  }
  host = host.toLowerCase();
  if (!/^[a-z0-9.-]+(:\d{1,5})?$/.test(host) || bareHost(host) === '') {
    throw new UsageError(`Invalid endpoint host "${hostOrUrl}".`, {
      code: 'ENDPOINT_HOST_INVALID',
      hint: 'Use the ingress host of the public endpoint (SHOW ENDPOINTS IN SERVICE … → ingress_url), e.g. abc123-myorg-myacct.snowflakecomputing.app.',
    });
  }
  return host;
}

/** Unquoted role names are upper-cased like Snowflake does; a quoted name keeps its case. */
function scopeRole(role: string): string {
  const value = role.trim();
  const quoted = /^"(.+)"$/.exec(value);
  const name = quoted?.[1] ?? value.toUpperCase();
  if (/[\s"]/.test(name)) throw new UsageError(`Role "${role}" cannot be used in an OAuth scope (spaces or quotes).`, { code: 'ROLE_INVALID' });
  return name;
}

function tokenEndpoint(accountUrl: string): URL {
  let url: URL;
  try {
    url = new URL(accountUrl.trim());
  } catch {
    throw new UsageError(`Invalid account URL "${accountUrl}".`, { code: 'ACCOUNT_URL_INVALID', hint: 'Expected https://<account>.snowflakecomputing.com' });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    // The JWT is a credential: plain HTTP only to this machine (papi local).
    throw new UsageError(`Refusing to send credentials to ${url.origin}: HTTPS is required.`, { code: 'ACCOUNT_URL_INSECURE' });
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/oauth/token`;
  url.search = '';
  url.hash = '';
  return url;
}

type ParsedBody = { token: string; expiresIn?: number } | { error: string };

function parseTokenBody(text: string, contentType: string): ParsedBody {
  const trimmed = text.trim();
  let token: unknown = trimmed;
  let expiresIn: number | undefined;
  if (contentType.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('"')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      json = undefined;
    }
    if (typeof json === 'string') token = json;
    else if (isRecord(json)) {
      if (json.success === false) return { error: errorText(json) ?? 'Snowflake reported a failure without a message' };
      const data = isRecord(json.data) ? json.data : {};
      token = json.access_token ?? json.token ?? data.token ?? data.access_token;
      const seconds = Number(json.expires_in ?? data.expires_in ?? data.validityInSeconds);
      if (Number.isFinite(seconds) && seconds > 0) expiresIn = seconds;
      if (token === undefined) return { error: errorText(json) ?? 'the answer holds no access_token' };
    }
  }
  if (typeof token !== 'string' || token === '') return { error: 'the answer is empty' };
  if (token.startsWith('<')) return { error: 'the answer is a web page, not a token' };
  // The token goes into `Authorization: Snowflake Token="…"`: printable, no quotes or backslashes.
  if (!/^[\x21-\x7e]+$/.test(token) || /["\\]/.test(token)) return { error: 'the answer is not a token' };
  return { token, expiresIn };
}

function exchangeError(response: Response, body: string, role: string | undefined, host: string): TokenExchangeError {
  const status = response.status;
  if (status >= 300 && status < 400) {
    return new TokenExchangeError(`The token exchange was redirected (HTTP ${status}) instead of answering.`, status, {
      hint: 'Check the account URL: it must be https://<account>.snowflakecomputing.com.',
    });
  }
  const snowflakeText = errorTextFromBody(body);
  const detail = snowflakeText ? `: ${snowflakeText}` : '';
  return new TokenExchangeError(`The token exchange for ${host} failed with HTTP ${status}${detail}`, status, {
    hint: hintFor(status, snowflakeText ?? '', role),
  });
}

function hintFor(status: number, text: string, role: string | undefined): string {
  const roleName = role ?? '<role>';
  const roleHint =
    `The role in the scope needs the service role: GRANT SERVICE ROLE <db>.<schema>.<service>!ALL_ENDPOINTS_USAGE TO ROLE ${roleName}, ` +
    `and the user needs the role (GRANT ROLE ${roleName} TO USER <user>).`;
  const keyHint =
    'The key may not be registered: ALTER USER <user> SET RSA_PUBLIC_KEY=\'<body>\' and compare DESCRIBE USER → RSA_PUBLIC_KEY_FP ' +
    'with the key\'s fingerprint; also check the account, the user name and this machine\'s clock.';
  if (status === 404) return 'Check the account URL: no OAuth endpoint answered at /oauth/token.';
  if (status === 429 || status >= 500) return 'Snowflake is unavailable or throttling; try again in a moment.';
  if (/endpoint|host/i.test(text)) {
    return 'Check the endpoint host: the ingress_url of a public endpoint (SHOW ENDPOINTS IN SERVICE …), a bare host without scheme.';
  }
  if (/\brole\b|scope/i.test(text)) return roleHint;
  if (/jwt|public key|fingerprint|signature|invalid_grant|assertion|expired|user/i.test(text)) return keyHint;
  return `${keyHint} ${roleHint}`;
}

function errorTextFromBody(body: string): string | undefined {
  const trimmed = body.trim();
  if (trimmed === '') return undefined;
  try {
    const json: unknown = JSON.parse(trimmed);
    if (isRecord(json)) return errorText(json);
  } catch {
    // not JSON: plain text below
  }
  if (trimmed.startsWith('<')) return undefined;
  return truncate(trimmed.replace(/\s+/g, ' '));
}

/** Snowflake's `{code, message}`, OAuth's `{error, error_description}`, or either under `data`. */
function errorText(json: Record<string, unknown>): string | undefined {
  const data = isRecord(json.data) ? json.data : {};
  const message = firstString(json.message, json.error_description, data.message, data.error_description, json.error, data.error);
  const code = firstString(json.code, data.errorCode, data.code, typeof json.code === 'number' ? String(json.code) : undefined);
  if (message === undefined) return code === undefined ? undefined : `Snowflake error ${code}`;
  return truncate(code !== undefined && !message.includes(code) ? `${message} (${code})` : message);
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

function truncate(text: string, max = 400): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

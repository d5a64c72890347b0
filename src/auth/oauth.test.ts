import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, UsageError } from '../ui/errors.js';
import { signKeyPairJwt } from './jwt.js';
import { DEFAULT_OPAQUE_TOKEN_LIFETIME_SECONDS, exchangeForIngressToken, JWT_BEARER_GRANT_TYPE, TokenExchangeError } from './oauth.js';

const ENDPOINT_HOST = 'abc123-myorg-myacct.snowflakecomputing.app';
let userKey: KeyObject;
let userPublicKey: KeyObject;
let serverKey: KeyObject;

beforeAll(() => {
  ({ privateKey: userKey, publicKey: userPublicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
  serverKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
});

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

interface Seen {
  method?: string;
  path?: string;
  contentType?: string;
  form?: URLSearchParams;
  requests: number;
}

async function startServer(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void | Promise<void>): Promise<{ url: string; seen: Seen }> {
  const seen: Seen = { requests: 0 };
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.requests += 1;
      seen.method = req.method;
      seen.path = req.url;
      seen.contentType = req.headers['content-type'];
      seen.form = new URLSearchParams(body);
      void handler(req, body, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/**
 * Behaves like Snowflake's /oauth/token for one user: verifies the assertion against the registered
 * public key, checks the role grant, answers the token as plain text (a JWT) or Snowflake's JSON error.
 */
function snowflakeLikeTokenEndpoint(options: { registeredKey: KeyObject; grantedRoles: string[] }) {
  return async (req: IncomingMessage, body: string, res: ServerResponse) => {
    const form = new URLSearchParams(body);
    const fail = (status: number, code: string, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: null, code, message, success: false, headers: null }));
    };
    if (req.method !== 'POST' || req.url !== '/oauth/token') return fail(404, '000404', 'not found');
    if (!req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) return fail(400, '390100', 'bad content type');
    if (form.get('grant_type') !== JWT_BEARER_GRANT_TYPE) return fail(400, '390100', 'unsupported grant_type');
    try {
      const { payload } = await jwtVerify(form.get('assertion') ?? '', options.registeredKey, { algorithms: ['RS256'] });
      if (payload.sub !== 'MYORG-MYACCT.SVC_DATA_API') return fail(400, '390144', 'JWT token is invalid.');
    } catch {
      return fail(400, '390144', 'JWT token is invalid.');
    }
    const scope = (form.get('scope') ?? '').split(' ');
    const host = scope.at(-1);
    const role = scope.length === 2 ? scope[0]?.replace(/^session:role:/, '') : undefined;
    if (host !== ENDPOINT_HOST) return fail(400, '390400', `Invalid scope: unknown endpoint ${host}`);
    if (role !== undefined && !options.grantedRoles.includes(role)) {
      return fail(400, '390401', `Role '${role}' specified in the scope is not granted to this user.`);
    }
    const token = await new SignJWT({ scope: form.get('scope') })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(serverKey);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(token);
  };
}

async function userJwt(key: KeyObject = userKey): Promise<string> {
  return signKeyPairJwt({ account: 'myorg.myacct', user: 'svc_data_api', privateKey: key, lifetimeSeconds: 60 });
}

async function failure(promise: Promise<unknown>): Promise<TokenExchangeError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenExchangeError);
  expect(error).toBeInstanceOf(AuthError);
  return error as TokenExchangeError;
}

describe('exchangeForIngressToken', () => {
  it('posts the JWT-bearer form and returns the plain-text token with its own expiry', async () => {
    const { url, seen } = await startServer(snowflakeLikeTokenEndpoint({ registeredKey: userPublicKey, grantedRoles: ['DATA_API_ROLE'] }));
    const jwt = await userJwt();
    const before = Date.now();
    const result = await exchangeForIngressToken({ accountUrl: url, jwt, role: 'data_api_role', endpointHost: ENDPOINT_HOST });

    expect(seen.method).toBe('POST');
    expect(seen.path).toBe('/oauth/token');
    expect(seen.contentType).toBe('application/x-www-form-urlencoded');
    expect(seen.form?.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(seen.form?.get('scope')).toBe(`session:role:DATA_API_ROLE ${ENDPOINT_HOST}`);
    expect(seen.form?.get('assertion')).toBe(jwt);

    expect(result.token.split('.')).toHaveLength(3);
    expect(result.expirySource).toBe('token');
    const lifetime = result.expiresAt.getTime() - before;
    expect(lifetime).toBeGreaterThan(9 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(10 * 60_000 + 1000);
  });

  it('sends only the host as scope without a role, and reduces an endpoint URL to its host', async () => {
    const { url, seen } = await startServer(snowflakeLikeTokenEndpoint({ registeredKey: userPublicKey, grantedRoles: [] }));
    const result = await exchangeForIngressToken({ accountUrl: `${url}/`, jwt: await userJwt(), endpointHost: `https://${ENDPOINT_HOST.toUpperCase()}/` });
    expect(seen.form?.get('scope')).toBe(ENDPOINT_HOST);
    expect(seen.path).toBe('/oauth/token');
    expect(result.token).not.toBe('');
  });

  it("turns Snowflake's 400 JSON error for an unregistered key into an AuthError with status, text and hint", async () => {
    const { url } = await startServer(snowflakeLikeTokenEndpoint({ registeredKey: userPublicKey, grantedRoles: ['DATA_API_ROLE'] }));
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const jwt = await userJwt(stranger);
    const error = await failure(exchangeForIngressToken({ accountUrl: url, jwt, role: 'DATA_API_ROLE', endpointHost: ENDPOINT_HOST }));

    expect(error.status).toBe(400);
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('HTTP 400');
    expect(error.message).toContain('JWT token is invalid. (390144)');
    expect(error.hint).toMatch(/RSA_PUBLIC_KEY/);
    expect(`${error.message} ${error.hint}`).not.toContain(jwt);
  });

  it('says the role lacks the grant when Snowflake rejects the role in the scope', async () => {
    const { url } = await startServer(snowflakeLikeTokenEndpoint({ registeredKey: userPublicKey, grantedRoles: ['OTHER_ROLE'] }));
    const error = await failure(exchangeForIngressToken({ accountUrl: url, jwt: await userJwt(), role: 'DATA_API_ROLE', endpointHost: ENDPOINT_HOST }));
    expect(error.status).toBe(400);
    expect(error.message).toContain("Role 'DATA_API_ROLE' specified in the scope is not granted");
    expect(error.hint).toMatch(/GRANT SERVICE ROLE .*ALL_ENDPOINTS_USAGE TO ROLE DATA_API_ROLE/);
  });

  it('points at the endpoint host when Snowflake does not know it', async () => {
    const { url } = await startServer(snowflakeLikeTokenEndpoint({ registeredKey: userPublicKey, grantedRoles: ['DATA_API_ROLE'] }));
    const error = await failure(exchangeForIngressToken({ accountUrl: url, jwt: await userJwt(), role: 'DATA_API_ROLE', endpointHost: 'other.snowflakecomputing.app' }));
    expect(error.message).toContain('unknown endpoint other.snowflakecomputing.app');
    expect(error.hint).toMatch(/ingress_url/);
  });

  it('accepts a JSON body with access_token and expires_in, and gives opaque plain-text tokens 10 minutes', async () => {
    const now = new Date('2026-03-01T12:00:00Z');
    const json = await startServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'opaque-123', token_type: 'Bearer', expires_in: 300 }));
    });
    const fromJson = await exchangeForIngressToken({ accountUrl: json.url, jwt: 'j.w.t', endpointHost: ENDPOINT_HOST, now: () => now });
    expect(fromJson).toEqual({ token: 'opaque-123', expiresAt: new Date('2026-03-01T12:05:00Z'), expirySource: 'expires_in' });

    const text = await startServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('opaque-456\n');
    });
    const fromText = await exchangeForIngressToken({ accountUrl: text.url, jwt: 'j.w.t', endpointHost: ENDPOINT_HOST, now: () => now });
    expect(fromText.token).toBe('opaque-456');
    expect(fromText.expirySource).toBe('default');
    expect(fromText.expiresAt.getTime() - now.getTime()).toBe(DEFAULT_OPAQUE_TOKEN_LIFETIME_SECONDS * 1000);
  });

  it('rejects a 200 that carries no usable token', async () => {
    for (const [type, body] of [
      ['application/json', '{"success":false,"code":"390303","message":"Invalid OAuth token"}'],
      ['text/html', '<html><body>Sign in</body></html>'],
      ['text/plain', ''],
    ] as const) {
      const { url } = await startServer((_req, _body, res) => {
        res.writeHead(200, { 'content-type': type });
        res.end(body);
      });
      const error = await failure(exchangeForIngressToken({ accountUrl: url, jwt: 'j.w.t', endpointHost: ENDPOINT_HOST }));
      expect(error.status).toBe(200);
    }
  });

  it('reports a redirect (login page) instead of following it', async () => {
    const { url, seen } = await startServer((_req, _body, res) => {
      res.writeHead(302, { location: '/console/login' });
      res.end();
    });
    const error = await failure(exchangeForIngressToken({ accountUrl: url, jwt: 'j.w.t', endpointHost: ENDPOINT_HOST }));
    expect(error.status).toBe(302);
    expect(seen.requests).toBe(1);
    expect(error.hint).toMatch(/account URL/);
  });

  it('never puts the JWT into the error, even when the server echoes it', async () => {
    const { url } = await startServer((_req, body, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end(`bad assertion ${new URLSearchParams(body).get('assertion')}`);
    });
    const jwt = await userJwt();
    const error = await failure(exchangeForIngressToken({ accountUrl: url, jwt, endpointHost: ENDPOINT_HOST }));
    expect(error.status).toBe(401);
    expect(error.message).toContain('bad assertion <jwt>');
    expect(error.message).not.toContain(jwt);
  });

  it('suggests retrying on 5xx, and reports an unreachable server and a timeout', async () => {
    const down = await startServer((_req, _body, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('Service Unavailable');
    });
    const unavailable = await failure(exchangeForIngressToken({ accountUrl: down.url, jwt: 'j.w.t', endpointHost: ENDPOINT_HOST }));
    expect(unavailable.status).toBe(503);
    expect(unavailable.hint).toMatch(/try again/);

    const closed = await startServer(() => undefined);
    const closedUrl = closed.url;
    const server = servers.pop();
    await new Promise((resolve) => server?.close(resolve));
    const unreachable = await failure(exchangeForIngressToken({ accountUrl: closedUrl, jwt: 'j.w.t', endpointHost: ENDPOINT_HOST }));
    expect(unreachable.status).toBeUndefined();
    expect(unreachable.message).toMatch(/Could not reach/);

    const hanging = await startServer(() => undefined);
    const slow = await failure(exchangeForIngressToken({ accountUrl: hanging.url, jwt: 'j.w.t', endpointHost: ENDPOINT_HOST, timeoutMs: 200 }));
    expect(slow.message).toMatch(/timed out/);
  });

  it("passes the caller's abort through", async () => {
    const hanging = await startServer(() => undefined);
    const controller = new AbortController();
    const pending = exchangeForIngressToken({ accountUrl: hanging.url, jwt: 'j.w.t', endpointHost: ENDPOINT_HOST, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user pressed Ctrl-C')), 50);
    await expect(pending).rejects.toThrow('user pressed Ctrl-C');
  });

  it('refuses plain HTTP to another machine, blocked roles and bad hosts before sending anything', async () => {
    const { url, seen } = await startServer(() => undefined);
    await expect(exchangeForIngressToken({ accountUrl: 'http://myorg-myacct.snowflakecomputing.com', jwt: 'j.w.t', endpointHost: ENDPOINT_HOST })).rejects.toBeInstanceOf(UsageError);
    await expect(exchangeForIngressToken({ accountUrl: url, jwt: 'j.w.t', role: 'accountadmin', endpointHost: ENDPOINT_HOST })).rejects.toThrow(/cannot be used for OAuth/);
    await expect(exchangeForIngressToken({ accountUrl: url, jwt: 'j.w.t', endpointHost: 'not a host' })).rejects.toBeInstanceOf(UsageError);
    await expect(exchangeForIngressToken({ accountUrl: url, jwt: 'j.w.t', role: 'my role', endpointHost: ENDPOINT_HOST })).rejects.toBeInstanceOf(UsageError);
    expect(seen.requests).toBe(0);
  });
});

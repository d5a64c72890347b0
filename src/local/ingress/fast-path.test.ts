// The ingress's fast path (#16.5): token-carrying API calls are checked and forwarded on the node:http
// layer, everything else goes to the Hono app. Through a real listener and a real container server:
// every check is asked afresh on each request, so what changes between two requests on the same
// kept-alive connection (a grant revoked, a token expired or removed, the service suspended, another
// container port) holds at once; and its refusals are the app's, byte for byte.
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDirectory } from '../image-registry/__tests__/platform-doubles.js';
import type { ProgrammaticAccessTokenClaims } from '../platform.js';
import { LocalTokenAuthority } from '../tokens.js';
import { createFastPath } from './fast-path.js';
import { createGate } from './gate.js';
import { createIngressApp, startIngress, type IngressListener } from './index.js';

const service = { database: 'API', schema: 'DATA', name: 'SVC' };

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('the ingress fast path', () => {
  let now = Date.now();
  const authority = new LocalTokenAuthority(Buffer.alloc(32, 7), undefined, () => now);
  const pats = new Map<string, ProgrammaticAccessTokenClaims>();
  authority.attachProgrammaticAccessTokens((secret) => pats.get(secret));
  const grants = { endpoints: { CALLER: ['API.DATA.SVC'] } as Record<string, string[]> };
  const directory = createTestDirectory(grants);
  let suspended = false;
  let upstream: number | undefined;
  const containers: Server[] = [];
  const ports: number[] = [];
  let ingress: IngressListener;
  const token = (role: string, audience?: string) => authority.issueOAuthToken({ user: 'ALICE', role, ...(audience ? { audience } : {}) }, 60);
  const call = async (authorization: string | undefined, path = '/x') => {
    const response = await fetch(`http://${ingress.host}${path}`, authorization === undefined ? {} : { headers: { authorization } });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), type: response.headers.get('content-type'), body: await response.text() };
  };

  beforeAll(async () => {
    for (const name of ['one', 'two']) {
      const container = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] }).end(`${name} ${req.headers['sf-context-current-user']}`));
      containers.push(container);
      ports.push(await listen(container));
    }
    upstream = ports[0];
    ingress = await startIngress({ service, endpoint: 'api', tokens: authority, directory, upstream: () => upstream, suspended: () => suspended });
  });

  afterAll(async () => {
    await ingress?.close();
    for (const container of containers) await new Promise((resolve) => container.close(resolve));
  });

  it('forwards as the token user, repeated headers as the container sent them', async () => {
    const response = await fetch(`http://${ingress.host}/x`, { headers: { authorization: `Snowflake Token="${token('CALLER', ingress.host)}"` } });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.text()).toBe('one ALICE');
  });

  it('refuses at once a role whose grant was revoked, and lets it in again once granted', async () => {
    const authorization = `Snowflake Token="${token('CALLER')}"`;
    expect((await call(authorization)).status).toBe(200);
    grants.endpoints.CALLER = [];
    const refused = await call(authorization);
    expect([refused.status, JSON.parse(refused.body).error]).toEqual([403, 'FORBIDDEN']);
    grants.endpoints.CALLER = ['API.DATA.SVC'];
    expect((await call(authorization)).status).toBe(200);
  });

  it('refuses an OAuth token at once when it expires, and a programmatic access token once removed', async () => {
    const authorization = `Snowflake Token="${token('CALLER')}"`;
    expect((await call(authorization)).status).toBe(200);
    now += 61_000;
    expect((await call(authorization)).status).toBe(401);
    pats.set('pat-secret', { user: 'BOB', role: 'CALLER', restricted: false });
    const pat = await call('Snowflake Token="pat-secret"');
    expect([pat.status, pat.body]).toEqual([200, 'one BOB']);
    pats.delete('pat-secret');
    expect((await call('Snowflake Token="pat-secret"')).status).toBe(401);
  });

  it('answers 503 SERVICE_SUSPENDED while suspended and 503 SERVICE_UNAVAILABLE while no port is ready, then serves again', async () => {
    const authorization = `Snowflake Token="${token('CALLER')}"`;
    suspended = true;
    const whileSuspended = await call(authorization);
    expect([whileSuspended.status, whileSuspended.retryAfter, JSON.parse(whileSuspended.body).error]).toEqual([503, '1', 'SERVICE_SUSPENDED']);
    suspended = false;
    upstream = undefined;
    const notReady = await call(authorization);
    expect([notReady.status, notReady.retryAfter, JSON.parse(notReady.body).error]).toEqual([503, '1', 'SERVICE_UNAVAILABLE']);
    upstream = ports[0];
    expect((await call(authorization)).status).toBe(200);
  });

  it('forwards to the port ready now: a new container port takes the next request', async () => {
    const authorization = `Snowflake Token="${token('CALLER')}"`;
    expect((await call(authorization)).body).toBe('one ALICE');
    upstream = ports[1];
    expect((await call(authorization)).body).toBe('two ALICE');
    upstream = ports[0];
  });

  it("answers the Hono app's refusals, byte for byte: a forged token, another endpoint's token, a role without usage, no instance ready", async () => {
    const app = createIngressApp({ service, endpoint: 'api', tokens: authority, directory, upstream: () => undefined, suspended: () => suspended }, () => ingress.host, new Agent());
    for (const authorization of ['Snowflake Token="forged"', 'Bearer x', `Snowflake Token="${token('CALLER', 'elsewhere.example')}"`, `Snowflake Token="${token('NOBODY')}"`]) {
      const fast = await call(authorization);
      const viaApp = await app.request('/x', { headers: { authorization } });
      expect(fast).toEqual({ status: viaApp.status, retryAfter: viaApp.headers.get('retry-after'), type: viaApp.headers.get('content-type'), body: await viaApp.text() });
    }
    upstream = undefined;
    const authorization = `Snowflake Token="${token('CALLER')}"`;
    const fast = await call(authorization);
    const viaApp = await app.request('/x', { headers: { authorization } });
    expect(fast).toEqual({ status: 503, retryAfter: viaApp.headers.get('retry-after'), type: viaApp.headers.get('content-type'), body: await viaApp.text() });
    upstream = ports[0];
  });
});

describe('what the fast path takes', () => {
  it('takes calls with an Authorization header; leaves browsers, the sign-in pages and other request targets to the app', async () => {
    const authority = new LocalTokenAuthority(Buffer.alloc(32, 9));
    const directory = createTestDirectory({ endpoints: { CALLER: ['API.DATA.SVC'] } });
    const gate = createGate({ service, tokens: authority, directory, upstream: () => undefined }, () => '127.0.0.1:1');
    const front = createFastPath(gate, new Agent());
    // The app stands in as a server answering 299: what reached it.
    const server = createServer((req, res) => front(req, res) || void res.writeHead(299).end());
    const port = await listen(server);
    // node:http sends the request target as given (fetch would make an absolute URL a path).
    const statusOf = (path: string, headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    try {
      const token = `Snowflake Token="${authority.issueOAuthToken({ user: 'ALICE', role: 'CALLER' }, 60)}"`;
      expect(await statusOf('/customer/22', { authorization: token })).toBe(503);
      expect(await statusOf('/customer/22', { authorization: 'Snowflake Token="forged"' })).toBe(401);
      expect(await statusOf('/customer/22', { cookie: 'papi-local-ingress-1=abc', accept: 'text/html' })).toBe(299);
      expect(await statusOf('/sfc-endpoint/login', { authorization: token })).toBe(299);
      expect(await statusOf('http://127.0.0.1:1/customer/22', { authorization: token })).toBe(299);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});


// Browser sign-in at the ingress, over app.request(): who is sent to sign in (a GET naming text/html)
// and who gets the API's 401, the form (escaping, CSRF origin check, wrong password, 403 for a role
// without endpoint usage), the cookie's attributes and name, one endpoint's session refused by another,
// one-time links (once, JSON only), logout. The real browser runs in src/__tests__/browser.test.ts.
// Snowflake's browser flow (redirect to authenticate, /sfc-endpoint/logout):
// https://docs.snowflake.com/en/developer-guide/snowpark-container-services/private-connectivity
// https://docs.snowflake.com/en/developer-guide/snowpark-container-services/service-network-communications
import { Agent } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestAuthority, createTestDirectory } from '../image-registry/__tests__/platform-doubles.js';
import { namesHtml, safeNext, type PasswordSignIn } from './browser-sign-in.js';
import { createIngressApp } from './index.js';
import { forwardedHeaders } from './proxy.js';

const service = { database: 'API', schema: 'DATA', name: 'SVC' };
const authority = createTestAuthority();
const directory = createTestDirectory({ endpoints: { CALLER: ['API.DATA.SVC'] } });
// Stand-in for the engine's users: ALICE (role CALLER) and BOB (role NOBODY), password "secret".
const signIn: PasswordSignIn = async (user, password) => {
  if (password !== 'secret') return undefined;
  if (user.toUpperCase() === 'ALICE') return { user: 'ALICE', role: 'CALLER' };
  if (user.toUpperCase() === 'BOB') return { user: 'BOB', role: 'NOBODY' };
  return undefined;
};
const HOST = '127.0.0.1:4321';
const ORIGIN = `http://${HOST}`;
const PAGE = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

const agent = new Agent();
afterAll(() => agent.destroy());
// No instance is ready: a request that passes every check meets 503.
const ingress = (host = HOST) => createIngressApp({ service, endpoint: 'api', tokens: authority, directory, upstream: () => undefined, signIn }, () => host, agent);
const app = ingress();

const request = (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init);
const form = (fields: Record<string, string>, headers: Record<string, string> = { origin: ORIGIN }) =>
  request('/sfc-endpoint/login', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
const cookieOf = (response: Response): string => response.headers.get('set-cookie')!.split(';')[0]!;

describe('who is sent to sign in', () => {
  it('redirects a GET whose Accept names text/html to the sign-in page, keeping the page asked for', async () => {
    const response = await request('/test?x=1', { headers: { accept: PAGE } });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/sfc-endpoint/login?next=%2Ftest%3Fx%3D1');
  });

  it('answers API clients without a token 401 JSON: */* alone, JSON, a POST, text/html;q=0', async () => {
    for (const init of [{ headers: { accept: '*/*' } }, { headers: { accept: 'application/json' } }, {}, { method: 'POST', headers: { accept: PAGE } }, { headers: { accept: 'text/html;q=0' } }]) {
      const response = await request('/customer/22', init);
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: 'UNAUTHORIZED' });
    }
    expect(namesHtml('text/html')).toBe(true);
    expect(namesHtml('*/*')).toBe(false);
  });

  it('keeps return paths on this endpoint', () => {
    expect(safeNext('/test?x=1')).toBe('/test?x=1');
    for (const bad of ['https://evil.example/', '//evil.example/', '/\\evil.example', 'test', undefined]) expect(safeNext(bad)).toBe('/');
  });
});

describe('the sign-in form', () => {
  it('escapes what it shows back (the return path, the user name)', async () => {
    const evil = '/"><script>alert(1)</script>';
    const page = await (await request(`/sfc-endpoint/login?next=${encodeURIComponent(evil)}`, { headers: { accept: PAGE } })).text();
    expect(page).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    const wrong = await form({ user: '<img src=x onerror=alert(1)>', password: 'nope', next: '/test' });
    expect(wrong.status).toBe(401);
    const text = await wrong.text();
    expect(text).toContain('Incorrect user name or password.');
    expect(text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(text).not.toContain('<img');
  });

  it('refuses a POST that does not come from its own page (CSRF): no Origin or Referer, another origin, a DNS-rebound name', async () => {
    const fields = { user: 'alice', password: 'secret', next: '/test' };
    const sources: Array<Record<string, string>> = [{}, { origin: 'http://evil.example' }, { origin: 'http://attacker.example:4321' }, { origin: 'http://127.0.0.1:9999' }, { referer: 'http://evil.example/page' }];
    for (const headers of sources) {
      const response = await form(fields, headers);
      expect(response.status).toBe(403);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
    expect((await form(fields, { referer: `${ORIGIN}/sfc-endpoint/login` })).status).toBe(303);
  });

  it('signs in: an HttpOnly, SameSite=Lax session cookie named for this endpoint, then back to the page asked for', async () => {
    const response = await form({ user: 'alice', password: 'secret', next: '/test' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/test');
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^papi-local-ingress-4321=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    // The session passes the checks (503: no instance is ready here), for pages and API calls alike.
    expect((await request('/test', { headers: { cookie: cookieOf(response), accept: PAGE } })).status).toBe(503);
    expect((await request('/customer/22', { headers: { cookie: cookieOf(response) } })).status).toBe(503);
  });

  it('lets a session cookie carry reads from anywhere but writes only from its own pages (other ports are the same site)', async () => {
    const cookie = cookieOf(await form({ user: 'alice', password: 'secret', next: '/test' }));
    const post = (headers: Record<string, string>) => request('/customer/22', { method: 'POST', headers: { cookie, ...headers }, body: '{}' });
    const refused = await post({ origin: 'http://127.0.0.1:3000' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'FORBIDDEN' });
    expect((await post({})).status).toBe(403);
    expect((await post({ origin: ORIGIN })).status).toBe(503);
  });

  it("accepts only its own endpoint's session: another ingress, or the id under another name, is not signed in", async () => {
    const signedIn = cookieOf(await form({ user: 'alice', password: 'secret', next: '/test' }));
    const id = signedIn.split('=')[1]!;
    const other = ingress('127.0.0.1:5555');
    expect((await other.request('http://127.0.0.1:5555/test', { headers: { cookie: `papi-local-ingress-5555=${id}`, accept: PAGE } })).status).toBe(302);
    expect((await request('/test', { headers: { cookie: `papi-local-ingress-5555=${id}`, accept: PAGE } })).status).toBe(302);
    expect((await request('/test', { headers: { cookie: 'papi-local-ingress-4321=forged', accept: PAGE } })).status).toBe(302);
  });

  it('answers a 403 page to a user whose role may not use the endpoints, and sets no cookie', async () => {
    const response = await form({ user: 'bob', password: 'secret', next: '/test' });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toContain('may not use the endpoints of service API.DATA.SVC');
  });

  it('logout ends the session', async () => {
    const cookie = cookieOf(await form({ user: 'alice', password: 'secret', next: '/test' }));
    const out = await request('/sfc-endpoint/logout', { headers: { cookie } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^papi-local-ingress-4321=;/);
    expect((await request('/test', { headers: { cookie, accept: PAGE } })).status).toBe(302);
  });
});

describe('one-time sign-in links (papi open --print)', () => {
  const ask = (body: object, contentType = 'application/json') => request('/sfc-endpoint/one-time-link', { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });

  it('signs a browser in once, landing on the page named; a second use is refused', async () => {
    const answer = await ask({ user: 'alice', password: 'secret', next: '/test' });
    expect(answer.status).toBe(200);
    const { url } = (await answer.json()) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:4321\/sfc-endpoint\/one-time\?code=[A-Za-z0-9_-]{43}$/);
    const first = await app.request(url);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/test');
    expect((await request('/test', { headers: { cookie: cookieOf(first), accept: PAGE } })).status).toBe(503);
    const second = await app.request(url);
    expect(second.status).toBe(401);
    expect(second.headers.get('set-cookie')).toBeNull();
  });

  it('needs the password, JSON, and a role that may use the endpoints', async () => {
    expect((await ask({ user: 'alice', password: 'wrong' })).status).toBe(401);
    expect((await ask({ user: 'alice', password: 'secret' }, 'text/plain')).status).toBe(415);
    expect((await ask({ user: 'bob', password: 'secret' })).status).toBe(403);
  });
});

describe('forwarding a signed-in browser', () => {
  it("removes every ingress's session cookie (cookies ignore ports) and keeps the service's own", () => {
    const headers = forwardedHeaders({ cookie: 'papi-local-ingress-4321=a; theme=dark; papi-local-ingress-5555=b' }, 'ALICE');
    expect(headers.cookie).toBe('theme=dark');
    expect(forwardedHeaders({ cookie: 'papi-local-ingress-4321=a' }, 'ALICE').cookie).toBeUndefined();
  });
});

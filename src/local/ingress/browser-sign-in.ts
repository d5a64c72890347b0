// Browser sign-in at papi local's ingress (#14.2). Browsers cannot send `Authorization: Snowflake
// Token=…`, so, as Snowflake's ingress does, a browser that asks for a page without one is sent to
// sign in and then carries a session cookie.
//
// What Snowflake documents, and what papi local does:
// - "When a user attempts to access a service's public endpoint, Snowpark Container Services
//   redirects the user through this endpoint [the authentication endpoint] for authentication."
//   https://docs.snowflake.com/en/developer-guide/snowpark-container-services/private-connectivity
//   The tutorial: "go to https://{INGRESS_URL}/test in a web browser; you will be asked to
//   authenticate to Snowflake".
// - The endpoint's host reserves /sfc-endpoint/: "direct the user to /sfc-endpoint/logout"; after it
//   the user must authenticate again.
//   https://docs.snowflake.com/en/developer-guide/snowpark-container-services/service-network-communications
//   papi local serves its sign-in page there too (/sfc-endpoint/login): Snowflake's sign-in lives on
//   its own authentication host, which papi local has no need of.
// - UNCONFIRMED (no source says; papi local's choices): that only a GET whose Accept names text/html
//   is redirected (API clients keep getting 401 JSON), the cookie's name and attributes, the session
//   lifetime, that the session acts as the user's default role, and the one-time links (papi local
//   only, for `papi open`).
//
// The cookie: HttpOnly, SameSite=Lax, Path=/, a random id of a session kept in this ingress's memory.
// Cookies ignore ports, so every ingress on 127.0.0.1 (and each container behind one) would see every
// ingress's cookie: the cookie's name carries the endpoint's port, each ingress accepts only sessions
// it issued, and the proxy strips all of them before forwarding (proxy.ts). No Secure flag: papi
// local's ingress is plain HTTP on loopback.

import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { LocalHttpEnv } from '../http/local-http-env.js';
import { requestHeader } from '../http/request-body.js';

/** Who a browser signed in as: the user and the role the session acts as. */
export interface BrowserIdentity {
  user: string;
  role: string;
}

/** Checks a papi local user's name and password; undefined when wrong (or no such user). */
export type PasswordSignIn = (loginName: string, password: string) => Promise<BrowserIdentity | undefined>;

/** What password sign-in needs of the account (the engine answers it). */
export interface SignInUsers {
  user(loginName: string): { name: string; disabled: boolean; passwordHash?: string; defaultRole?: string } | undefined;
  userHasRole(user: string, role: string): boolean;
}

/**
 * Password sign-in as the SQL API's login does it (same check, same answer for an unknown user, a
 * wrong password and a user without one). The session acts as the user's default role, PUBLIC when
 * none is granted, as a login without a role does (UNCONFIRMED for Snowflake's ingress).
 */
export function passwordSignIn(users: () => SignInUsers, verifyPassword: (password: string, hash: string) => boolean | Promise<boolean>): PasswordSignIn {
  return async (loginName, password) => {
    const user = users().user(loginName);
    if (!user || user.disabled || user.passwordHash === undefined || !(await verifyPassword(password, user.passwordHash))) return undefined;
    const role = user.defaultRole !== undefined && users().userHasRole(user.name, user.defaultRole) ? user.defaultRole : 'PUBLIC';
    return { user: user.name, role };
  };
}

/** Where the ingress's own pages live (a prefix Snowflake reserves on an endpoint's host). */
export const SIGN_IN_PREFIX = '/sfc-endpoint';
/** Every ingress's cookie starts so (the proxy strips them all); the endpoint's port follows. */
export const SESSION_COOKIE_PREFIX = 'papi-local-ingress-';
const SESSION_TTL_MS = 8 * 3600_000;
const ONE_TIME_TTL_MS = 5 * 60_000;
const MAX_SESSIONS = 10_000;

interface Pending extends BrowserIdentity {
  expiresAt: number;
  next: string;
}

export interface BrowserSignInOptions {
  /** The ingress's own `127.0.0.1:PORT` (known once it listens). */
  host: () => string;
  /** The service's name for pages, e.g. API.DATA.API. */
  serviceName: string;
  signIn: PasswordSignIn;
  /** May this role use the service's endpoints (the check tokens get)? */
  mayUse: (role: string) => boolean;
}

/** One ingress's browser sessions and sign-in pages. */
export class BrowserSignIn {
  private readonly sessions = new Map<string, BrowserIdentity & { expiresAt: number }>();
  private readonly oneTime = new Map<string, Pending>();

  constructor(private readonly options: BrowserSignInOptions) {}

  /** The session cookie's name: it names this endpoint (its port). */
  cookieName(): string {
    return `${SESSION_COOKIE_PREFIX}${this.options.host().split(':').pop()}`;
  }

  /** The identity of the request's session cookie, when this ingress issued it and it is current. */
  identify(c: Context<LocalHttpEnv>): BrowserIdentity | undefined {
    const id = getCookie(c, this.cookieName());
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= Date.now()) {
      this.sessions.delete(id!);
      return undefined;
    }
    return { user: session.user, role: session.role };
  }

  /** A browser asking for a page (GET, Accept naming text/html) is sent to sign in; `*\/*` alone is an API client. */
  wantsPage(c: Context<LocalHttpEnv>): boolean {
    return c.req.method === 'GET' && namesHtml(requestHeader(c, 'accept'));
  }

  /**
   * May this request ride on the session cookie? Reads (GET, HEAD, OPTIONS) may; anything else must
   * come from this endpoint's own pages: SameSite=Lax does not keep the cookie from other ports of
   * 127.0.0.1, which are the same site.
   */
  mayCarrySession(c: Context<LocalHttpEnv>): boolean {
    return ['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) || this.sameOrigin(c);
  }

  redirectToSignIn(c: Context<LocalHttpEnv>): Response {
    const url = new URL(c.req.url);
    const next = safeNext(url.pathname + url.search);
    return c.redirect(`${SIGN_IN_PREFIX}/login?next=${encodeURIComponent(next)}`, 302);
  }

  /** The 403 page for a signed-in browser whose role may not use the endpoints. */
  forbiddenPage(c: Context<LocalHttpEnv>, identity: BrowserIdentity): Response | Promise<Response> {
    return c.html(this.page('Not allowed', html`<p class="error">User <b>${identity.user}</b> (role ${identity.role}) may not use the endpoints of service ${this.options.serviceName}.</p>
<p>Ask for a role with USAGE of the service's endpoints, or <a href="${SIGN_IN_PREFIX}/logout">sign in as someone else</a>.</p>`), 403);
  }

  /** The pages under /sfc-endpoint: sign-in form and its POST, one-time links, logout. */
  routes(): Hono<LocalHttpEnv> {
    const app = new Hono<LocalHttpEnv>();
    app.use('*', async (c, next) => {
      await next();
      // The pages load nothing and may not be framed (no clickjacking of the sign-in form).
      c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
      c.header('cache-control', 'no-store');
    });
    app.get('/login', (c) => {
      const next = safeNext(c.req.query('next'));
      if (this.identify(c)) return c.redirect(next, 302);
      return c.html(this.signInForm(next));
    });

    app.post('/login', async (c) => {
      // CSRF: SameSite=Lax keeps the cookie off cross-site POSTs (but other ports of 127.0.0.1 are the
      // same site); the form must come from this ingress's own page (Origin, else Referer), which a
      // page elsewhere, on another port or under a DNS-rebound name cannot fake.
      if (!this.sameOrigin(c)) return c.html(this.page('Sign-in refused', html`<p class="error">The sign-in form was not sent from this endpoint's own page.</p>`), 403);
      const form = await c.req.parseBody();
      const user = typeof form.user === 'string' ? form.user.trim() : '';
      const password = typeof form.password === 'string' ? form.password : '';
      const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
      const identity = user === '' || password === '' ? undefined : await this.options.signIn(user, password);
      if (!identity) return c.html(this.signInForm(next, user, 'Incorrect user name or password.'), 401);
      if (!this.options.mayUse(identity.role)) return this.forbiddenPage(c, identity);
      this.startSession(c, identity);
      return c.redirect(next, 303);
    });

    // papi local only: `papi open --print` asks for a link that signs a browser in once (5 minutes).
    // JSON only, so a cross-site page cannot ask (it would need a CORS preflight nobody answers).
    app.post('/one-time-link', async (c) => {
      if (!(requestHeader(c, 'content-type') ?? '').toLowerCase().startsWith('application/json')) {
        return c.json({ error: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send {"user", "password", "next"} as application/json.' }, 415);
      }
      const body = (await c.req.json().catch(() => undefined)) as { user?: unknown; password?: unknown; next?: unknown } | undefined;
      const identity =
        typeof body?.user === 'string' && typeof body.password === 'string' && body.password !== '' ? await this.options.signIn(body.user, body.password) : undefined;
      if (!identity) return c.json({ error: 'UNAUTHORIZED', message: 'Incorrect user name or password.' }, 401);
      if (!this.options.mayUse(identity.role)) {
        return c.json({ error: 'FORBIDDEN', message: `Role ${identity.role} is not authorized to use the endpoints of service ${this.options.serviceName}.` }, 403);
      }
      this.sweep();
      const code = randomBytes(32).toString('base64url');
      const next = safeNext(typeof body?.next === 'string' ? body.next : undefined);
      this.oneTime.set(code, { ...identity, next, expiresAt: Date.now() + ONE_TIME_TTL_MS });
      return c.json({ url: `http://${this.options.host()}${SIGN_IN_PREFIX}/one-time?code=${code}`, expiresInSeconds: ONE_TIME_TTL_MS / 1000 });
    });

    app.get('/one-time', (c) => {
      const code = c.req.query('code') ?? '';
      const pending = this.oneTime.get(code);
      this.oneTime.delete(code);
      if (!pending || pending.expiresAt <= Date.now()) {
        return c.html(this.page('Link expired', html`<p class="error">This sign-in link was already used or has expired (links last 5 minutes and work once).</p><p><a href="${SIGN_IN_PREFIX}/login">Sign in</a></p>`), 401);
      }
      if (!this.options.mayUse(pending.role)) return this.forbiddenPage(c, pending);
      this.startSession(c, pending);
      return c.redirect(pending.next, 303);
    });

    const logout = (c: Context<LocalHttpEnv>): Response | Promise<Response> => {
      const id = getCookie(c, this.cookieName());
      if (id !== undefined) this.sessions.delete(id);
      deleteCookie(c, this.cookieName(), { path: '/' });
      return c.html(this.page('Signed out', html`<p>You are signed out of this endpoint.</p><p><a href="${SIGN_IN_PREFIX}/login">Sign in again</a></p>`));
    };
    app.get('/logout', logout);
    app.post('/logout', logout);
    return app;
  }

  private startSession(c: Context<LocalHttpEnv>, identity: BrowserIdentity): void {
    this.sweep();
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { user: identity.user, role: identity.role, expiresAt: Date.now() + SESSION_TTL_MS });
    setCookie(c, this.cookieName(), id, { httpOnly: true, sameSite: 'Lax', path: '/', maxAge: SESSION_TTL_MS / 1000 });
  }

  /** Drops expired sessions and links; past the cap, the oldest sessions go. */
  private sweep(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
    for (const [code, pending] of this.oneTime) if (pending.expiresAt <= now) this.oneTime.delete(code);
    for (const id of this.sessions.keys()) {
      if (this.sessions.size < MAX_SESSIONS) break;
      this.sessions.delete(id);
    }
  }

  /** Origin (else Referer) names this ingress: 127.0.0.1:PORT or localhost:PORT. */
  private sameOrigin(c: Context<LocalHttpEnv>): boolean {
    const source = requestHeader(c, 'origin') ?? requestHeader(c, 'referer');
    if (!source) return false;
    let host: string;
    try {
      const url = new URL(source);
      if (url.protocol !== 'http:') return false;
      host = url.host;
    } catch {
      return false;
    }
    const own = this.options.host();
    return host === own || host === own.replace('127.0.0.1', 'localhost');
  }

  private signInForm(next: string, user = '', error?: string): HtmlEscapedString | Promise<HtmlEscapedString> {
    return this.page(
      'Sign in',
      html`<p>Sign in with a papi local user to use service <b>${this.options.serviceName}</b>.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="${SIGN_IN_PREFIX}/login">
  <input type="hidden" name="next" value="${next}">
  <label>User <input name="user" autocomplete="username" value="${user}" required autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
</form>
<p class="hint">papi's admin user: <code>papi open</code> signs you in, and <code>papi open --print</code> prints a one-time sign-in link.</p>`,
    );
  }

  private page(title: string, body: HtmlEscapedString | Promise<HtmlEscapedString>): HtmlEscapedString | Promise<HtmlEscapedString> {
    return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — papi local</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 30rem; margin: 3rem auto; padding: 0 1rem; color: #1d2330; }
  h1 { font-size: 1.3rem; }
  form { display: grid; gap: .7rem; }
  label { display: grid; gap: .2rem; }
  input { padding: .45rem .6rem; font: inherit; border: 1px solid #9aa3b5; border-radius: 4px; }
  button { padding: .5rem 1rem; font: inherit; border: 0; border-radius: 4px; background: #29b5e8; color: #fff; cursor: pointer; }
  .error { color: #b42318; }
  .hint { color: #4b5568; font-size: .9rem; margin-top: 1.5rem; }
</style>
</head>
<body>
<h1>${title}</h1>
${body}
</body>
</html>`;
  }
}

/** Does an Accept header name text/html (with a q above 0)? `*\/*` alone does not count. */
export function namesHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    if (type !== 'text/html') return false;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** A path on this endpoint to return to: anything else (another host, `//evil`, `/\evil`) becomes `/`. */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\u0000-\u001f]/.test(next)) return '/';
  return next;
}

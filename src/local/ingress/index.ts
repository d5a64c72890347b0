// Ingress for one public endpoint: a Hono app on its own listener on 127.0.0.1 (its host:port is the
// endpoint's ingress_url) that lets through only requests carrying `Authorization: Snowflake
// Token="<token>"` with an OAuth token papi local issued or a programmatic access token
// (TokenAuthority.verifyOAuthToken accepts both; a PAT acts as its ROLE_RESTRICTION or its user's
// default role), for a role allowed to use the service's endpoints, and (when the token names one)
// for this endpoint's host. Requests are forwarded with keep-alive to the ready container port, with
// `Sf-Context-Current-User` set and other `Sf-Context-*` removed (proxy.ts). A browser without a
// token signs in instead and carries a session cookie (browser-sign-in.ts); the same role check applies.
// API calls with a token take the fast path (fast-path.ts) on the node:http layer in front of the
// app; both paths make the same checks (gate.ts) and answer the same refusals (refusal.ts).
//
// Answers (JSON; Snowflake's own ingress text for API clients is UNCONFIRMED, these are papi's):
//   401 {"error":"UNAUTHORIZED","message":"…"}  missing, malformed, invalid, expired, removed or other-endpoint token
//   403 {"error":"FORBIDDEN","message":"…"}     the token's role may not use this service's endpoints
//   503 {"error":"SERVICE_UNAVAILABLE",…}        no ready instance (starting, or restarting after a crash),
//                                                or its port refusing or dropping the connection (a container that just
//                                                died: papi local restarts it), with Retry-After: 1
//   502 {"error":"BAD_GATEWAY",…}                 the container failed to answer otherwise
//   503 {"error":"SERVICE_SUSPENDED",…}          the service is suspended and the call does not resume it
//                                                (what Snowflake answers then is UNCONFIRMED; see spcs/runtime.ts)

import { Agent } from 'node:http';
import { Hono } from 'hono';
import { answerErrorsWith, type ErrorAnswer } from '../http/error-middleware.js';
import { listenApp } from '../http/listen-app.js';
import type { LocalHttpEnv } from '../http/local-http-env.js';
import { requestHeader } from '../http/request-body.js';
import type { AccountDirectory, ServiceKey, TokenAuthority } from '../platform.js';
import { BrowserSignIn, SIGN_IN_PREFIX, type PasswordSignIn } from './browser-sign-in.js';
import { createFastPath } from './fast-path.js';
import { createGate, type Gate } from './gate.js';
import { forwardToContainer } from './proxy.js';
import { IngressError, refusalBody, refusalFor, refusalHeaders } from './refusal.js';

export interface IngressOptions {
  service: ServiceKey;
  endpoint: string;
  tokens: TokenAuthority;
  directory: AccountDirectory;
  /** The container port serving this endpoint now, or undefined when none is ready. */
  upstream: () => number | undefined;
  /** True when the service is suspended and stays so (asked after the token and role checks; may resume it). */
  suspended?: () => boolean;
  /** The secret the service's container ports require (spcs/ingress-guard.ts); sent with each forwarded request. */
  guardSecret?: string;
  /** Checks a papi local user's password for browser sign-in; without it browsers get the API's 401. */
  signIn?: PasswordSignIn;
  /** Listen port; default any free one. */
  port?: number;
}

export interface IngressListener {
  /** `127.0.0.1:PORT`: the endpoint's ingress_url. */
  host: string;
  port: number;
  close(): Promise<void>;
}

export { IngressError, type IngressStatus } from './refusal.js';

export const ingressErrorAnswer: ErrorAnswer = (error, c) => {
  const refusal = refusalFor(error);
  for (const [name, value] of Object.entries(refusalHeaders(refusal))) c.header(name, value);
  return c.json(refusalBody(refusal), refusal.status);
};

/** The ingress's app; `host()` is the listener's `127.0.0.1:PORT` (a token's audience must name it). */
export function createIngressApp(options: Omit<IngressOptions, 'port'>, host: () => string, agent: Agent, gate: Gate = createGate(options, host)): Hono<LocalHttpEnv> {
  const { serviceName, mayUse } = gate;
  const app = new Hono<LocalHttpEnv>();
  app.onError(answerErrorsWith(ingressErrorAnswer));
  const browsers = options.signIn ? new BrowserSignIn({ host, serviceName, signIn: options.signIn, mayUse }) : undefined;
  if (browsers) app.route(SIGN_IN_PREFIX, browsers.routes());
  app.all('*', (c) => {
    const authorization = requestHeader(c, 'authorization');
    // No token: a browser's session cookie stands in for one; a browser asking for a page with neither is sent to sign in.
    const session = authorization === undefined ? browsers?.identify(c) : undefined;
    if (authorization === undefined && !session && browsers?.wantsPage(c)) return browsers.redirectToSignIn(c);
    if (session && !browsers!.mayCarrySession(c)) {
      throw new IngressError(403, 'FORBIDDEN', `A ${c.req.method} with a browser session must come from a page of this endpoint (Origin).`);
    }
    const claims: { user: string; role: string; audience?: string } = session ?? gate.caller(authorization);
    gate.checkAudience(claims);
    if (!mayUse(claims.role)) {
      if (session && browsers?.wantsPage(c)) return browsers.forbiddenPage(c, session);
      throw gate.forbidden(claims.role);
    }
    return forwardToContainer(c, gate.readyPort(), claims.user, agent, options.guardSecret);
  });
  return app;
}

/**
 * Connections waiting to be accepted. A load generator at 1,000 requests/s on a cold service opens a
 * connection for each request in flight, up to a thousand in the first second, while papi local is
 * busy with the lookups: past Node's default queue of 511 the kernel drops their SYNs and the client
 * retries after 1 s, then 3 s (TcpExtListenOverflows grew during such runs). The service's own
 * listener has the same depth (service/src/server.ts).
 */
export const INGRESS_LISTEN_BACKLOG = 4096;

/**
 * How long an idle client connection stays open. Node's default of 5 s lost requests: a client that
 * keeps its idle connections for reuse (papi bench's keep-alive agent; a busy one reads the close
 * late) sent on a connection the ingress was closing and got ECONNRESET — 100 of a warm minute at
 * 1,000/s on a busy machine. Longer than a client keeps one idle (the SQL API's listener does the same).
 */
export const INGRESS_KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Idle connections to the container kept for reuse. Busy ones are not capped: with a cap (it was 64)
 * requests beyond it waited in the ingress for a connection, so on a cold cache the container's
 * quick answers (cache hits) queued behind its slow ones (misses waiting for the store) — the whole
 * first seconds of a cold run at 1,000/s sat in that queue. The container's own listener takes a
 * burst of connections (service/src/server.ts, backlog 4096).
 */
export const INGRESS_IDLE_UPSTREAM_SOCKETS = 256;

export async function startIngress(options: IngressOptions): Promise<IngressListener> {
  const agent = new Agent({ keepAlive: true, maxFreeSockets: INGRESS_IDLE_UPSTREAM_SOCKETS });
  let host = '';
  const gate = createGate(options, () => host);
  const front = createFastPath(gate, agent, options.guardSecret);
  const listener = await listenApp(createIngressApp(options, () => host, agent, gate), { port: options.port ?? 0, backlog: INGRESS_LISTEN_BACKLOG, keepAliveTimeoutMs: INGRESS_KEEP_ALIVE_TIMEOUT_MS, front }).catch((error: unknown) => {
    agent.destroy();
    throw error;
  });
  host = listener.host;
  return {
    host,
    port: listener.port,
    close: async () => {
      agent.destroy();
      await listener.close();
    },
  };
}

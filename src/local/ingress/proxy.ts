// The ingress's forwarding to a service container: the Node request piped to the container with
// keep-alive and its answer piped back, byte for byte and without buffering (it sits on the latency
// path of every service call). It writes the Node response itself: the fast path (fast-path.ts)
// calls forward() with Node's request and response, the Hono app forwardToContainer() under
// @hono/node-server.
import { request, type Agent, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import type { LocalHttpEnv } from '../http/local-http-env.js';
import { SESSION_COOKIE_PREFIX } from './browser-sign-in.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** The header carrying the secret a container's port requires (spcs/ingress-guard.ts); only the ingress adds it. */
export const GUARD_HEADER = 'x-papi-local-ingress-secret';

/** Thrown when the container does not answer (before any of its answer went out). */
export class UpstreamError extends Error {
  /** Node's error code (ECONNREFUSED: nothing listens on the container's port). */
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Forwards the request to 127.0.0.1:`port` as `user` (under Hono); resolves once the container's answer is streaming back. */
export function forwardToContainer(c: Context<LocalHttpEnv>, port: number, user: string, agent: Agent, guardSecret?: string): Promise<Response> {
  const { incoming, outgoing } = c.env ?? {};
  if (!incoming || !outgoing) return Promise.reject(new Error('the ingress forwards only when served by @hono/node-server'));
  return forward(incoming, outgoing, port, user, agent, guardSecret).then(() => RESPONSE_ALREADY_SENT);
}

/**
 * Forwards a Node request to 127.0.0.1:`port` as `user` and pipes the answer into `outgoing`;
 * resolves once the answer is streaming back, rejects with an UpstreamError when the container
 * did not answer (nothing written yet).
 */
export function forward(incoming: IncomingMessage, outgoing: ServerResponse, port: number, user: string, agent: Agent, guardSecret?: string): Promise<void> {
  const headers = forwardedHeaders(incoming.headers, user, guardSecret);
  return new Promise((resolve, reject) => {
    const send = (retried: boolean): void => {
      const upstream = request({ host: '127.0.0.1', port, method: incoming.method, path: incoming.url, headers, agent }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders));
        answer.pipe(outgoing);
        resolve();
      });
      upstream.on('error', (error) => {
        // A kept-alive connection the container closed as the request went out (its idle timeout
        // meeting our reuse): a request without a body is sent once more, on a new connection.
        if (!retried && !outgoing.headersSent && upstream.reusedSocket && bodiless(incoming)) return send(true);
        // Before the answer: the caller answers 502/503. After it: the connection is cut.
        if (outgoing.headersSent) outgoing.destroy(error);
        else reject(new UpstreamError(error.message, (error as NodeJS.ErrnoException).code));
      });
      if (retried || bodiless(incoming)) upstream.end();
      else incoming.pipe(upstream);
    };
    send(false);
  });
}

/**
 * The answer's headers minus hop-by-hop ones, as a flat [name, value, …] list taken from the raw
 * headers: no header object is built per answer, and repeated headers (Set-Cookie) stay as sent.
 */
function endToEnd(raw: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i]!.toLowerCase())) kept.push(raw[i]!, raw[i + 1]!);
  return kept;
}

/** A GET or HEAD without a body: safe to send twice, and nothing to read from the client. */
function bodiless(incoming: IncomingMessage): boolean {
  return (incoming.method === 'GET' || incoming.method === 'HEAD') && incoming.headers['transfer-encoding'] === undefined && (incoming.headers['content-length'] ?? '0') === '0';
}

/** Incoming headers minus hop-by-hop, the caller's token and any Sf-Context-*; plus the current user and the guard's secret. */
export function forwardedHeaders(incoming: IncomingHttpHeaders, user: string, guardSecret?: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'authorization' || name.startsWith('sf-context-')) continue;
    headers[name] = value;
  }
  // Ingress session cookies (every endpoint's: cookies ignore ports) are papi local's, not the service's.
  if (typeof headers.cookie === 'string') {
    const kept = headers.cookie.split(';').filter((pair) => !pair.trim().startsWith(SESSION_COOKIE_PREFIX));
    if (kept.length > 0) headers.cookie = kept.join(';').trim();
    else delete headers.cookie;
  }
  headers['Sf-Context-Current-User'] = user;
  // Lower case: replaces whatever a caller sent under that name.
  if (guardSecret !== undefined) headers[GUARD_HEADER] = guardSecret;
  else delete headers[GUARD_HEADER];
  return headers;
}

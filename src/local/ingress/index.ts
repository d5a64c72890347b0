// Ingress for one public endpoint: a listener on 127.0.0.1 (its host:port is the endpoint's
// ingress_url) that lets through only requests carrying `Authorization: Snowflake Token="<token>"`
// with an OAuth token papi local issued or a programmatic access token (TokenAuthority.verifyOAuthToken
// accepts both; a PAT acts as its ROLE_RESTRICTION or its user's default role), for a role allowed to
// use the service's endpoints, and (when the token names one) for this endpoint's host. Requests are forwarded with keep-alive to
// the ready container port, with `Sf-Context-Current-User` set and other `Sf-Context-*` removed.
//
// Answers (JSON; Snowflake's own ingress text for API clients is UNCONFIRMED, these are papi's):
//   401 {"error":"UNAUTHORIZED","message":"…"}  missing, malformed, invalid, expired, removed or other-endpoint token
//   403 {"error":"FORBIDDEN","message":"…"}     the token's role may not use this service's endpoints
//   503 {"error":"SERVICE_UNAVAILABLE",…}        no ready instance;  502 {"error":"BAD_GATEWAY",…} upstream failed

import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccountDirectory, ServiceKey, TokenAuthority } from '../platform.js';

export interface IngressOptions {
  service: ServiceKey;
  endpoint: string;
  tokens: TokenAuthority;
  directory: AccountDirectory;
  /** The container port serving this endpoint now, or undefined when none is ready. */
  upstream: () => number | undefined;
  /** Listen port; default any free one. */
  port?: number;
}

export interface IngressListener {
  /** `127.0.0.1:PORT`: the endpoint's ingress_url. */
  host: string;
  port: number;
  close(): Promise<void>;
}

const TOKEN_HEADER = /^Snowflake Token="([^"]+)"$/;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export async function startIngress(options: IngressOptions): Promise<IngressListener> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const serviceName = `${options.service.database}.${options.service.schema}.${options.service.name}`;
  let host = '';

  const server = createServer((req, res) => {
    const match = TOKEN_HEADER.exec(req.headers.authorization ?? '');
    const claims = match ? options.tokens.verifyOAuthToken(match[1]!) : undefined;
    if (!claims) {
      drain(req);
      return reply(res, 401, 'UNAUTHORIZED', match ? 'Invalid or expired access token.' : 'Missing authorization: send Authorization: Snowflake Token="<token>".');
    }
    if (claims.audience !== undefined && !sameHost(claims.audience, host)) {
      drain(req);
      return reply(res, 401, 'UNAUTHORIZED', 'The OAuth access token was issued for another endpoint.');
    }
    if (!options.directory.canUseServiceEndpoints(claims.role, options.service)) {
      drain(req);
      return reply(res, 403, 'FORBIDDEN', `Role ${claims.role} is not authorized to use the endpoints of service ${serviceName}.`);
    }
    const port = options.upstream();
    if (port === undefined) {
      drain(req);
      return reply(res, 503, 'SERVICE_UNAVAILABLE', `Service ${serviceName} is not ready.`);
    }
    forward(req, res, port, claims.user, agent);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  host = `127.0.0.1:${port}`;
  return {
    host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

function forward(req: IncomingMessage, res: ServerResponse, port: number, user: string, agent: Agent): void {
  const headers = forwardedHeaders(req.headers, user);
  const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent }, (answer) => {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
    }
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) reply(res, 502, 'BAD_GATEWAY', 'The service did not answer.');
    else res.destroy();
  });
  req.pipe(upstream);
}

/** Incoming headers minus hop-by-hop, the caller's token and any Sf-Context-*; plus the current user. */
export function forwardedHeaders(incoming: IncomingHttpHeaders, user: string): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === 'authorization' || name.startsWith('sf-context-')) continue;
    headers[name] = value;
  }
  headers['Sf-Context-Current-User'] = user;
  return headers;
}

function sameHost(audience: string, host: string): boolean {
  const normalized = audience.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return normalized === host || normalized === host.replace('127.0.0.1', 'localhost');
}

function reply(res: ServerResponse, status: number, error: string, message: string): void {
  const body = JSON.stringify({ error, message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function drain(req: IncomingMessage): void {
  req.resume();
}

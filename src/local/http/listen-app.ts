// Serves a Hono app with @hono/node-server on 127.0.0.1, keeping connections alive (the driver and
// the ingress's callers reuse them).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';

type FetchCallback = Parameters<typeof getRequestListener>[0];

export interface AppListener {
  server: Server;
  port: number;
  /** `127.0.0.1:PORT` */
  host: string;
  /** Stops listening and cuts open connections (keep-alive ones would hold close() for a minute). */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** 0 = any free port. */
  port: number;
  /** How long an idle keep-alive connection stays open (default Node's). */
  keepAliveTimeoutMs?: number;
  /** Connections waiting to be accepted (default Node's 511; the kernel caps it at net.core.somaxconn). */
  backlog?: number;
  /** Sees each request first; one it answers (true) never reaches the app (the ingress's fast path). */
  front?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** Listens on 127.0.0.1 (rejects when the port is taken). */
export async function listenApp(app: { fetch: FetchCallback }, options: ListenOptions): Promise<AppListener> {
  // hostname: the URL's host when a request has no Host header (HTTP/1.0). node-server keeps its default
  // of installing its lightweight Request/Response as the globals: Hono's answers then skip building a
  // full Response, which keeps the query path as fast as the hand-routed server was (bench:local).
  const listener = getRequestListener(app.fetch, { hostname: '127.0.0.1' });
  const { front } = options;
  const server = createServer({ keepAlive: true }, front ? (req, res) => front(req, res) || void listener(req, res) : listener);
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  const { port } = options;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', ...(options.backlog === undefined ? {} : { backlog: options.backlog }) }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    server,
    port: bound,
    host: `127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
